package org.sentence4j.losses;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The shapes of a loss's inputs, as far as they are known: {@code -1} stands for a size known only at run
 * time (typically the batch). Used for validation both when a graph is built and for every real batch.
 *
 * @param columnShapes one shape per embedding column, [batch, dim]
 * @param labelShape   the labels' shape, or {@code null} when there are no labels
 * @param labelsIntegral whether every label value is an integer ({@code null} when not known)
 */
public record InputShapes(List<long[]> columnShapes, long[] labelShape, Boolean labelsIntegral) {

    public InputShapes {
        Objects.requireNonNull(columnShapes, "columnShapes");
        columnShapes = List.copyOf(columnShapes);
    }

    /** Number of embedding columns. */
    public int columns() {
        return columnShapes.size();
    }

    /** Whether labels are present. */
    public boolean hasLabels() {
        return labelShape != null;
    }

    /** Rank of the labels (0 when absent). */
    public int labelRank() {
        return labelShape == null ? 0 : labelShape.length;
    }

    /** Embedding width of the first column, or -1 if unknown. */
    public long embeddingDim() {
        return columnShapes.isEmpty() ? -1 : columnShapes.get(0)[1];
    }

    /** Batch size of the first column, or -1 if unknown. */
    public long batchSize() {
        return columnShapes.isEmpty() ? -1 : columnShapes.get(0)[0];
    }

    /** Human-readable shape, e.g. {@code [8, 2]} or {@code [?, 384]}. */
    public static String format(long[] shape) {
        if (shape == null) {
            return "none";
        }
        return Arrays.toString(Arrays.stream(shape).mapToObj(s -> s < 0 ? "?" : Long.toString(s)).toArray());
    }
}
