package org.sentence4j.spark.train;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Some rows of a matrix gradient, the others zero: how a task sends the word-embedding gradient. A batch touches
 * a few thousand of the vocabulary's rows (30,522 for MiniLM's, whose word embeddings are half its parameters),
 * and every other row's gradient is exactly zero (an embedding row only receives gradient where its token
 * occurs), so sending the touched rows is exact and halves what a MiniLM task returns.
 *
 * @param width  the row width (the hidden size)
 * @param rows   the row indices, ascending, distinct
 * @param values the rows' values, row-major [rows.length, width]
 */
public record SparseRows(int width, int[] rows, float[] values) implements Serializable {

    /** The given rows (ascending, distinct) of a gradient matrix [rows, width]. */
    public static SparseRows of(org.nd4j.linalg.api.ndarray.INDArray matrix, int[] rows) {
        int width = (int) matrix.size(1);
        return new SparseRows(width, rows, rows.length == 0 ? new float[0] : HostArrays.floats(matrix.getRows(rows)));
    }

    /** The sum of two row sets of the same width (rows in either; shared rows added). */
    public SparseRows plus(SparseRows other) {
        if (other.width != width) {
            throw new IllegalStateException("row widths differ: " + width + " and " + other.width);
        }
        TreeMap<Integer, float[]> sum = new TreeMap<>();
        for (SparseRows s : new SparseRows[] {this, other}) {
            for (int i = 0; i < s.rows.length; i++) {
                float[] row = sum.computeIfAbsent(s.rows[i], k -> new float[width]);
                for (int d = 0; d < width; d++) {
                    row[d] += s.values[i * width + d];
                }
            }
        }
        int[] rows = new int[sum.size()];
        float[] values = new float[sum.size() * width];
        int i = 0;
        for (Map.Entry<Integer, float[]> e : sum.entrySet()) {
            rows[i] = e.getKey();
            System.arraycopy(e.getValue(), 0, values, i * width, width);
            i++;
        }
        return new SparseRows(width, rows, values);
    }

    /** The dense row-major matrix of {@code numRows} rows. */
    public float[] dense(int numRows) {
        float[] out = new float[numRows * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(values, i * width, out, rows[i] * width, width);
        }
        return out;
    }

    /** Bytes of the values and indices. */
    public long bytes() {
        return 4L * values.length + 4L * rows.length;
    }
}
