package org.sentence4j.losses.table;

import java.util.List;
import java.util.Objects;

import org.sentence4j.losses.LabelKind;

/**
 * The shape of a training dataset as the loss table sees it: its input columns (names in order, every
 * column except {@code label}/{@code score}) and what its labels are.
 *
 * @param columns    the input column names, in order
 * @param labels     what the label column holds ({@link LabelKind#NONE} without one)
 * @param labelWidth for {@link LabelKind#VECTOR} labels, the length of each row's vector, else 0
 */
public record DataFormat(List<String> columns, LabelKind labels, int labelWidth) {

    public DataFormat {
        Objects.requireNonNull(labels, "labels");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("A dataset needs at least one input column.");
        }
    }

    /** A format with the given column names and labels. */
    public static DataFormat of(LabelKind labels, String... columns) {
        return new DataFormat(List.of(columns), labels, 0);
    }

    /** A format with vector labels (teacher embeddings, teacher scores) of the given width. */
    public static DataFormat withVectorLabels(int width, String... columns) {
        return new DataFormat(List.of(columns), LabelKind.VECTOR, width);
    }

    public int inputColumns() {
        return columns.size();
    }

    @Override
    public String toString() {
        String lbl = switch (labels) {
            case NONE -> "no labels";
            case VECTOR -> "vector labels of width " + labelWidth;
            default -> labels.name().toLowerCase() + " labels";
        };
        return "(" + String.join(", ", columns) + ") with " + lbl;
    }
}
