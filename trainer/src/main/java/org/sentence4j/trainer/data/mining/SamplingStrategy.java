package org.sentence4j.trainer.data.mining;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the negatives of one anchor are picked from its rank window (sentence-transformers' {@code sampling_strategy}).
 * The window is what is left of the {@code range_min}..{@code range_max} ranks after the positives and the
 * candidates that fail a margin or score bound were taken out.
 */
public enum SamplingStrategy {

    /** The {@code num_negatives} best-scoring candidates of the window: the hardest negatives. */
    TOP("top"),

    /**
     * {@code num_negatives} candidates drawn uniformly without replacement from the window's valid candidates,
     * then listed best score first. Seeded ({@code seed}), so a run can be repeated.
     */
    RANDOM("random");

    private final String stName;

    SamplingStrategy(String stName) {
        this.stName = stName;
    }

    /** The name sentence-transformers uses for this strategy. */
    public String stName() {
        return stName;
    }

    /** The strategy called {@code name} in sentence-transformers ({@code "top"} or {@code "random"}), any case. */
    public static SamplingStrategy fromName(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (SamplingStrategy s : values()) {
                if (s.stName.equals(n)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("Invalid sampling_strategy: '" + name + "'. Must be one of "
                + Arrays.stream(values()).map(SamplingStrategy::stName).toList() + ".");
    }

    @Override
    public String toString() {
        return stName;
    }
}
