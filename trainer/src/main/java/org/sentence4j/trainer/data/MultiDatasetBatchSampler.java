package org.sentence4j.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Several datasets at once, each with its own batch sampler (and, in the trainer, its own loss, found by
 * the dataset's name): yields {@link NamedBatch}es in {@link MultiDatasetBatchSamplers#PROPORTIONAL} or
 * {@link MultiDatasetBatchSamplers#ROUND_ROBIN} order. An epoch's batches are a pure function of
 * (seed, epoch): each dataset's sampler gives its batches for the epoch, and the interleaving is seeded by
 * this sampler's seed.
 */
public final class MultiDatasetBatchSampler implements EpochSampler<NamedBatch> {

    private final MultiDatasetBatchSamplers strategy;
    private final long seed;
    private final Map<String, BatchSampler> samplers;

    private MultiDatasetBatchSampler(MultiDatasetBatchSamplers strategy, long seed, Map<String, BatchSampler> samplers) {
        this.strategy = strategy;
        this.seed = seed;
        this.samplers = Collections.unmodifiableMap(new LinkedHashMap<>(samplers));
    }

    public static Builder builder(MultiDatasetBatchSamplers strategy, long seed) {
        return new Builder(strategy, seed);
    }

    public MultiDatasetBatchSamplers strategy() {
        return strategy;
    }

    @Override
    public long seed() {
        return seed;
    }

    /** The dataset names, in the order they were added (the round-robin order). */
    public List<String> datasetNames() {
        return List.copyOf(samplers.keySet());
    }

    /** The sampler of a dataset. */
    public BatchSampler sampler(String dataset) {
        BatchSampler s = samplers.get(dataset);
        if (s == null) {
            throw new IllegalArgumentException("No dataset '" + dataset + "'; the datasets are " + samplers.keySet());
        }
        return s;
    }

    /** The dataset behind a batch's name. */
    public Dataset dataset(String dataset) {
        return sampler(dataset).dataset();
    }

    @Override
    public List<NamedBatch> batches(int epoch) {
        List<String> names = datasetNames();
        List<List<int[]>> per = new ArrayList<>();
        for (String n : names) {
            per.add(samplers.get(n).batches(epoch));
        }
        List<NamedBatch> out = new ArrayList<>();
        if (strategy == MultiDatasetBatchSamplers.ROUND_ROBIN) {
            // As upstream: cycle through the datasets and stop at the first that has no batch left.
            int[] pos = new int[names.size()];
            for (int d = 0; ; d = (d + 1) % names.size()) {
                if (pos[d] == per.get(d).size()) {
                    break;
                }
                out.add(new NamedBatch(names.get(d), per.get(d).get(pos[d]++)));
            }
        } else {
            int total = per.stream().mapToInt(List::size).sum();
            int[] which = new int[total];
            int k = 0;
            for (int d = 0; d < per.size(); d++) {
                for (int i = 0; i < per.get(d).size(); i++) {
                    which[k++] = d;
                }
            }
            Random rnd = Seeds.random(seed, epoch, Seeds.MULTI_DATASET_STREAM);
            Seeds.shuffle(which, rnd);
            int[] pos = new int[names.size()];
            for (int d : which) {
                out.add(new NamedBatch(names.get(d), per.get(d).get(pos[d]++)));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "MultiDatasetBatchSampler[" + strategy + ", seed " + seed + ", " + samplers.values() + "]";
    }

    /** Adds datasets in order, each with its sampler. */
    public static final class Builder {
        private final MultiDatasetBatchSamplers strategy;
        private final long seed;
        private final Map<String, BatchSampler> samplers = new LinkedHashMap<>();

        private Builder(MultiDatasetBatchSamplers strategy, long seed) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            this.seed = seed;
        }

        /** Adds a dataset under {@code name} with its own sampler. */
        public Builder add(String name, BatchSampler sampler) {
            Objects.requireNonNull(sampler, "sampler");
            if (samplers.putIfAbsent(Objects.requireNonNull(name, "name"), sampler) != null) {
                throw new IllegalArgumentException("Dataset name '" + name + "' is used twice.");
            }
            return this;
        }

        /** Adds a dataset under its own name with a sampler of {@code kind}, seeded with this sampler's seed. */
        public Builder add(Dataset dataset, BatchSamplers kind, int batchSize, boolean dropLast) {
            return add(dataset.name(), kind.create(dataset, batchSize, dropLast, seed));
        }

        public MultiDatasetBatchSampler build() {
            if (samplers.isEmpty()) {
                throw new IllegalArgumentException("A multi-dataset sampler needs at least one dataset.");
            }
            return new MultiDatasetBatchSampler(strategy, seed, samplers);
        }
    }
}
