package org.sentence4j.trainer.data;

import java.util.Locale;

/** How batches of several datasets are interleaved, as sentence-transformers' {@code MultiDatasetBatchSamplers}. */
public enum MultiDatasetBatchSamplers {
    /**
     * Datasets take turns in the order given, until one has no batch left: every dataset is sampled equally
     * often, and the larger ones are not used up.
     */
    ROUND_ROBIN,
    /**
     * Every batch of every dataset is used once, in a shuffled order (seeded by (seed, epoch)): larger
     * datasets are sampled more often (the default).
     */
    PROPORTIONAL;

    /** By name, case-insensitive ({@code round_robin}, {@code proportional}). */
    public static MultiDatasetBatchSamplers fromName(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown multi-dataset batch sampler '" + name
                    + "'; use proportional or round_robin.", e);
        }
    }
}
