package org.sentence4j.trainer.evaluation;

import java.util.Map;

import org.sentence4j.graphs.SentenceEmbedder;

/**
 * Measures a model on held-out data, as sentence-transformers' {@code SentenceEvaluator}: the trainer runs it before
 * training, every N steps and at the end, and writes the results with {@link EvaluationResults}.
 *
 * <p>Metric keys follow sentence-transformers exactly (e.g. {@code spearman_cosine}, {@code cosine_ndcg@10}) and
 * carry the prefix {@code <name>_} when the evaluator has a non-empty name, so that the results of several evaluators
 * can be merged without collisions ({@link SequentialEvaluator}). {@link #primaryMetric()} is one of the keys that
 * {@link #evaluate} returns, prefix included, so {@code evaluate(model).get(primaryMetric())} is the main score.
 */
public interface Evaluator {

    /** The evaluator's name (e.g. {@code sts-dev}); may be empty, then keys are not prefixed. */
    String name();

    /**
     * Embeds the evaluation texts with {@code model} and computes the metrics.
     *
     * @return metric key to value, in a stable order (a {@link java.util.LinkedHashMap})
     */
    Map<String, Double> evaluate(SentenceEmbedder model);

    /** The key of the main score in {@link #evaluate}'s result (higher is better), prefix included. */
    String primaryMetric();
}
