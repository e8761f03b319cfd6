package org.sentence4j.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a delimited text file (CSV, TSV) with Apache Commons CSV. Options: delimiter, header row, quoting
 * (off for files such as STSb whose texts hold unbalanced quotes: a quote-aware parser would merge rows),
 * which fields become which columns (by 0-based index or header name), the label field, row filters and the
 * allowed field counts. Blank lines are skipped; CRLF and a missing final newline are handled.
 *
 * <p>Without a column selection the file needs a header: every header field is a column and a field named
 * {@code label} or {@code score} holds the labels, as in sentence-transformers.
 */
public final class DelimitedReader extends DatasetReader<DelimitedReader> {

    /** A field chosen by 0-based index or by header name. */
    private record FieldRef(String column, int index, String headerName) {
        String describe() {
            return headerName != null ? "field '" + headerName + "'" : "field " + index;
        }
    }

    private record Filter(FieldRef field, Predicate<String> keep) {
    }

    private final Path file;
    private char delimiter;
    private boolean header = true;
    private Character quote = '"';
    private final List<FieldRef> inputs = new ArrayList<>();
    private FieldRef label;
    private final List<Filter> filters = new ArrayList<>();
    private int[] fieldCounts;

    DelimitedReader(Path file, char delimiter) {
        this.file = Objects.requireNonNull(file, "file");
        this.delimiter = delimiter;
    }

    public DelimitedReader delimiter(char delimiter) {
        this.delimiter = delimiter;
        return this;
    }

    /** Whether the first line is a header row (default true). */
    public DelimitedReader header(boolean header) {
        this.header = header;
        return this;
    }

    /** RFC-4180 quoting with {@code "} (default on); off: quotes are plain characters and fields split at every delimiter. */
    public DelimitedReader quoting(boolean quoting) {
        this.quote = quoting ? Character.valueOf('"') : null;
        return this;
    }

    /** Quoting with another quote character. */
    public DelimitedReader quote(char quoteChar) {
        this.quote = quoteChar;
        return this;
    }

    /** Field {@code field} (0-based) becomes input column {@code column}; columns keep the order of the calls. */
    public DelimitedReader column(String column, int field) {
        return addInput(new FieldRef(checkInputName(column), checkIndex(field), null));
    }

    /** The header field {@code headerField} becomes input column {@code column}. */
    public DelimitedReader column(String column, String headerField) {
        return addInput(new FieldRef(checkInputName(column), -1, Objects.requireNonNull(headerField, "headerField")));
    }

    /** The header field {@code headerField} becomes an input column of the same name. */
    public DelimitedReader column(String headerField) {
        return column(headerField, headerField);
    }

    /** Field {@code field} (0-based) holds the labels, in the column {@code labelColumn} ({@code label} or {@code score}). */
    public DelimitedReader label(String labelColumn, int field) {
        this.label = new FieldRef(checkLabelName(labelColumn), checkIndex(field), null);
        return this;
    }

    /** The header field {@code headerField} holds the labels, in the column {@code labelColumn}. */
    public DelimitedReader label(String labelColumn, String headerField) {
        this.label = new FieldRef(checkLabelName(labelColumn), -1, Objects.requireNonNull(headerField, "headerField"));
        return this;
    }

    /** Keeps only rows whose field {@code field} (0-based) passes {@code keep} (e.g. a split column). */
    public DelimitedReader where(int field, Predicate<String> keep) {
        filters.add(new Filter(new FieldRef("where", checkIndex(field), null), keep));
        return this;
    }

    /** Keeps only rows whose header field {@code headerField} passes {@code keep}. */
    public DelimitedReader where(String headerField, Predicate<String> keep) {
        filters.add(new Filter(new FieldRef("where", -1, headerField), keep));
        return this;
    }

    /** The field counts a row may have (STSb: 7 or 9); other rows are errors. Default: see {@link #read()}. */
    public DelimitedReader fieldCounts(int... allowed) {
        if (allowed.length == 0) {
            throw new IllegalArgumentException("fieldCounts needs at least one count");
        }
        this.fieldCounts = allowed.clone();
        return this;
    }

    private DelimitedReader addInput(FieldRef f) {
        if (inputs.stream().anyMatch(g -> g.column().equals(f.column()))) {
            throw new IllegalArgumentException("Column '" + f.column() + "' is selected twice.");
        }
        inputs.add(f);
        return this;
    }

    private static String checkInputName(String column) {
        Objects.requireNonNull(column, "column");
        if (Dataset.isLabelColumn(column)) {
            throw new IllegalArgumentException("'" + column + "' is the label column; select it with label(...).");
        }
        return column;
    }

    private static String checkLabelName(String column) {
        if (!Dataset.isLabelColumn(column)) {
            throw new IllegalArgumentException("The label column must be named one of " + Dataset.LABEL_COLUMNS
                    + ", got '" + column + "'.");
        }
        return column;
    }

    private static int checkIndex(int field) {
        if (field < 0) {
            throw new IllegalArgumentException("Field indices are 0-based and >= 0, got " + field);
        }
        return field;
    }

    /**
     * Reads the file. Field counts: with {@link #fieldCounts(int...)} a row must have one of them; else with a
     * header every row must have as many fields as the header; without one a row must reach the last selected
     * field (extra fields are ignored).
     */
    @Override
    public Dataset read() {
        if (!header && inputs.isEmpty()) {
            throw new IllegalArgumentException(file + ": a file without a header row needs its columns chosen "
                    + "with column(name, fieldIndex)");
        }
        boolean byName = inputs.stream().anyMatch(f -> f.headerName() != null)
                || (label != null && label.headerName() != null)
                || filters.stream().anyMatch(f -> f.field().headerName() != null);
        if (!header && byName) {
            throw new IllegalArgumentException(file + ": fields chosen by header name need header(true); "
                    + "without a header choose them by 0-based index");
        }
        if (inputs.isEmpty() && label != null) {
            throw new IllegalArgumentException(file + ": label(...) without column(...); select the input columns too");
        }
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setDelimiter(delimiter)
                .setQuote(quote)
                .setEscape((Character) null)
                .setCommentMarker((Character) null)
                .setIgnoreEmptyLines(false) // blank lines are skipped below, keeping line numbers exact
                .setIgnoreSurroundingSpaces(false)
                .setTrim(false)
                .setAllowMissingColumnNames(true)
                .get();
        List<FieldRef> cols = new ArrayList<>(inputs);
        FieldRef lbl = label;
        List<List<String>> texts = new ArrayList<>();
        LabelCollector labels = null;
        int rows = 0;
        int filtered = 0;
        long line = 0; // the line number where the current record starts
        String[] headerNames = null;
        try (BufferedReader reader = Files.newBufferedReader(file, charset);
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            Iterator<CSVRecord> it = parser.iterator();
            long prevEnd = 0;
            boolean first = true;
            while (rows < limit) {
                line = prevEnd + 1;
                CSVRecord rec;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    rec = it.next();
                } catch (UncheckedIOException e) {
                    if (e.getCause() instanceof java.nio.charset.CharacterCodingException) {
                        throw ioError(file, line, e.getCause());
                    }
                    throw DatasetException.at(file, line, "malformed row: " + e.getCause().getMessage()
                            + (quote != null ? " (if quotes are plain text here, use quoting(false))" : ""), e);
                }
                prevEnd = parser.getCurrentLineNumber();
                String[] fields = rec.values();
                if (first && fields.length > 0) {
                    fields[0] = stripBom(fields[0]);
                }
                first = false;
                if (fields.length == 1 && fields[0].isEmpty()) {
                    continue; // blank line
                }
                if (headerNames == null && header) {
                    headerNames = fields;
                    cols = resolveHeader(cols, headerNames, line);
                    lbl = resolve(lbl, headerNames, line);
                    if (inputs.isEmpty()) {
                        lbl = defaultColumns(cols, headerNames, line);
                    }
                    resolveFilters(headerNames, line);
                    continue;
                }
                if (texts.isEmpty()) {
                    for (int c = 0; c < cols.size(); c++) {
                        texts.add(new ArrayList<>());
                    }
                    if (lbl != null) {
                        labels = labelCollector(lbl.column(), file);
                    }
                }
                checkFieldCount(fields.length, headerNames, cols, lbl, line);
                if (!keep(fields)) {
                    filtered++;
                    continue;
                }
                for (int c = 0; c < cols.size(); c++) {
                    FieldRef f = cols.get(c);
                    texts.get(c).add(text(fields[f.index()], f.column() + " (" + f.describe() + ")", file, line));
                }
                if (labels != null) {
                    labels.addToken(fields[lbl.index()], line);
                }
                rows++;
            }
        } catch (IOException e) {
            throw ioError(file, line, e);
        } catch (UncheckedIOException e) {
            throw ioError(file, line, e.getCause());
        }
        if (header && headerNames == null) {
            throw DatasetException.inFile(file, "is empty (no header row)", null);
        }
        if (rows == 0) {
            throw DatasetException.inFile(file, "has no data rows" + (filtered > 0 ? " (all " + filtered
                    + " rows filtered out by where(...))" : ""), null);
        }
        LabelColumn lc = labels == null ? null : labels.finish();
        List<String> notes = new ArrayList<>();
        notes.add("read " + rows + " rows from " + file.getFileName() + " (delimiter "
                + (delimiter == '\t' ? "tab" : "'" + delimiter + "'") + ", " + (header ? "header" : "no header")
                + ", " + (quote == null ? "no quoting" : "quoting " + quote) + ")"
                + (filtered > 0 ? ", " + filtered + " rows filtered out" : ""));
        notes.addAll(labelNotes(lc));
        return Dataset.of(nameOr(file), file, cols.stream().map(FieldRef::column).toList(), texts, lc, notes);
    }

    private List<FieldRef> resolveHeader(List<FieldRef> cols, String[] names, long line) {
        List<FieldRef> out = new ArrayList<>();
        for (FieldRef f : cols) {
            out.add(resolve(f, names, line));
        }
        return out;
    }

    private FieldRef resolve(FieldRef f, String[] names, long line) {
        if (f == null || f.headerName() == null) {
            return f;
        }
        int idx = -1;
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(f.headerName())) {
                if (idx >= 0) {
                    throw DatasetException.at(file, line, "header field '" + f.headerName() + "' appears twice");
                }
                idx = i;
            }
        }
        if (idx < 0) {
            throw DatasetException.at(file, line, "no header field '" + f.headerName() + "'; the header has "
                    + Arrays.stream(names).collect(Collectors.joining(", ", "[", "]")));
        }
        return new FieldRef(f.column(), idx, f.headerName());
    }

    /** Every header field a column; label/score the label column (returned). */
    private FieldRef defaultColumns(List<FieldRef> cols, String[] names, long line) {
        FieldRef lbl = null;
        for (int i = 0; i < names.length; i++) {
            String n = names[i];
            if (n.isEmpty()) {
                throw DatasetException.at(file, line, "header field " + i + " has no name");
            }
            if (cols.stream().anyMatch(f -> f.column().equals(n)) || (lbl != null && lbl.column().equals(n))) {
                throw DatasetException.at(file, line, "header field '" + n + "' appears twice");
            }
            if (Dataset.isLabelColumn(n)) {
                if (lbl != null) {
                    throw DatasetException.at(file, line, "the header has both '" + lbl.column() + "' and '" + n
                            + "'; only one may hold labels (select columns explicitly)");
                }
                lbl = new FieldRef(n, i, n);
            } else {
                cols.add(new FieldRef(n, i, n));
            }
        }
        if (cols.isEmpty()) {
            throw DatasetException.at(file, line, "the header has no input column besides the label column");
        }
        return lbl;
    }

    private void resolveFilters(String[] names, long line) {
        for (int i = 0; i < filters.size(); i++) {
            Filter f = filters.get(i);
            filters.set(i, new Filter(resolve(f.field(), names, line), f.keep()));
        }
    }

    private void checkFieldCount(int n, String[] headerNames, List<FieldRef> cols, FieldRef lbl, long line) {
        if (fieldCounts != null) {
            if (Arrays.stream(fieldCounts).noneMatch(c -> c == n)) {
                throw DatasetException.at(file, line, "has " + n + " field" + (n == 1 ? "" : "s") + ", expected "
                        + Arrays.stream(fieldCounts).mapToObj(String::valueOf).collect(Collectors.joining(" or ")));
            }
        } else if (headerNames != null && n != headerNames.length) {
            throw DatasetException.at(file, line, "has " + n + " field" + (n == 1 ? "" : "s") + ", the header has "
                    + headerNames.length);
        }
        List<FieldRef> needed = new ArrayList<>(cols);
        if (lbl != null) {
            needed.add(lbl);
        }
        filters.forEach(f -> needed.add(f.field()));
        for (FieldRef f : needed) {
            if (f.index() >= n) {
                throw DatasetException.at(file, line, "has " + n + " field" + (n == 1 ? "" : "s") + "; "
                        + f.column() + " (" + f.describe() + ") is missing");
            }
        }
    }

    private boolean keep(String[] fields) {
        for (Filter f : filters) {
            if (!f.keep().test(fields[f.field().index()])) {
                return false;
            }
        }
        return true;
    }
}
