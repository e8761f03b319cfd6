package org.sentence4j.trainer.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Walks a sampler's batches epoch by epoch and knows its {@link SamplerState}, so that a checkpoint can store
 * it and a resumed run continues mid-epoch with the very next batch. Iteration stays inside the current
 * epoch; call {@link #nextEpoch()} to go on.
 *
 * <pre>{@code
 * SamplerCursor<int[]> cursor = SamplerCursor.resume(sampler, checkpointState);   // or start(sampler)
 * for (; cursor.epoch() < epochs; cursor.nextEpoch()) {
 *     while (cursor.hasNext()) { int[] rows = cursor.next(); ...; save(cursor.state()); }
 * }
 * }</pre>
 *
 * @param <B> the batch type
 */
public final class SamplerCursor<B> implements Iterator<B> {

    private final EpochSampler<B> sampler;
    private int epoch;
    private int position;
    private List<B> current;

    private SamplerCursor(EpochSampler<B> sampler, int epoch, int position) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.epoch = epoch;
        this.current = sampler.batches(epoch);
        if (position > current.size()) {
            throw new IllegalArgumentException("Position " + position + " is past the end of epoch " + epoch
                    + ", which has " + current.size() + " batches.");
        }
        this.position = position;
    }

    /** At the start of epoch 0. */
    public static <B> SamplerCursor<B> start(EpochSampler<B> sampler) {
        return new SamplerCursor<>(sampler, 0, 0);
    }

    /** At the start of {@code epoch}. */
    public static <B> SamplerCursor<B> atEpoch(EpochSampler<B> sampler, int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return new SamplerCursor<>(sampler, epoch, 0);
    }

    /** Where {@code state} left off; the sampler must have the state's seed. */
    public static <B> SamplerCursor<B> resume(EpochSampler<B> sampler, SamplerState state) {
        if (sampler.seed() != state.seed()) {
            throw new IllegalArgumentException("The checkpoint's sampler state has seed " + state.seed()
                    + " but the sampler has seed " + sampler.seed() + "; the batches would differ.");
        }
        return new SamplerCursor<>(sampler, state.epoch(), state.position());
    }

    /** Whether the current epoch has another batch. */
    @Override
    public boolean hasNext() {
        return position < current.size();
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw new NoSuchElementException("Epoch " + epoch + " is over after " + current.size()
                    + " batches; call nextEpoch().");
        }
        return current.get(position++);
    }

    /** Moves to the start of the next epoch (reshuffled). */
    public void nextEpoch() {
        epoch++;
        position = 0;
        current = sampler.batches(epoch);
    }

    public int epoch() {
        return epoch;
    }

    /** The number of batches of the current epoch already handed out. */
    public int position() {
        return position;
    }

    public int batchesInEpoch() {
        return current.size();
    }

    /** The state to store in a checkpoint. */
    public SamplerState state() {
        return new SamplerState(sampler.seed(), epoch, position);
    }
}
