package org.sentence4j.trainer.data;

import java.util.List;

/**
 * Something that splits an epoch into batches as a pure function of (seed, epoch): calling
 * {@link #batches(int)} twice gives the same list, so a checkpoint that stores {@link SamplerState}
 * (seed, epoch, position) resumes mid-epoch exactly (see {@link SamplerCursor}).
 *
 * @param <B> the batch type: row indices ({@code int[]}) or {@link NamedBatch}
 */
public interface EpochSampler<B> {

    /** The seed every epoch's order derives from. */
    long seed();

    /** The batches of {@code epoch} (0-based), freshly computed: the caller may keep or modify them. */
    List<B> batches(int epoch);

    /** The number of batches of {@code epoch}. */
    default int numBatches(int epoch) {
        return batches(epoch).size();
    }
}
