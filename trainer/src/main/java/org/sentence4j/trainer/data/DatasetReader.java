package org.sentence4j.trainer.data;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

import org.sentence4j.losses.LabelKind;

/**
 * Options shared by the dataset readers: name, charset, label transform, label mapping, label kind, text
 * checks and a row limit. Each reader adds its format's options and {@link #read()}.
 *
 * @param <SELF> the concrete reader, for fluent calls
 */
public abstract class DatasetReader<SELF extends DatasetReader<SELF>> {

    protected String name;
    protected Charset charset = StandardCharsets.UTF_8;
    protected DoubleUnaryOperator labelTransform;
    protected String labelTransformDescription;
    protected LabelMapping labelMapping;
    protected LabelKind labelKind;
    protected boolean allowEmptyText;
    protected boolean trimText;
    protected int limit = Integer.MAX_VALUE;

    DatasetReader() {
    }

    @SuppressWarnings("unchecked")
    private SELF self() {
        return (SELF) this;
    }

    /** The dataset's name (default: the file name). */
    public SELF name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return self();
    }

    /** The files' charset (default UTF-8; malformed input is an error with its line). */
    public SELF charset(Charset charset) {
        this.charset = Objects.requireNonNull(charset, "charset");
        return self();
    }

    /** A function applied to every label value after parsing, e.g. {@code s -> s / 5} for STSb scores. */
    public SELF labelTransform(DoubleUnaryOperator transform) {
        return labelTransform(transform, "custom");
    }

    /** As {@link #labelTransform(DoubleUnaryOperator)}, with a description for the dataset's notes. */
    public SELF labelTransform(DoubleUnaryOperator transform, String description) {
        this.labelTransform = Objects.requireNonNull(transform, "transform");
        this.labelTransformDescription = description;
        return self();
    }

    /** Divides every label by {@code divisor} (STSb: 5, to get scores in [0, 1]). */
    public SELF labelScale(double divisor) {
        if (!(divisor != 0 && Double.isFinite(divisor))) {
            throw new IllegalArgumentException("label divisor must be finite and non-zero, got " + divisor);
        }
        return labelTransform(v -> v / divisor, "divided by " + divisor);
    }

    /** Maps text labels to class ids; without one, a text label is an error. */
    public SELF labelMapping(LabelMapping mapping) {
        this.labelMapping = Objects.requireNonNull(mapping, "mapping");
        return self();
    }

    /** Overrides the inferred label kind; the values are checked against it. */
    public SELF labelKind(LabelKind kind) {
        this.labelKind = Objects.requireNonNull(kind, "kind");
        return self();
    }

    /** Accepts empty (blank) texts; by default an empty text is an error with its line. */
    public SELF allowEmptyText(boolean allow) {
        this.allowEmptyText = allow;
        return self();
    }

    /**
     * Strips leading and trailing whitespace from texts (default false: texts are kept as written, e.g. the
     * trailing spaces of SNLI's tokenized lines).
     */
    public SELF trimText(boolean trim) {
        this.trimText = trim;
        return self();
    }

    /** Reads at most {@code rows} rows. */
    public SELF limit(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + rows);
        }
        this.limit = rows;
        return self();
    }

    /** Reads the dataset; a bad row throws a {@link DatasetException} with its file and line. */
    public abstract Dataset read();

    // ---- shared helpers ----

    String nameOr(Path file) {
        return name != null ? name : String.valueOf(file.getFileName());
    }

    LabelCollector labelCollector(String column, Path file) {
        return new LabelCollector(column, labelTransform, labelMapping, labelKind,
                (line, problem) -> DatasetException.at(file, line, problem));
    }

    /** The text of a field, checked: trimmed if asked, non-empty unless allowed. */
    String text(String value, String what, Path file, long line) {
        String s = trimText ? value.strip() : value;
        if (!allowEmptyText && s.isBlank()) {
            throw DatasetException.at(file, line, what + " is empty");
        }
        return s;
    }

    List<String> labelNotes(LabelColumn lbl) {
        List<String> notes = new ArrayList<>();
        if (lbl != null) {
            if (labelMapping != null) {
                notes.add("text labels mapped to class ids: " + labelMapping);
            }
            if (labelTransform != null) {
                notes.add("label transform: " + labelTransformDescription);
            }
            notes.add("label kind " + lbl.kind() + (labelKind != null ? " (given)" : " (inferred)"));
        }
        return notes;
    }

    /** Reads every line of a file (LF, CRLF or CR; a final newline does not start a line), BOM removed. */
    List<String> readLines(Path file) {
        return TextFiles.readLines(file, charset);
    }

    DatasetException ioError(Path file, long line, IOException e) {
        if (e instanceof java.nio.charset.CharacterCodingException) {
            // Decoding runs ahead of parsing in buffers: find the line of the bad bytes ourselves.
            return TextFiles.notDecodable(file, charset, line, e);
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return DatasetException.inFile(file, "file not found", e);
        }
        return DatasetException.inFile(file, "cannot be read: " + e, e);
    }

    static String stripBom(String s) {
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }
}
