package org.sentence4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.modifiers.MatryoshkaLoss;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

/**
 * The losses whose B×B part runs forward only and which supply their gradient themselves
 * ({@code SdMath.withGradient}: CoSENTLoss, AnglELoss, BatchHardTripletLoss, BatchHardSoftMarginTripletLoss):
 * every entry of the gradient against central finite differences in float64, for both batch distances, anchors
 * without a positive or without a negative, and inside a modifier that builds the fragment several times in one
 * graph. {@link FiniteDifferenceGradientTest} samples a few entries of two fixture cases per loss; these losses'
 * gradients are written by hand, so they are checked entry by entry.
 */
class ForwardOnlyGradientLossesTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();
    private static final String COSINE = "BatchHardTripletLossDistanceFunction.cosine_distance";

    private static INDArray random(long seed, long rows, long dim) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, dim);
    }

    private static INDArray labels(double... v) {
        return Nd4j.createFromArray(v);
    }

    /** Compares every entry of every column's gradient with central differences of the value. */
    private static LossEvaluation checkAll(SentenceLoss loss, LossBatch batch) {
        EmbeddingLossRunner.Prepared p = new EmbeddingLossRunner(DataType.DOUBLE).prepare(loss, batch);
        LossEvaluation analytic = p.evaluate();
        assertEquals(p.value().loss(), analytic.loss(), 0.0, "value with and without gradients");
        for (int c = 0; c < batch.columns().size(); c++) {
            String input = p.columnInputs().get(c);
            INDArray x = batch.columns().get(c).castTo(DataType.DOUBLE).dup();
            INDArray grad = analytic.gradColumns().get(c).reshape(-1);
            for (long i = 0; i < x.length(); i++) {
                double numeric = FiniteDifferenceGradientTest.centralDifference(p, input, x, i);
                double g = grad.getDouble(i);
                assertTrue(Math.abs(numeric - g) <= 1e-6 + 1e-5 * Math.abs(numeric),
                        loss.name() + " column " + c + " entry " + i + ": analytic " + g + ", numeric " + numeric);
            }
        }
        return analytic;
    }

    private static SentenceLoss create(String name, Map<String, Object> options) {
        return REGISTRY.create(name, options);
    }

    @Test
    void batchHardLossesMatchFiniteDifferences() {
        // classes of 3, 2 and 2 rows, and two singletons (anchors without a positive)
        INDArray y = labels(0, 0, 1, 1, 1, 2, 3, 3, 4);
        for (String name : List.of("BatchHardTripletLoss", "BatchHardSoftMarginTripletLoss")) {
            checkAll(create(name, Map.of()), LossBatch.of(random(1, 9, 5)).withLabels(y));
            checkAll(create(name, Map.of("distance_metric", COSINE)), LossBatch.of(random(2, 9, 5)).withLabels(y));
        }
        checkAll(create("BatchHardTripletLoss", Map.of("margin", 0.5)), LossBatch.of(random(3, 9, 5).mul(0.3))
                .withLabels(y));
    }

    @Test
    void anchorsWithoutANegativeHaveNoGradient() {
        INDArray y = labels(7, 7, 7, 7);
        for (String metric : List.of("BatchHardTripletLossDistanceFunction.euclidean_distance", COSINE)) {
            LossEvaluation ev = checkAll(create("BatchHardTripletLoss", Map.of("distance_metric", metric, "margin", 2.0)),
                    LossBatch.of(random(4, 4, 3)).withLabels(y));
            assertEquals(2.0, ev.loss(), 0.0);
            assertEquals(0.0, ev.gradColumns().get(0).amaxNumber().doubleValue(), 0.0);
            LossEvaluation soft = checkAll(create("BatchHardSoftMarginTripletLoss", Map.of("distance_metric", metric)),
                    LossBatch.of(random(5, 4, 3)).withLabels(y));
            assertEquals(Math.log(2.0), soft.loss(), 1e-15);
            assertEquals(0.0, soft.gradColumns().get(0).amaxNumber().doubleValue(), 0.0);
        }
    }

    @Test
    void cosentAndAngleMatchFiniteDifferences() {
        INDArray y = labels(0.1, 0.9, 0.5, 0.5, 0.3, 0.0, 1.0);
        checkAll(create("CoSENTLoss", Map.of()), LossBatch.of(random(6, 7, 4), random(7, 7, 4)).withLabels(y));
        checkAll(create("CoSENTLoss", Map.of("scale", 1.0, "similarity_fct", "pairwise_dot_score")),
                LossBatch.of(random(8, 7, 4), random(9, 7, 4)).withLabels(y));
        checkAll(create("AnglELoss", Map.of()), LossBatch.of(random(10, 7, 4), random(11, 7, 4)).withLabels(y));
    }

    /** A modifier builds the fragment once per dimension in the same graph (each with its own gathers). */
    @Test
    void fragmentsCanBeBuiltSeveralTimesInOneGraph() {
        checkAll(MatryoshkaLoss.of(create("BatchHardTripletLoss", Map.of()), 6, 3),
                LossBatch.of(random(12, 8, 6)).withLabels(labels(0, 0, 1, 1, 2, 2, 2, 3)));
        checkAll(MatryoshkaLoss.of(create("CoSENTLoss", Map.of()), 6, 3),
                LossBatch.of(random(13, 6, 6), random(14, 6, 6)).withLabels(labels(0.2, 0.4, 0.4, 0.9, 0.0, 0.7)));
    }
}
