package org.sentence4j.graphs;

/**
 * How {@link SentenceEncoder#encode} runs: texts per forward pass, an optional output truncation
 * (Matryoshka: keep the first {@code truncateDim} dimensions, as sentence-transformers' {@code truncate_dim},
 * without re-normalising), and whether to show progress.
 *
 * @param batchSize    texts per forward pass (sentence-transformers' default: 32)
 * @param truncateDim  keep only the first this many dimensions; 0 keeps all
 * @param showProgress draw a progress bar on standard error (for long inputs)
 */
public record EncodeOptions(int batchSize, int truncateDim, boolean showProgress) {

    public EncodeOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
        }
        if (truncateDim < 0) {
            throw new IllegalArgumentException("truncateDim must be 0 (no truncation) or positive, not " + truncateDim);
        }
    }

    /** Batch size 32, full width, no progress bar. */
    public static EncodeOptions defaults() {
        return new EncodeOptions(32, 0, false);
    }

    public EncodeOptions withBatchSize(int batchSize) {
        return new EncodeOptions(batchSize, truncateDim, showProgress);
    }

    public EncodeOptions withTruncateDim(int truncateDim) {
        return new EncodeOptions(batchSize, truncateDim, showProgress);
    }

    public EncodeOptions withProgress(boolean showProgress) {
        return new EncodeOptions(batchSize, truncateDim, showProgress);
    }
}
