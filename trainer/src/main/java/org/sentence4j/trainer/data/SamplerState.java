package org.sentence4j.trainer.data;

/**
 * Where a sampler is: its seed, the epoch (0-based) and the position in that epoch (the number of the epoch's
 * batches already handed out). Store it in a checkpoint; {@link SamplerCursor#resume} continues from it
 * with exactly the batches a run without interruption would have seen. A plain record, serializable as JSON.
 */
public record SamplerState(long seed, int epoch, int position) {

    public SamplerState {
        if (epoch < 0 || position < 0) {
            throw new IllegalArgumentException("epoch and position must be >= 0, got " + epoch + ", " + position);
        }
    }

    /** The start of epoch 0. */
    public static SamplerState start(long seed) {
        return new SamplerState(seed, 0, 0);
    }
}
