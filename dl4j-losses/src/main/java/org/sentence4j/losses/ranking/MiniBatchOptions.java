package org.sentence4j.losses.ranking;

import java.util.Map;

import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.LossInputException;

/**
 * The GradCache chunking options shared by the cached ranking losses and {@link MegaBatchMarginLoss}:
 * {@code mini_batch_size}, {@code mini_batch_num_tokens} ({@code null} for fixed-size chunks) and
 * {@code show_progress_bar} (never reported in a config).
 */
record MiniBatchOptions(int miniBatchSize, Integer miniBatchNumTokens, boolean showProgressBar) {

    /** Reads the three options; a missing {@code mini_batch_size} is {@code defaultSize}. */
    static MiniBatchOptions read(ConfigReader c, int defaultSize) {
        return new MiniBatchOptions(c.getInt("mini_batch_size", defaultSize), c.getNullableInt("mini_batch_num_tokens"),
                c.getBoolean("show_progress_bar", false));
    }

    /** These options, after checking that both sizes are positive (messages name {@code loss}). */
    MiniBatchOptions check(String loss) {
        if (miniBatchSize <= 0) {
            throw new LossInputException(loss + ": mini_batch_size must be > 0, got " + miniBatchSize + ".");
        }
        if (miniBatchNumTokens != null && miniBatchNumTokens <= 0) {
            throw new LossInputException(loss + ": mini_batch_num_tokens must be > 0 when given, got " + miniBatchNumTokens + ".");
        }
        return this;
    }

    /** Adds {@code mini_batch_size} and {@code mini_batch_num_tokens}, in that order, to a config map. */
    void putSizes(Map<String, Object> config) {
        config.put("mini_batch_size", miniBatchSize);
        config.put("mini_batch_num_tokens", miniBatchNumTokens);
    }
}
