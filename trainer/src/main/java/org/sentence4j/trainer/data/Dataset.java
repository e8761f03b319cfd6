package org.sentence4j.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;

import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.table.DataFormat;
import org.sentence4j.losses.table.LossTable;
import org.sentence4j.losses.table.PairsToTriplets;

/**
 * A training dataset: a table of named columns, immutable. As in sentence-transformers, a column named
 * {@code label} or {@code score} holds the labels and every other column is an input text column, in order
 * (the loss gets one embedding per input column). Load one with {@link Datasets} (JSON Lines, CSV/TSV,
 * line-aligned files) or build one in code with {@link #builder(String)}.
 *
 * <p>The label kind ({@link #labelKind()}) is inferred when the dataset is built (see {@link LabelCollector}
 * for the rules) and, with the input columns, gives the {@link #format() format} the loss table checks:
 * {@link #requireFits(String)} rejects a loss that does not fit, naming the columns and the losses that do.
 */
public final class Dataset {

    /** The column names that hold labels, in sentence-transformers' order of precedence. */
    public static final List<String> LABEL_COLUMNS = List.of("label", "score");

    private final String name;
    private final Path source;
    private final List<String> columns;
    private final String[][] texts; // [column][row]
    private final LabelColumn labels; // null without labels
    private final List<String> notes;

    Dataset(String name, Path source, List<String> columns, String[][] texts, LabelColumn labels, List<String> notes) {
        this.name = name;
        this.source = source;
        this.columns = List.copyOf(columns);
        this.texts = texts;
        this.labels = labels;
        this.notes = List.copyOf(notes);
    }

    /** Starts a dataset built in code; add columns in order with {@link Builder#column(String, List)}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A dataset from named columns in order, like {@code datasets.Dataset.from_dict}: {@code label} or
     * {@code score} is the label column, every other column must hold texts.
     */
    public static Dataset fromColumns(String name, Map<String, ? extends List<?>> columns) {
        Builder b = builder(name);
        columns.forEach(b::column);
        return b.build();
    }

    public String name() {
        return name;
    }

    /** The file the dataset was read from (the first file for line-aligned files), if any. */
    public Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    /** The input column names, in order (the label column excluded). */
    public List<String> columns() {
        return columns;
    }

    /** The name of the label column ({@code label} or {@code score}), if the dataset has labels. */
    public Optional<String> labelColumn() {
        return labels == null ? Optional.empty() : Optional.of(labels.name());
    }

    public int size() {
        return texts[0].length;
    }

    /** The text of input column {@code column} (index into {@link #columns()}) at {@code row}. */
    public String text(int column, int row) {
        return texts[column][row];
    }

    /** The text of the named input column at {@code row}. */
    public String text(String column, int row) {
        return texts[columnIndex(column)][row];
    }

    /** The texts of every input column at {@code row}, in column order. */
    public List<String> row(int row) {
        String[] out = new String[texts.length];
        for (int c = 0; c < texts.length; c++) {
            out[c] = texts[c][row];
        }
        return List.of(out);
    }

    /** All texts of one input column, read-only. */
    public List<String> column(String column) {
        return Collections.unmodifiableList(Arrays.asList(texts[columnIndex(column)]));
    }

    /** The texts of input column {@code column} for the given rows (a batch), in order. */
    public List<String> texts(int column, int[] rows) {
        String[] out = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = texts[column][rows[i]];
        }
        return List.of(out);
    }

    public int columnIndex(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("Dataset '" + name + "' has no input column '" + column
                    + "'; its input columns are " + columns);
        }
        return i;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    /** What the labels are; {@link LabelKind#NONE} without a label column. */
    public LabelKind labelKind() {
        return labels == null ? LabelKind.NONE : labels.kind();
    }

    /** The length of each vector label, 0 for scalar labels or none. */
    public int labelWidth() {
        return labels == null ? 0 : labels.width();
    }

    /** The scalar label of {@code row} (class id, 0/1, or score, after the label transform). */
    public double label(int row) {
        requireScalarLabels();
        return labels.values()[row];
    }

    /** The class id of {@code row}, for CLASS or BINARY labels. */
    public int classLabel(int row) {
        requireScalarLabels();
        if (labels.kind() != LabelKind.CLASS && labels.kind() != LabelKind.BINARY) {
            throw new IllegalStateException("Dataset '" + name + "' has " + labels.kind().name().toLowerCase()
                    + " labels, not class labels.");
        }
        return (int) labels.values()[row];
    }

    /** The vector label of {@code row} (a copy), for VECTOR labels. */
    public double[] labelVector(int row) {
        if (labels == null || labels.vectors() == null) {
            throw new IllegalStateException("Dataset '" + name + "' has no vector labels (" + labelKind() + ").");
        }
        return labels.vectors()[row].clone();
    }

    /** The scalar labels of every row, in order (what the evaluators take). */
    public List<Double> labels() {
        requireScalarLabels();
        List<Double> out = new ArrayList<>(size());
        for (double v : labels.values()) {
            out.add(v);
        }
        return out;
    }

    /** The scalar labels of the given rows, in order. */
    public double[] labels(int[] rows) {
        requireScalarLabels();
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = labels.values()[rows[i]];
        }
        return out;
    }

    /** The vector labels of the given rows, {@code [rows.length][labelWidth()]}. */
    public double[][] labelVectors(int[] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = labelVector(rows[i]);
        }
        return out;
    }

    private void requireScalarLabels() {
        if (labels == null || labels.values() == null) {
            throw new IllegalStateException("Dataset '" + name + "' has no scalar labels (" + labelKind() + ").");
        }
    }

    /** The text-label mapping used to read the labels, if any. */
    public Optional<LabelMapping> labelMapping() {
        return labels == null ? Optional.empty() : Optional.ofNullable(labels.mapping());
    }

    /** Remarks from loading or conversion (label mapping, rows filtered, pairs skipped), for reports. */
    public List<String> notes() {
        return notes;
    }

    /** The dataset's shape as the loss table sees it. */
    public DataFormat format() {
        return new DataFormat(columns, labelKind(), labelWidth());
    }

    /** The losses of the loss table that fit this dataset (modifiers fit whatever their base fits). */
    public List<String> suitableLosses() {
        return LossTable.suitableLosses(format());
    }

    /** Throws a {@link LossInputException} naming the columns and the fitting losses if {@code loss} does not fit. */
    public Dataset requireFits(String loss) {
        return requireFits(loss, null);
    }

    /** As {@link #requireFits(String)}, for a modifier ({@code MatryoshkaLoss}...) wrapping {@code baseLoss}. */
    public Dataset requireFits(String loss, String baseLoss) {
        try {
            LossTable.requireFit(loss, baseLoss, format());
        } catch (LossInputException e) {
            throw new LossInputException("Dataset '" + name + "': " + e.getMessage(), e);
        }
        return this;
    }

    /** A new dataset holding the given rows, in the given order (a subset, a shuffle, a batch). */
    public Dataset select(int[] rows) {
        String[][] t = new String[texts.length][rows.length];
        for (int i = 0; i < rows.length; i++) {
            Objects.checkIndex(rows[i], size());
        }
        for (int c = 0; c < texts.length; c++) {
            for (int i = 0; i < rows.length; i++) {
                t[c][i] = texts[c][rows[i]];
            }
        }
        return new Dataset(name, source, columns, t, labels == null ? null : labels.select(rows), notes);
    }

    /** The first {@code n} rows (all if fewer). */
    public Dataset head(int n) {
        int[] rows = new int[Math.min(n, size())];
        Arrays.setAll(rows, i -> i);
        return select(rows);
    }

    /**
     * A dataset with only the named columns, in the given order; the label column is kept if named
     * (drop it to train a loss without labels).
     */
    public Dataset selectColumns(String... names) {
        List<String> keep = new ArrayList<>();
        List<String[]> t = new ArrayList<>();
        LabelColumn lbl = null;
        for (String n : names) {
            if (labels != null && n.equals(labels.name())) {
                lbl = labels;
            } else {
                keep.add(n);
                t.add(texts[columnIndex(n)]);
            }
        }
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("Dataset '" + name + "': selectColumns needs at least one input column.");
        }
        return new Dataset(name, source, keep, t.toArray(new String[0][]), lbl, notes);
    }

    /** A dataset with input column {@code from} renamed to {@code to} (order kept). */
    public Dataset renameColumn(String from, String to) {
        if (LABEL_COLUMNS.contains(to)) {
            throw new IllegalArgumentException("'" + to + "' is reserved for the label column.");
        }
        if (columns.contains(to)) {
            throw new IllegalArgumentException("Dataset '" + name + "' already has a column '" + to + "'.");
        }
        List<String> c = new ArrayList<>(columns);
        c.set(columnIndex(from), to);
        return new Dataset(name, source, c, texts, labels, notes);
    }

    /** The same data under another name (for multi-dataset training and reports). */
    public Dataset withName(String newName) {
        return new Dataset(newName, source, columns, texts, labels, notes);
    }

    /**
     * (sentence_A, sentence_B, class) pairs to (anchor, positive, negative) triplets with the loss library's
     * {@link PairsToTriplets} (seeded, reproducible): the anchor is sentence_A, the positive a sentence of the
     * same class, the negative one of another class. The result has no labels and fits
     * MultipleNegativesRankingLoss, TripletLoss and the other triplet losses; pairs that gave no triplet are
     * counted in {@link #notes()}.
     */
    public Dataset pairsToTriplets(long seed) {
        if (columns.size() != 2 || (labelKind() != LabelKind.CLASS && labelKind() != LabelKind.BINARY)) {
            throw new IllegalArgumentException("pairsToTriplets needs (sentence_A, sentence_B) pairs with class labels; "
                    + "dataset '" + name + "' is " + format() + ".");
        }
        List<PairsToTriplets.LabeledPair> pairs = new ArrayList<>(size());
        for (int r = 0; r < size(); r++) {
            pairs.add(new PairsToTriplets.LabeledPair(texts[0][r], texts[1][r], classLabel(r)));
        }
        PairsToTriplets.Result res = PairsToTriplets.convert(pairs, seed);
        int m = res.triplets().size();
        if (m == 0) {
            throw DatasetException.of(name, "pairsToTriplets produced no triplet (" + res.skipped()
                    + " pairs skipped; it needs at least two classes)");
        }
        String[][] t = new String[3][m];
        for (int i = 0; i < m; i++) {
            PairsToTriplets.Triplet tr = res.triplets().get(i);
            t[0][i] = tr.anchor();
            t[1][i] = tr.positive();
            t[2][i] = tr.negative();
        }
        List<String> n = new ArrayList<>(notes);
        n.add("pairsToTriplets(seed " + seed + ") from " + format() + ": " + m + " triplets, "
                + res.skipped() + " pairs skipped");
        return new Dataset(name + "-triplets", source, List.of("anchor", "positive", "negative"), t, null, n);
    }

    /** Counts of each scalar label value (for reports and sanity checks), sorted by value. */
    public Map<Double, Integer> labelCounts() {
        requireScalarLabels();
        Map<Double, Integer> m = new TreeMap<>();
        for (double v : labels.values()) {
            m.merge(v, 1, Integer::sum);
        }
        return m;
    }

    /** A few lines describing the dataset: rows, columns, label kind, mapping, notes. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("dataset '").append(name).append("'");
        if (source != null) {
            sb.append(" from ").append(source);
        }
        sb.append(": ").append(size()).append(" rows, columns ").append(columns);
        if (labels == null) {
            sb.append(", no labels");
        } else {
            sb.append(", label column '").append(labels.name()).append("': ").append(labels.kind().name().toLowerCase());
            if (labels.kind() == LabelKind.VECTOR) {
                sb.append(" of width ").append(labels.width());
            }
            if (labels.mapping() != null) {
                sb.append(", label mapping {").append(labels.mapping()).append('}');
            }
        }
        for (String note : notes) {
            sb.append("\n  ").append(note);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + size() + " rows, " + format() + "]";
    }

    /** Builds a dataset in code, column by column, as {@code Dataset.from_dict}. */
    public static final class Builder {
        private final String name;
        private final Map<String, List<?>> cols = new LinkedHashMap<>();
        private DoubleUnaryOperator labelTransform;
        private LabelMapping labelMapping;
        private LabelKind labelKind;
        private boolean allowEmptyText;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Adds a column. {@code label} or {@code score} is the label column (numbers; {@code double[]},
         * {@code float[]} or {@code List<Number>} vectors; texts with a {@link #labelMapping}); any other
         * name is an input column of non-empty texts.
         */
        public Builder column(String column, List<?> values) {
            Objects.requireNonNull(values, column);
            if (cols.put(Objects.requireNonNull(column, "column"), values) != null) {
                throw DatasetException.of(name, "column '" + column + "' is added twice");
            }
            return this;
        }

        /** Adds a label column {@code label} or {@code score} of scalar values. */
        public Builder labels(String column, double[] values) {
            List<Double> l = new ArrayList<>(values.length);
            for (double v : values) {
                l.add(v);
            }
            return column(column, l);
        }

        /** Adds a label column of integer class ids. */
        public Builder labels(String column, int[] values) {
            List<Integer> l = new ArrayList<>(values.length);
            for (int v : values) {
                l.add(v);
            }
            return column(column, l);
        }

        public Builder labelTransform(DoubleUnaryOperator transform) {
            this.labelTransform = transform;
            return this;
        }

        public Builder labelMapping(LabelMapping mapping) {
            this.labelMapping = mapping;
            return this;
        }

        /** Overrides the inferred label kind (checked against the values). */
        public Builder labelKind(LabelKind kind) {
            this.labelKind = kind;
            return this;
        }

        public Builder allowEmptyText(boolean allow) {
            this.allowEmptyText = allow;
            return this;
        }

        public Dataset build() {
            List<String> labelCols = cols.keySet().stream().filter(LABEL_COLUMNS::contains).toList();
            if (labelCols.size() > 1) {
                throw DatasetException.of(name, "has both a 'label' and a 'score' column; only one may hold labels");
            }
            List<String> inputs = cols.keySet().stream().filter(c -> !LABEL_COLUMNS.contains(c)).toList();
            if (inputs.isEmpty()) {
                throw DatasetException.of(name, "needs at least one input column besides " + labelCols);
            }
            int n = cols.get(inputs.get(0)).size();
            for (Map.Entry<String, List<?>> e : cols.entrySet()) {
                if (e.getValue().size() != n) {
                    throw DatasetException.of(name, "column '" + e.getKey() + "' has " + e.getValue().size()
                            + " rows, column '" + inputs.get(0) + "' has " + n);
                }
            }
            if (n == 0) {
                throw DatasetException.of(name, "has no rows");
            }
            String[][] texts = new String[inputs.size()][n];
            for (int c = 0; c < inputs.size(); c++) {
                List<?> values = cols.get(inputs.get(c));
                for (int r = 0; r < n; r++) {
                    Object v = values.get(r);
                    if (!(v instanceof String s)) {
                        throw DatasetException.inRow(name, r, "column '" + inputs.get(c) + "' is "
                                + (v == null ? "null" : "a " + v.getClass().getSimpleName()) + ", not a text");
                    }
                    if (!allowEmptyText && s.isBlank()) {
                        throw DatasetException.inRow(name, r, "column '" + inputs.get(c) + "' is empty");
                    }
                    texts[c][r] = s;
                }
            }
            LabelColumn lbl = null;
            List<String> notes = new ArrayList<>();
            if (!labelCols.isEmpty()) {
                String lc = labelCols.get(0);
                LabelCollector col = new LabelCollector(lc, labelTransform, labelMapping, labelKind,
                        (origin, problem) -> DatasetException.inRow(name, (int) origin, problem));
                List<?> values = cols.get(lc);
                for (int r = 0; r < n; r++) {
                    col.addObject(values.get(r), r);
                }
                lbl = col.finish();
                if (labelMapping != null) {
                    notes.add("text labels mapped to class ids: " + labelMapping);
                }
            }
            return new Dataset(name, null, inputs, texts, lbl, notes);
        }
    }

    /** Package-private factory for the readers. */
    static Dataset of(String name, Path source, List<String> columns, List<List<String>> textColumns,
                      LabelColumn labels, List<String> notes) {
        String[][] t = new String[textColumns.size()][];
        for (int c = 0; c < t.length; c++) {
            t[c] = textColumns.get(c).toArray(new String[0]);
        }
        return new Dataset(name, source, columns, t, labels, notes);
    }

    /** Whether a column name is a label column name. */
    static boolean isLabelColumn(String column) {
        return LABEL_COLUMNS.contains(column);
    }
}
