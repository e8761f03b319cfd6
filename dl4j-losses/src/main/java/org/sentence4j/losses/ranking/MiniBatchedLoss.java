package org.sentence4j.losses.ranking;

import org.sentence4j.losses.GradientCachedLoss;

/**
 * A {@link GradientCachedLoss} whose chunking options are one {@link MiniBatchOptions} record: the three
 * option accessors read it, so each loss declares only where its options are.
 */
interface MiniBatchedLoss extends GradientCachedLoss {

    /** This loss's {@code mini_batch_size}, {@code mini_batch_num_tokens} and {@code show_progress_bar}. */
    MiniBatchOptions miniBatchOptions();

    @Override
    default int miniBatchSize() {
        return miniBatchOptions().miniBatchSize();
    }

    @Override
    default Integer miniBatchNumTokens() {
        return miniBatchOptions().miniBatchNumTokens();
    }

    @Override
    default boolean showProgressBar() {
        return miniBatchOptions().showProgressBar();
    }
}
