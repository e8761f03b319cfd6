package org.sentence4j.trainer.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sentence4j.graphs.SentenceEmbedder;

/**
 * How well the cosine similarity of a pair separates similar (label 1) from dissimilar (label 0) pairs, e.g.
 * duplicate questions, as sentence-transformers' BinaryClassificationEvaluator with the cosine similarity.
 *
 * <p>Keys, in this order: {@code cosine_accuracy} and {@code cosine_accuracy_threshold} (the threshold with the best
 * accuracy), {@code cosine_f1}, {@code cosine_f1_threshold}, {@code cosine_precision}, {@code cosine_recall} (the
 * threshold with the best F1, and the precision and recall there), {@code cosine_ap} (average precision of the
 * ranking by similarity, threshold-free) and {@code cosine_mcc} (Matthews correlation at the F1 threshold). A pair
 * is predicted similar when its similarity is {@code >=} the threshold. The primary metric is {@code cosine_ap}.
 * See {@link Metrics#bestAccuracyThreshold} for the threshold search and its handling of tied similarities.
 */
public final class BinaryClassificationEvaluator extends AbstractEvaluator {

    private final List<String> sentences1;
    private final List<String> sentences2;
    private final int[] labels;

    private BinaryClassificationEvaluator(Builder b) {
        super(b, 32);
        String owner = describe();
        sentences1 = requireTexts(owner, "sentences1", b.sentences1);
        sentences2 = requireTexts(owner, "sentences2", b.sentences2);
        if (b.labels == null) {
            throw new IllegalArgumentException(owner + ": labels is null");
        }
        requireSameSize(owner, "sentences1", sentences1.size(), "sentences2", sentences2.size());
        requireSameSize(owner, "sentences1", sentences1.size(), "labels", b.labels.size());
        requireNonEmpty(owner, "the list of pairs", sentences1.size());
        labels = new int[b.labels.size()];
        int positives = 0;
        for (int i = 0; i < labels.length; i++) {
            Number l = b.labels.get(i);
            if (l == null || (l.doubleValue() != 0 && l.doubleValue() != 1)) {
                throw new IllegalArgumentException(owner + ": labels[" + i + "] is " + l
                        + "; labels must be 0 (dissimilar) or 1 (similar)");
            }
            labels[i] = l.intValue();
            positives += labels[i];
        }
        if (positives == 0 || positives == labels.length) {
            throw new IllegalArgumentException(owner + ": all " + labels.length + " labels are " + labels[0]
                    + "; the evaluation needs both similar (1) and dissimilar (0) pairs");
        }
    }

    /** Evaluates pairs {@code (sentences1[i], sentences2[i])} with labels 1 (similar) or 0 (dissimilar). */
    public static Builder builder(List<String> sentences1, List<String> sentences2, List<? extends Number> labels) {
        return new Builder(sentences1, sentences2, labels);
    }

    @Override
    protected String unprefixedPrimaryMetric() {
        return "cosine_ap";
    }

    @Override
    public Map<String, Double> evaluate(SentenceEmbedder model) {
        List<String> all = new ArrayList<>(sentences1);
        all.addAll(sentences2);
        TextEmbeddings emb = embed(model, all);
        double[] cos = new double[labels.length];
        for (int i = 0; i < cos.length; i++) {
            cos[i] = TextEmbeddings.cosine(emb.row(sentences1.get(i)), emb.row(sentences2.get(i)));
        }
        Metrics.AccuracyThreshold acc = Metrics.bestAccuracyThreshold(cos, labels);
        Metrics.F1Threshold f1 = Metrics.bestF1Threshold(cos, labels);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("cosine_accuracy", acc.accuracy());
        m.put("cosine_accuracy_threshold", acc.threshold());
        m.put("cosine_f1", f1.f1());
        m.put("cosine_f1_threshold", f1.threshold());
        m.put("cosine_precision", f1.precision());
        m.put("cosine_recall", f1.recall());
        m.put("cosine_ap", Metrics.averagePrecision(cos, labels));
        m.put("cosine_mcc", Metrics.matthewsCorrelation(cos, labels, f1.threshold()));
        return prefixed(m);
    }

    /** Builder; defaults as sentence-transformers (batch size 32, no name). */
    public static final class Builder extends AbstractEvaluator.Builder<Builder> {
        private final List<String> sentences1;
        private final List<String> sentences2;
        private final List<? extends Number> labels;

        private Builder(List<String> sentences1, List<String> sentences2, List<? extends Number> labels) {
            this.sentences1 = sentences1;
            this.sentences2 = sentences2;
            this.labels = labels;
        }

        public BinaryClassificationEvaluator build() {
            return new BinaryClassificationEvaluator(this);
        }
    }
}
