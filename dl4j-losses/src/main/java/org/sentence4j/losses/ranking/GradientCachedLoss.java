package org.sentence4j.losses.ranking;

import org.sentence4j.losses.SentenceLoss;

/**
 * A loss that sentence-transformers runs with GradCache (Gao et al. 2021): the trainer embeds every column
 * in chunks without activations, evaluates this loss's fragment on the full-batch embeddings to get the
 * embedding gradients, then replays each chunk with the cached gradient (reference, section 5.2).
 *
 * <p>At the embedding level such a loss is exactly its base loss: {@link #build} gives the same value and
 * the same embedding gradients. What it adds is this declaration, so that the trainer (and MatryoshkaLoss,
 * which counts a loss as cached when it uses the gradient cache) can choose the execution strategy without
 * knowing the loss by name.
 */
public interface GradientCachedLoss extends SentenceLoss {

    /** Whether the trainer should run this loss with GradCache (false e.g. for MegaBatchMarginLoss's full-batch version). */
    boolean usesGradientCache();

    /** Rows per chunk of the embedding pass and of the loss evaluation ({@code mini_batch_size}). */
    int miniBatchSize();

    /**
     * Token budget per chunk ({@code mini_batch_num_tokens}): chunks are packed greedily with whole rows up
     * to this many non-padding tokens, at least one row each; {@code null} for fixed-size chunks.
     */
    Integer miniBatchNumTokens();

    /** Whether to show a progress bar over the chunks ({@code show_progress_bar}; never reported in the config). */
    boolean showProgressBar();
}
