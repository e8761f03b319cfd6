package org.sentence4j.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Zips line-aligned files into one dataset: line i of every file is row i (the InferSent/SentEval layout of
 * SNLI: {@code s1.dev}, {@code s2.dev}, {@code labels.dev}). Every line is a row, blank lines included (a blank
 * text is an error unless allowed), so the files stay aligned; files of different lengths are an error naming
 * the shorter file and its first missing line.
 */
public final class LineFilesReader extends DatasetReader<LineFilesReader> {

    private final Map<String, Path> inputs = new LinkedHashMap<>();
    private String labelColumn;
    private Path labelFile;

    LineFilesReader() {
    }

    /** The lines of {@code file} become input column {@code column}; columns keep the order of the calls. */
    public LineFilesReader column(String column, Path file) {
        Objects.requireNonNull(file, "file");
        if (Dataset.isLabelColumn(column)) {
            throw new IllegalArgumentException("'" + column + "' is the label column; give it with label(...).");
        }
        if (inputs.put(Objects.requireNonNull(column, "column"), file) != null) {
            throw new IllegalArgumentException("Column '" + column + "' is given twice.");
        }
        return this;
    }

    /** The lines of {@code file} are the labels, in column {@code labelColumn} ({@code label} or {@code score}). */
    public LineFilesReader label(String labelColumn, Path file) {
        if (!Dataset.isLabelColumn(labelColumn)) {
            throw new IllegalArgumentException("The label column must be named one of " + Dataset.LABEL_COLUMNS
                    + ", got '" + labelColumn + "'.");
        }
        this.labelColumn = labelColumn;
        this.labelFile = Objects.requireNonNull(file, "file");
        return this;
    }

    @Override
    public Dataset read() {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("lineFiles() needs at least one column(name, file).");
        }
        Map<Path, List<String>> lines = new LinkedHashMap<>();
        inputs.values().forEach(p -> lines.computeIfAbsent(p, this::readLines));
        if (labelFile != null) {
            lines.computeIfAbsent(labelFile, this::readLines);
        }
        Path longest = null;
        for (Map.Entry<Path, List<String>> e : lines.entrySet()) {
            if (longest == null || e.getValue().size() > lines.get(longest).size()) {
                longest = e.getKey();
            }
        }
        int n = lines.get(longest).size();
        for (Map.Entry<Path, List<String>> e : lines.entrySet()) {
            int k = e.getValue().size();
            if (k != n) {
                throw DatasetException.at(e.getKey(), k + 1L, "missing line: the file has " + k
                        + " lines, " + longest + " has " + n + " (line-aligned files must have the same length)");
            }
        }
        if (n == 0) {
            throw DatasetException.inFile(longest, "is empty", null);
        }
        int rows = Math.min(n, limit);
        List<List<String>> texts = new ArrayList<>();
        for (Map.Entry<String, Path> e : inputs.entrySet()) {
            List<String> src = lines.get(e.getValue());
            List<String> col = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                col.add(text(src.get(i), "column " + e.getKey(), e.getValue(), i + 1L));
            }
            texts.add(col);
        }
        LabelColumn lc = null;
        if (labelFile != null) {
            LabelCollector labels = labelCollector(labelColumn, labelFile);
            List<String> src = lines.get(labelFile);
            for (int i = 0; i < rows; i++) {
                labels.addToken(src.get(i), i + 1L);
            }
            lc = labels.finish();
        }
        Path first = inputs.values().iterator().next();
        String dsName = name != null ? name : String.join("+",
                inputs.values().stream().map(p -> String.valueOf(p.getFileName())).toList());
        List<String> notes = new ArrayList<>();
        notes.add("zipped " + rows + " rows from line-aligned files " + lines.keySet().stream()
                .map(p -> String.valueOf(p.getFileName())).toList());
        notes.addAll(labelNotes(lc));
        return Dataset.of(dsName, first, new ArrayList<>(inputs.keySet()), texts, lc, notes);
    }
}
