package org.sentence4j.losses;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The inputs a loss accepts at the embedding level: a range of column counts, whether it needs labels,
 * which label ranks it takes and what they mean. {@link #check} turns a mismatch into a
 * {@link LossInputException} that names the loss, what it got and what it expects.
 *
 * @param minColumns  fewest embedding columns
 * @param maxColumns  most embedding columns ({@link Integer#MAX_VALUE} for "any number")
 * @param columnNames how the columns are called in the loss table, e.g. {@code "(anchor, positive, negative_1, ...)"}
 * @param labels      whether labels are required, optional or not accepted
 * @param labelKind   what the labels mean
 * @param labelRanks  accepted label ranks (1 = one value per row, 2 = a vector per row, ...)
 */
public record InputFormat(int minColumns, int maxColumns, String columnNames, LabelRequirement labels,
                          LabelKind labelKind, int... labelRanks) {

    /** No labels, {@code min..max} columns. */
    public static InputFormat unlabeled(int min, int max, String columnNames) {
        return new InputFormat(min, max, columnNames, LabelRequirement.NONE, LabelKind.NONE);
    }

    /** Labels of the given kind and ranks are required. */
    public static InputFormat labeled(int min, int max, String columnNames, LabelKind kind, int... ranks) {
        return new InputFormat(min, max, columnNames, LabelRequirement.REQUIRED, kind, ranks);
    }

    /** Checks column count, label presence, label rank and kind, and equal batch sizes where known. */
    public void check(String loss, InputShapes shapes) {
        int n = shapes.columns();
        if (n < minColumns || n > maxColumns) {
            String expected = minColumns == maxColumns ? Integer.toString(minColumns)
                    : maxColumns == Integer.MAX_VALUE ? "at least " + minColumns
                    : "between " + minColumns + " and " + maxColumns;
            throw new LossInputException(loss + " expects " + expected + " input column(s) " + columnNames
                    + ", but got " + n + ".");
        }
        for (int c = 0; c < n; c++) {
            long[] s = shapes.columnShapes().get(c);
            if (s.length != 2) {
                throw new LossInputException(loss + ": embedding column " + c + " must be a [batch, dim] matrix, but has shape "
                        + InputShapes.format(s) + ".");
            }
        }
        long batch = -1;
        long dim = -1;
        for (int c = 0; c < n; c++) {
            long[] s = shapes.columnShapes().get(c);
            if (s[0] == 0) {
                throw new LossInputException(loss + ": the batch is empty (column " + c + " has 0 rows).");
            }
            if (s[0] > 0) {
                if (batch > 0 && s[0] != batch) {
                    throw new LossInputException(loss + ": all columns must have the same batch size, but column " + c
                            + " has " + s[0] + " rows and an earlier column has " + batch + ".");
                }
                batch = s[0];
            }
        }
        switch (labels) {
            case NONE -> {
                if (shapes.hasLabels()) {
                    throw new LossInputException(loss + " takes no labels, but labels of shape "
                            + InputShapes.format(shapes.labelShape())
                            + " were given. Drop the 'label'/'score' column, or choose a loss that uses it.");
                }
            }
            case REQUIRED -> {
                if (!shapes.hasLabels()) {
                    throw new LossInputException(loss + " needs labels (" + describeLabels()
                            + "), but none were given. Add a 'label' or 'score' column.");
                }
            }
            case OPTIONAL -> {
            }
        }
        if (shapes.hasLabels() && labels != LabelRequirement.NONE) {
            long[] ls = shapes.labelShape();
            if (labelRanks.length > 0 && Arrays.stream(labelRanks).noneMatch(r -> r == ls.length)) {
                throw new LossInputException(loss + " expects labels of rank "
                        + Arrays.stream(labelRanks).mapToObj(Integer::toString).collect(Collectors.joining(" or "))
                        + " (" + describeLabels() + "), but got shape " + InputShapes.format(ls) + ".");
            }
            if (ls.length > 0 && ls[0] == 0) {
                throw new LossInputException(loss + ": the batch is empty (0 labels).");
            }
            if (ls.length > 0 && ls[0] > 0 && batch > 0 && ls[0] != batch) {
                throw new LossInputException(loss + ": labels have " + ls[0] + " rows but the embeddings have "
                        + batch + "; every row needs exactly one label entry.");
            }
            if (labelKind == LabelKind.CLASS && Boolean.FALSE.equals(shapes.labelsIntegral())) {
                throw new LossInputException(loss + " expects integer class labels, but got non-integer values.");
            }
        }
    }

    /** Short description of the labels for messages and the loss table. */
    public String describeLabels() {
        return switch (labelKind) {
            case NONE -> "none";
            case CLASS -> "an integer class per row";
            case BINARY -> "1 for a positive pair, 0 for a negative pair";
            case SCORE -> "a float score per row";
            case VECTOR -> "a vector per row";
        };
    }
}
