package org.sentence4j.trainer.evaluation;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sentence4j.graphs.SentenceEmbedder;

/**
 * What the embedding evaluators share: a name, the prefixing of metric keys with {@code <name>_}, and encoding the
 * distinct evaluation texts in batches.
 */
public abstract class AbstractEvaluator implements Evaluator {

    private final String name;
    private final int batchSize;
    private final boolean showProgressBar;
    private final int truncateDim;

    protected AbstractEvaluator(Builder<?> b, int defaultBatchSize) {
        this.name = b.name == null ? "" : b.name;
        this.batchSize = b.batchSize == null ? defaultBatchSize : b.batchSize;
        this.showProgressBar = b.showProgressBar;
        this.truncateDim = b.truncateDim;
        if (batchSize < 1) {
            throw new IllegalArgumentException(describe() + ": batchSize must be >= 1, got " + batchSize);
        }
        if (truncateDim < 0) {
            throw new IllegalArgumentException(describe() + ": truncateDim must be >= 1 (or 0: the full width), got "
                    + truncateDim);
        }
    }

    /** The embedding width the metrics are computed at (the first that many dimensions); 0: the full width. */
    public final int truncateDim() {
        return truncateDim;
    }

    @Override
    public final String name() {
        return name;
    }

    /** Texts per call to the model. */
    public final int batchSize() {
        return batchSize;
    }

    /** The primary metric without the name prefix, e.g. {@code spearman_cosine}. */
    protected abstract String unprefixedPrimaryMetric();

    @Override
    public final String primaryMetric() {
        return prefix(name, unprefixedPrimaryMetric());
    }

    /** {@code <name>_<key>}, or {@code key} when the name is empty (as sentence-transformers' prefix_name_to_metrics). */
    static String prefix(String name, String key) {
        return name.isEmpty() ? key : name + "_" + key;
    }

    /** The metrics with every key prefixed by {@code <name>_}, order kept. */
    protected final Map<String, Double> prefixed(Map<String, Double> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((k, v) -> out.put(prefix(name, k), v));
        return out;
    }

    /** Embeds each distinct text once. */
    final TextEmbeddings embed(SentenceEmbedder model, Collection<String> texts) {
        return TextEmbeddings.embed(model, texts, batchSize, showProgressBar, truncateDim, describe());
    }

    /** e.g. {@code EmbeddingSimilarityEvaluator 'sts-dev'}, for messages. */
    protected final String describe() {
        return getClass().getSimpleName() + (name.isEmpty() ? "" : " '" + name + "'");
    }

    /** Rejects a null or empty column, or a null text in it. */
    static List<String> requireTexts(String owner, String column, List<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException(owner + ": " + column + " is null");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException(owner + ": " + column + "[" + i + "] is null");
            }
        }
        return List.copyOf(texts);
    }

    static void requireSameSize(String owner, String column1, int size1, String column2, int size2) {
        if (size1 != size2) {
            throw new IllegalArgumentException(owner + ": " + column1 + " has " + size1 + " entries but " + column2
                    + " has " + size2 + "; they must have the same length");
        }
    }

    static void requireNonEmpty(String owner, String what, int size) {
        if (size == 0) {
            throw new IllegalArgumentException(owner + ": " + what + " is empty; nothing to evaluate");
        }
    }

    /** Options shared by all evaluators. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> {
        private String name = "";
        private Integer batchSize;
        private boolean showProgressBar;
        private int truncateDim;

        /** Prefix of the metric keys ({@code <name>_}); default "" (no prefix). */
        public B name(String name) {
            this.name = name;
            return (B) this;
        }

        /** Texts per call to the model; the default is sentence-transformers' for this evaluator. */
        public B batchSize(int batchSize) {
            this.batchSize = batchSize;
            return (B) this;
        }

        /**
         * Computes the metrics on the first {@code truncateDim} dimensions of each embedding (sentence-transformers'
         * {@code truncate_dim}), e.g. to measure a Matryoshka-trained model at 128 or 64 dimensions; 0 (default):
         * the full width. Cosine scores renormalise the truncated vectors. A width larger than the model's is an
         * error when the evaluator runs.
         */
        public B truncateDim(int truncateDim) {
            this.truncateDim = truncateDim;
            return (B) this;
        }

        /** Show a progress bar while encoding; default false. */
        public B showProgressBar(boolean showProgressBar) {
            this.showProgressBar = showProgressBar;
            return (B) this;
        }

    }
}
