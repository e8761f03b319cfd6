package org.sentence4j.trainer.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sentence4j.graphs.SentenceEmbedder;

/**
 * Share of triplets (anchor, positive, negative) whose anchor is closer to the positive than to the negative:
 * {@code cos(a, p) > cos(a, n) + margin}, strictly, as sentence-transformers' TripletEvaluator with the cosine
 * similarity (a tie counts as a failure).
 *
 * <p>Key {@code cosine_accuracy}, which is also the primary metric.
 */
public final class TripletEvaluator extends AbstractEvaluator {

    private final List<String> anchors;
    private final List<String> positives;
    private final List<String> negatives;
    private final double margin;

    private TripletEvaluator(Builder b) {
        super(b, 16);
        String owner = describe();
        anchors = requireTexts(owner, "anchors", b.anchors);
        positives = requireTexts(owner, "positives", b.positives);
        negatives = requireTexts(owner, "negatives", b.negatives);
        requireSameSize(owner, "anchors", anchors.size(), "positives", positives.size());
        requireSameSize(owner, "anchors", anchors.size(), "negatives", negatives.size());
        requireNonEmpty(owner, "the list of triplets", anchors.size());
        if (!Double.isFinite(b.margin)) {
            throw new IllegalArgumentException(owner + ": margin must be finite, got " + b.margin);
        }
        margin = b.margin;
    }

    /** Evaluates triplets {@code (anchors[i], positives[i], negatives[i])}. */
    public static Builder builder(List<String> anchors, List<String> positives, List<String> negatives) {
        return new Builder(anchors, positives, negatives);
    }

    @Override
    protected String unprefixedPrimaryMetric() {
        return "cosine_accuracy";
    }

    @Override
    public Map<String, Double> evaluate(SentenceEmbedder model) {
        List<String> all = new ArrayList<>(anchors);
        all.addAll(positives);
        all.addAll(negatives);
        TextEmbeddings emb = embed(model, all);
        int correct = 0;
        for (int i = 0; i < anchors.size(); i++) {
            float[] a = emb.row(anchors.get(i));
            double pos = TextEmbeddings.cosine(a, emb.row(positives.get(i)));
            double neg = TextEmbeddings.cosine(a, emb.row(negatives.get(i)));
            if (pos > neg + margin) {
                correct++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("cosine_accuracy", (double) correct / anchors.size());
        return prefixed(m);
    }

    /** Builder; defaults as sentence-transformers (batch size 16, margin 0, no name). */
    public static final class Builder extends AbstractEvaluator.Builder<Builder> {
        private final List<String> anchors;
        private final List<String> positives;
        private final List<String> negatives;
        private double margin;

        private Builder(List<String> anchors, List<String> positives, List<String> negatives) {
            this.anchors = anchors;
            this.positives = positives;
            this.negatives = negatives;
        }

        /** How much closer the positive must be: {@code cos(a,p) > cos(a,n) + margin}; default 0. */
        public Builder margin(double margin) {
            this.margin = margin;
            return this;
        }

        public TripletEvaluator build() {
            return new TripletEvaluator(this);
        }
    }
}
