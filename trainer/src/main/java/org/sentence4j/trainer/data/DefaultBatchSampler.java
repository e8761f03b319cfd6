package org.sentence4j.trainer.data;

import java.util.List;

/** Shuffles all rows every epoch (seeded by (seed, epoch)) and cuts them into batches. */
public final class DefaultBatchSampler extends AbstractBatchSampler {

    public DefaultBatchSampler(Dataset dataset, int batchSize, boolean dropLast, long seed) {
        super(dataset, batchSize, dropLast, seed);
    }

    @Override
    public List<int[]> batches(int epoch) {
        return chunk(Seeds.permutation(dataset.size(), Seeds.random(seed, epoch, Seeds.DEFAULT_STREAM)));
    }

    @Override
    public int numBatches(int epoch) {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    @Override
    public BatchSamplers kind() {
        return BatchSamplers.DEFAULT;
    }
}
