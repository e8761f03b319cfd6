package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.Evaluator;
import org.sentence4j.trainer.evaluation.FirstLayersEvaluator;
import org.sentence4j.trainer.evaluation.SequentialEvaluator;

/**
 * A modifier around MultipleNegativesRankingLoss on SNLI (anchor, positive, negative) triplets, measured where the
 * modifier promises something: MatryoshkaLoss at 384, 128 and 64 dimensions (the first dimensions of each
 * embedding carry the most), AdaptiveLayerLoss with the first 1 to 6 layers (early layers alone give usable
 * embeddings), Matryoshka2dLoss on both axes. Every (layers, dimensions) point is one evaluator, triplet accuracy on
 * held-out premises; the combined score is their mean.
 */
public final class NliModifierExample extends TrainingExample {

    /** One evaluation point: the first {@code layers} layers (0: all), the first {@code dims} dimensions (0: all). */
    public record Point(int layers, int dims) {
    }

    private final String name;
    private final String modifier;
    private final Map<String, Object> options;
    private final List<Point> points;
    private final int steps;

    public NliModifierExample(String name, String modifier, Map<String, Object> options, List<Point> points, int steps) {
        this.name = name;
        this.modifier = modifier;
        this.options = options;
        this.points = List.copyOf(points);
        this.steps = steps;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return "modifier: SNLI (anchor, positive, negative) triplets, " + modifier + (options.isEmpty() ? "" : " " + options)
                + " around MultipleNegativesRankingLoss; triplet accuracy at " + describePoints();
    }

    private String describePoints() {
        List<String> parts = new ArrayList<>();
        for (Point p : points) {
            parts.add((p.layers() == 0 ? "" : p.layers() + " layers") + (p.layers() != 0 && p.dims() != 0 ? " x " : "")
                    + (p.dims() == 0 ? "" : p.dims() + " dims"));
        }
        return String.join(", ", parts);
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.snliTriplets(NliTripletsExample.HELD_OUT, 0);
        LossSpec spec = new LossSpec(modifier, options, new LossSpec("MultipleNegativesRankingLoss", Map.of(), null));
        List<Evaluator> evaluators = new ArrayList<>();
        for (Point p : points) {
            String evaluatorName = "snli-triplets" + (p.layers() == 0 ? "" : "-" + p.layers() + "l")
                    + (p.dims() == 0 ? "" : "-" + p.dims() + "d");
            Evaluator e = NliTripletsExample.heldOutEvaluator(data, evalRows, p.dims(), evaluatorName);
            evaluators.add(p.layers() == 0 ? e : new FirstLayersEvaluator(e, p.layers()));
        }
        var combined = new SequentialEvaluator(evaluators,
                scores -> scores.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        return new Plan(train, LossRegistry.defaults().create(spec), combined, 32, steps, 5e-5);
    }
}
