package org.sentence4j.trainer.evaluation;

import java.util.Map;
import java.util.Objects;

import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.graphs.SentenceEncoder;

/**
 * Runs another evaluator on the model cut to its first N transformer layers ({@link SentenceEncoder#firstLayers}):
 * how a model trained with AdaptiveLayerLoss is measured, one evaluator per layer count, since that loss's promise
 * is that the early layers alone already give useful embeddings. Metric keys are the inner evaluator's (give each
 * a distinct name, e.g. {@code sts-dev-3-layers}).
 */
public final class FirstLayersEvaluator implements Evaluator {

    private final Evaluator inner;
    private final int numLayers;

    /** {@code inner} run on the first {@code numLayers} (at least 1) layers of the evaluated model. */
    public FirstLayersEvaluator(Evaluator inner, int numLayers) {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (numLayers < 1) {
            throw new IllegalArgumentException("FirstLayersEvaluator: numLayers must be >= 1, got " + numLayers);
        }
        this.numLayers = numLayers;
    }

    /** The number of layers the model is cut to. */
    public int numLayers() {
        return numLayers;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Map<String, Double> evaluate(SentenceEmbedder model) {
        if (!(model instanceof SentenceEncoder encoder)) {
            throw new IllegalArgumentException("FirstLayersEvaluator '" + inner.name() + "' cuts a SentenceEncoder to its "
                    + "first layers; got " + (model == null ? "null" : model.getClass().getName()));
        }
        return inner.evaluate(encoder.firstLayers(numLayers));
    }

    @Override
    public String primaryMetric() {
        return inner.primaryMetric();
    }
}
