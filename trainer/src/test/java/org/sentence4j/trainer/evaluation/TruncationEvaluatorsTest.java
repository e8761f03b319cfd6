package org.sentence4j.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.graphs.SentenceEncoder;

/**
 * Evaluating a truncated model: {@code truncateDim} (the first dimensions of each embedding, as
 * sentence-transformers' {@code truncate_dim}) and {@link FirstLayersEvaluator} (the first layers), which the
 * Matryoshka and AdaptiveLayer examples measure with.
 */
class TruncationEvaluatorsTest {

    /**
     * Three dimensions, chosen so that the verdict flips with the width: on the first two dimensions the positive
     * is closer (accuracy 1), the third dimension makes the negative closer (accuracy 0).
     */
    private static StandInEmbedders.Fixed flipping() {
        return new StandInEmbedders.Fixed().put("a", 1, 0, 0).put("p", 0.9, 0.1, -3).put("n", 0.5, 0.5, 0);
    }

    @Test
    void truncateDimScoresTheFirstDimensionsOnly() {
        TripletEvaluator full = TripletEvaluator.builder(List.of("a"), List.of("p"), List.of("n")).build();
        TripletEvaluator two = TripletEvaluator.builder(List.of("a"), List.of("p"), List.of("n")).truncateDim(2).build();
        assertEquals(0.0, full.evaluate(flipping()).get("cosine_accuracy"));
        assertEquals(1.0, two.evaluate(flipping()).get("cosine_accuracy"));
        assertEquals(2, two.truncateDim());
    }

    @Test
    void truncatedCosineRenormalisesTheKeptDimensions() {
        // on the first two dimensions: cos(x, z) = 3/5, cos(y, z) = 4/5, cos(x, y) = 24/25, in the gold order;
        // the third dimension, cut, reverses most of it
        StandInEmbedders.Fixed m = new StandInEmbedders.Fixed().put("x", 3, 4, 100).put("y", 4, 3, -100).put("z", 1, 0, 50);
        List<String> left = List.of("x", "y", "x");
        List<String> right = List.of("z", "z", "y");
        List<Double> gold = List.of(0.1, 0.5, 0.9);
        Map<String, Double> cut = EmbeddingSimilarityEvaluator.builder(left, right, gold).truncateDim(2).build().evaluate(m);
        Map<String, Double> full = EmbeddingSimilarityEvaluator.builder(left, right, gold).build().evaluate(m);
        assertEquals(pearson(new double[] {0.6, 0.8, 0.96}, new double[] {0.1, 0.5, 0.9}), cut.get("pearson_cosine"), 1e-6);
        assertEquals(1.0, cut.get("spearman_cosine"), 1e-12);
        assertTrue(full.get("spearman_cosine") < 0.9, full.toString());
    }

    @Test
    void aWidthBeyondTheModelsOrNegativeIsAnError() {
        TripletEvaluator tooWide = TripletEvaluator.builder(List.of("a"), List.of("p"), List.of("n")).name("t")
                .truncateDim(4).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tooWide.evaluate(flipping()));
        assertTrue(e.getMessage().contains("truncateDim 4 exceeds the model's embedding width 3")
                && e.getMessage().contains("TripletEvaluator 't'"), e.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> TripletEvaluator.builder(List.of("a"), List.of("p"), List.of("n")).truncateDim(-1).build());
        assertTrue(negative.getMessage().contains("truncateDim must be >= 1"), negative.getMessage());
    }

    @Test
    void firstLayersEvaluatesTheCutModel() throws Exception {
        List<String> texts = List.of("A man is playing a guitar.", "A woman is slicing an onion.", "Some men are fighting.");
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            INDArray full = model.embed(texts);
            INDArray six = model.firstLayers(6).embed(texts);
            INDArray two = model.firstLayers(2).embed(texts);
            assertEquals(0.0, full.sub(six).amaxNumber().doubleValue(), 1e-6, "all six layers are the model");
            assertTrue(full.sub(two).amaxNumber().doubleValue() > 1e-2, "two layers give other embeddings");
            assertEquals(1.0, two.norm2(1).minNumber().doubleValue(), 1e-5, "the cut model still normalises");

            // the inner evaluator sees the cut model: its score equals scoring two-layer embeddings directly
            Evaluator inner = TripletEvaluator.builder(List.of(texts.get(0)), List.of(texts.get(1)), List.of(texts.get(2)))
                    .name("cut").build();
            FirstLayersEvaluator cut = new FirstLayersEvaluator(inner, 2);
            assertEquals("cut", cut.name());
            assertEquals("cut_cosine_accuracy", cut.primaryMetric());
            double[][] e = two.toDoubleMatrix();
            double expected = dot(e[0], e[1]) > dot(e[0], e[2]) ? 1.0 : 0.0;
            assertEquals(expected, cut.evaluate(model).get("cut_cosine_accuracy"));

            assertThrows(IllegalArgumentException.class, () -> model.firstLayers(7));
            assertThrows(IllegalArgumentException.class, () -> model.firstLayers(0));
        }
    }

    @Test
    void firstLayersNeedsAnEncoderAndAPositiveCount() {
        Evaluator inner = TripletEvaluator.builder(List.of("a"), List.of("p"), List.of("n")).build();
        SentenceEmbedder notAnEncoder = flipping();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FirstLayersEvaluator(inner, 3).evaluate(notAnEncoder));
        assertTrue(e.getMessage().contains("cuts a SentenceEncoder"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FirstLayersEvaluator(inner, 0));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
