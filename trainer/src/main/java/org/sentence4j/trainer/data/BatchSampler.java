package org.sentence4j.trainer.data;

/**
 * Splits one dataset into batches of row indices for an epoch, as a pure function of (seed, epoch).
 * The kinds are those of sentence-transformers ({@link BatchSamplers}): shuffled, no duplicate texts in a
 * batch, or grouped by label.
 */
public interface BatchSampler extends EpochSampler<int[]> {

    Dataset dataset();

    int batchSize();

    /** Whether an incomplete last batch is dropped. */
    boolean dropLast();

    BatchSamplers kind();
}
