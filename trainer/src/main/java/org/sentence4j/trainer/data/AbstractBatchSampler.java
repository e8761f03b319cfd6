package org.sentence4j.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Fields and checks shared by the batch samplers. */
abstract class AbstractBatchSampler implements BatchSampler {

    protected final Dataset dataset;
    protected final int batchSize;
    protected final boolean dropLast;
    protected final long seed;

    AbstractBatchSampler(Dataset dataset, int batchSize, boolean dropLast, long seed) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    @Override
    public Dataset dataset() {
        return dataset;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public boolean dropLast() {
        return dropLast;
    }

    @Override
    public long seed() {
        return seed;
    }

    /** Cuts {@code order} into consecutive batches of {@code batchSize}, the last one kept unless {@code dropLast}. */
    List<int[]> chunk(int[] order) {
        List<int[]> out = new ArrayList<>(order.length / batchSize + 1);
        for (int i = 0; i < order.length; i += batchSize) {
            int end = Math.min(order.length, i + batchSize);
            if (end - i < batchSize && dropLast) {
                break;
            }
            out.add(Arrays.copyOfRange(order, i, end));
        }
        return out;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + dataset.name() + ", batchSize " + batchSize
                + (dropLast ? ", dropLast" : "") + ", seed " + seed + "]";
    }
}
