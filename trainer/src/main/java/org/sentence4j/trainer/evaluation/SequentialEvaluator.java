package org.sentence4j.trainer.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.sentence4j.graphs.SentenceEmbedder;

/**
 * Runs several evaluators one after the other and merges their results, as sentence-transformers'
 * SequentialEvaluator: all their metrics plus {@code sequential_score}, by default the primary score of the last
 * evaluator, which is also this evaluator's primary metric. Two evaluators producing the same key (e.g. two
 * unnamed evaluators of one kind) are an error rather than one result silently overwriting the other.
 */
public final class SequentialEvaluator implements Evaluator {

    /** The key of the combined score. */
    public static final String SEQUENTIAL_SCORE = "sequential_score";

    private final List<Evaluator> evaluators;
    private final ToDoubleFunction<List<Double>> mainScoreFunction;

    /** The combined score is the primary score of the last evaluator. */
    public SequentialEvaluator(List<? extends Evaluator> evaluators) {
        this(evaluators, scores -> scores.get(scores.size() - 1));
    }

    /**
     * @param mainScoreFunction the primary scores of the evaluators, in order, to the combined score (e.g. their
     *                          mean)
     */
    public SequentialEvaluator(List<? extends Evaluator> evaluators, ToDoubleFunction<List<Double>> mainScoreFunction) {
        if (evaluators == null || evaluators.isEmpty()) {
            throw new IllegalArgumentException("SequentialEvaluator: no evaluators given");
        }
        for (Evaluator e : evaluators) {
            if (e == null) {
                throw new IllegalArgumentException("SequentialEvaluator: an evaluator is null");
            }
        }
        if (mainScoreFunction == null) {
            throw new IllegalArgumentException("SequentialEvaluator: mainScoreFunction is null");
        }
        this.evaluators = List.copyOf(evaluators);
        this.mainScoreFunction = mainScoreFunction;
    }

    public List<Evaluator> evaluators() {
        return evaluators;
    }

    @Override
    public String name() {
        return "";
    }

    @Override
    public String primaryMetric() {
        return SEQUENTIAL_SCORE;
    }

    @Override
    public Map<String, Double> evaluate(SentenceEmbedder model) {
        Map<String, Double> results = new LinkedHashMap<>();
        Map<String, String> producedBy = new LinkedHashMap<>();
        List<Double> primaryScores = new ArrayList<>();
        for (Evaluator e : evaluators) {
            Map<String, Double> r = e.evaluate(model);
            Double primary = r.get(e.primaryMetric());
            if (primary == null) {
                throw new IllegalStateException("SequentialEvaluator: " + label(e) + " did not return its primary metric '"
                        + e.primaryMetric() + "' (keys: " + r.keySet() + ")");
            }
            primaryScores.add(primary);
            for (Map.Entry<String, Double> m : r.entrySet()) {
                String previous = producedBy.putIfAbsent(m.getKey(), label(e));
                if (previous != null || SEQUENTIAL_SCORE.equals(m.getKey())) {
                    throw new IllegalStateException("SequentialEvaluator: metric '" + m.getKey() + "' is produced by "
                            + (previous == null ? "this evaluator" : previous) + " and " + label(e)
                            + "; give the evaluators distinct names");
                }
                results.put(m.getKey(), m.getValue());
            }
        }
        results.put(SEQUENTIAL_SCORE, mainScoreFunction.applyAsDouble(List.copyOf(primaryScores)));
        return results;
    }

    private static String label(Evaluator e) {
        return e.getClass().getSimpleName() + (e.name().isEmpty() ? "" : " '" + e.name() + "'");
    }
}
