package org.sentence4j.graphs;

/**
 * How {@link SentenceEncoder#encode} runs: texts per forward pass, an optional output truncation
 * (Matryoshka: keep the first {@code truncateDim} dimensions, as sentence-transformers' {@code truncate_dim},
 * without re-normalising), whether to show progress, and the prompt put before every text (sentence-transformers'
 * {@code prompt} and {@code prompt_name}).
 *
 * @param batchSize    texts per forward pass (sentence-transformers' default: 32)
 * @param truncateDim  keep only the first this many dimensions; 0 keeps all
 * @param showProgress draw a progress bar on standard error (for long inputs)
 * @param prompt       a prompt text put before every input, or null; wins over {@code promptName}
 * @param promptName   the name of one of the model's prompts ({@code config_sentence_transformers.json}), or null;
 *                     with neither, the model's {@code default_prompt_name} applies when it has one
 */
public record EncodeOptions(int batchSize, int truncateDim, boolean showProgress, String prompt, String promptName) {

    public EncodeOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
        }
        if (truncateDim < 0) {
            throw new IllegalArgumentException("truncateDim must be 0 (no truncation) or positive, not " + truncateDim);
        }
    }

    /** Without a prompt. */
    public EncodeOptions(int batchSize, int truncateDim, boolean showProgress) {
        this(batchSize, truncateDim, showProgress, null, null);
    }

    /** Batch size 32, full width, no progress bar, the model's default prompt (if any). */
    public static EncodeOptions defaults() {
        return new EncodeOptions(32, 0, false);
    }

    public EncodeOptions withBatchSize(int batchSize) {
        return new EncodeOptions(batchSize, truncateDim, showProgress, prompt, promptName);
    }

    public EncodeOptions withTruncateDim(int truncateDim) {
        return new EncodeOptions(batchSize, truncateDim, showProgress, prompt, promptName);
    }

    public EncodeOptions withProgress(boolean showProgress) {
        return new EncodeOptions(batchSize, truncateDim, showProgress, prompt, promptName);
    }

    /** Puts {@code prompt} before every text (e.g. {@code "query: "}); null for none. */
    public EncodeOptions withPrompt(String prompt) {
        return new EncodeOptions(batchSize, truncateDim, showProgress, prompt, promptName);
    }

    /** Puts the model's prompt of this name before every text (e.g. {@code "query"}); null for the default. */
    public EncodeOptions withPromptName(String promptName) {
        return new EncodeOptions(batchSize, truncateDim, showProgress, prompt, promptName);
    }
}
