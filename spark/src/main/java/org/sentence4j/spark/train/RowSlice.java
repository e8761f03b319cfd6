package org.sentence4j.spark.train;

import java.io.Serializable;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * One task's share of a distributed step: the global batch rows {@code [firstRow, firstRow + rows)} of every
 * loss column, as token ids cut to the slice's longest row, with what the task needs to replay the step's
 * dropout (the column seeds; masks are drawn at the global rows, so the split into tasks changes nothing) and,
 * for the backward job, the loss's gradient with respect to these rows' embeddings.
 *
 * @param firstRow     global index of the slice's first row in the batch
 * @param rows         number of rows
 * @param columns      per loss column
 * @param layerInputs  hidden states 0..layerInputs-1 whose pooled embeddings the loss reads besides the last
 *                     (AdaptiveLayerLoss, Matryoshka2d); 0 for none
 * @param dropout      training mode (dropout on)
 */
public record RowSlice(int firstRow, int rows, Column[] columns, int layerInputs, boolean dropout) implements Serializable {

    /**
     * One loss column's rows.
     *
     * @param length          padded length of this slice (its longest row)
     * @param ids             token ids, row-major [rows, length]
     * @param mask            attention mask, row-major
     * @param types           token type ids, row-major
     * @param copyTower       embedded by a two-tower loss's copy of the encoder (else by the model)
     * @param dropoutSeed     the column's dropout seed for this step
     * @param dSentence       for the backward job: the loss gradient of these rows' embeddings, row-major [rows, dim]
     * @param dLayers         for the backward job with layer inputs: per hidden state, row-major [rows, dim]
     */
    public record Column(int length, long[] ids, long[] mask, long[] types, boolean copyTower, long dropoutSeed,
                         float[] dSentence, float[][] dLayers) implements Serializable {

        /** The same column with the embedding gradients of its rows attached. */
        public Column withGradients(float[] dSentence, float[][] dLayers) {
            return new Column(length, ids, mask, types, copyTower, dropoutSeed, dSentence, dLayers);
        }
    }

    /** The slice with the columns replaced (e.g. by {@link Column#withGradients}). */
    public RowSlice withColumns(Column[] replaced) {
        return new RowSlice(firstRow, rows, replaced, layerInputs, dropout);
    }

    /** Whether the loss reads per-layer embeddings. */
    public boolean allLayers() {
        return layerInputs > 0;
    }

    /** Column {@code c}'s tokens as the encoder takes them. */
    public TokenBatch tokens(int c) {
        Column col = columns[c];
        long[] shape = {rows, col.length()};
        return new TokenBatch(Nd4j.createFromArray(col.ids()).reshape(shape).castTo(DataType.INT64),
                Nd4j.createFromArray(col.mask()).reshape(shape).castTo(DataType.INT64),
                Nd4j.createFromArray(col.types()).reshape(shape).castTo(DataType.INT64));
    }
}
