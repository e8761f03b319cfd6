package org.sentence4j.trainer.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sentence4j.graphs.SentenceEmbedder;

/**
 * How well the cosine similarity of two embeddings follows gold similarity scores (e.g. STS benchmark):
 * Pearson and Spearman correlation between {@code cos(embed(s1[i]), embed(s2[i]))} and {@code scores[i]}, as
 * sentence-transformers' EmbeddingSimilarityEvaluator with the cosine similarity.
 *
 * <p>Keys: {@code pearson_cosine}, {@code spearman_cosine}; primary metric {@code spearman_cosine}. Spearman
 * gives tied values their average rank. The gold scores need not be normalised: both correlations are invariant to
 * a linear rescaling. If the model gives every pair the same similarity the correlations are NaN (undefined).
 */
public final class EmbeddingSimilarityEvaluator extends AbstractEvaluator {

    private final List<String> sentences1;
    private final List<String> sentences2;
    private final double[] scores;

    private EmbeddingSimilarityEvaluator(Builder b) {
        super(b, 16);
        String owner = describe();
        sentences1 = requireTexts(owner, "sentences1", b.sentences1);
        sentences2 = requireTexts(owner, "sentences2", b.sentences2);
        if (b.scores == null) {
            throw new IllegalArgumentException(owner + ": scores is null");
        }
        requireSameSize(owner, "sentences1", sentences1.size(), "sentences2", sentences2.size());
        requireSameSize(owner, "sentences1", sentences1.size(), "scores", b.scores.size());
        requireNonEmpty(owner, "the list of pairs", sentences1.size());
        if (sentences1.size() < 2) {
            throw new IllegalArgumentException(owner + ": a correlation needs at least 2 pairs, got 1");
        }
        scores = new double[b.scores.size()];
        for (int i = 0; i < scores.length; i++) {
            Number s = b.scores.get(i);
            if (s == null || !Double.isFinite(s.doubleValue())) {
                throw new IllegalArgumentException(owner + ": scores[" + i + "] is " + s + "; gold scores must be finite");
            }
            scores[i] = s.doubleValue();
        }
        boolean constant = true;
        for (double s : scores) {
            constant &= s == scores[0];
        }
        if (constant) {
            throw new IllegalArgumentException(owner + ": all gold scores are equal (" + scores[0]
                    + "); correlations with a constant are undefined");
        }
    }

    /** Evaluates pairs {@code (sentences1[i], sentences2[i])} against the gold {@code scores[i]}. */
    public static Builder builder(List<String> sentences1, List<String> sentences2, List<? extends Number> scores) {
        return new Builder(sentences1, sentences2, scores);
    }

    @Override
    protected String unprefixedPrimaryMetric() {
        return "spearman_cosine";
    }

    @Override
    public Map<String, Double> evaluate(SentenceEmbedder model) {
        List<String> all = new ArrayList<>(sentences1);
        all.addAll(sentences2);
        TextEmbeddings emb = embed(model, all);
        double[] cos = new double[scores.length];
        for (int i = 0; i < cos.length; i++) {
            cos[i] = TextEmbeddings.cosine(emb.row(sentences1.get(i)), emb.row(sentences2.get(i)));
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("pearson_cosine", Metrics.pearson(scores, cos));
        m.put("spearman_cosine", Metrics.spearman(scores, cos));
        return prefixed(m);
    }

    /** Builder; defaults as sentence-transformers (batch size 16, no name). */
    public static final class Builder extends AbstractEvaluator.Builder<Builder> {
        private final List<String> sentences1;
        private final List<String> sentences2;
        private final List<? extends Number> scores;

        private Builder(List<String> sentences1, List<String> sentences2, List<? extends Number> scores) {
            this.sentences1 = sentences1;
            this.sentences2 = sentences2;
            this.scores = scores;
        }

        public EmbeddingSimilarityEvaluator build() {
            return new EmbeddingSimilarityEvaluator(this);
        }
    }
}
