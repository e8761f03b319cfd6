package org.sentence4j.trainer.data;

import java.util.Locale;

/** The batch samplers, as sentence-transformers' {@code BatchSamplers}. */
public enum BatchSamplers {
    /** Shuffled rows, reseeded every epoch (upstream {@code batch_sampler}, the default). */
    DEFAULT,
    /** No text appears twice in a batch across all input columns: in-batch negatives are never false negatives. */
    NO_DUPLICATES,
    /** Every batch holds at least two labels with at least two rows each, for the batch triplet losses. */
    GROUP_BY_LABEL;

    /** A sampler of this kind over {@code dataset}. */
    public BatchSampler create(Dataset dataset, int batchSize, boolean dropLast, long seed) {
        return switch (this) {
            case DEFAULT -> new DefaultBatchSampler(dataset, batchSize, dropLast, seed);
            case NO_DUPLICATES -> new NoDuplicatesBatchSampler(dataset, batchSize, dropLast, seed);
            case GROUP_BY_LABEL -> new GroupByLabelBatchSampler(dataset, batchSize, dropLast, seed);
        };
    }

    /** By name, case-insensitive; upstream's {@code batch_sampler} is {@link #DEFAULT}. */
    public static BatchSamplers fromName(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.equals("BATCH_SAMPLER")) {
            return DEFAULT;
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown batch sampler '" + name
                    + "'; use batch_sampler (default), no_duplicates or group_by_label.", e);
        }
    }
}
