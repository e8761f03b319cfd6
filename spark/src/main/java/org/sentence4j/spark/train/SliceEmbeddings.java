package org.sentence4j.spark.train;

import java.io.Serializable;

/**
 * What a task of the embedding job sends back to the driver: its rows' sentence embeddings (and per-layer
 * embeddings when the loss reads them) per loss column, row-major, and the time it computed for.
 *
 * @param firstRow global index of the slice's first row
 * @param rows     number of rows
 * @param sentence per loss column, [rows, dim] row-major
 * @param layers   per loss column, per hidden state, [rows, dim] row-major (null without per-layer inputs)
 * @param nanos    time the task spent embedding (model load and parameter update excluded)
 */
public record SliceEmbeddings(int firstRow, int rows, float[][] sentence, float[][][] layers, long nanos) implements Serializable {
}
