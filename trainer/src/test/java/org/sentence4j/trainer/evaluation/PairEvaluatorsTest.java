package org.sentence4j.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.factory.Nd4j;

/** EmbeddingSimilarityEvaluator, TripletEvaluator and BinaryClassificationEvaluator on hand-computed examples. */
class PairEvaluatorsTest {

    private static final double EPS = 1e-6; // embeddings are float32

    /** "a" at 0 degrees; "b<angle>" at that angle: cos(a, b60) = 0.5, cos(a, b90) = 0, ... */
    private static StandInEmbedders.Fixed angles() {
        StandInEmbedders.Fixed m = new StandInEmbedders.Fixed().angle("a", 0);
        for (int deg : new int[] {0, 30, 60, 90, 120, 180}) {
            m.angle("b" + deg, deg);
        }
        return m.put("zero", 0, 0);
    }

    private static void assertError(String expectedPart, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expectedPart), "message '" + e.getMessage() + "' lacks '" + expectedPart + "'");
    }

    // ----------------------------------------------------------------- EmbeddingSimilarityEvaluator

    @Test
    void similarityKeysValuesAndPrimaryMetric() {
        List<String> s1 = List.of("a", "a", "a", "a");
        List<String> s2 = List.of("b0", "b60", "b90", "b180"); // cosines 1, 0.5, 0, -1
        EmbeddingSimilarityEvaluator ev = EmbeddingSimilarityEvaluator.builder(s1, s2, List.of(5, 3, 1, 0)).build();
        Map<String, Double> r = ev.evaluate(angles());
        assertEquals(List.of("pearson_cosine", "spearman_cosine"), List.copyOf(r.keySet()));
        assertEquals(0.9462555234916723, r.get("pearson_cosine"), EPS); // scipy.stats.pearsonr
        assertEquals(1.0, r.get("spearman_cosine"), EPS);
        assertEquals("spearman_cosine", ev.primaryMetric());
        assertEquals("", ev.name());

        // reversed gold
        r = EmbeddingSimilarityEvaluator.builder(s1, s2, List.of(0.0, 1.0, 3.0, 5.0)).build().evaluate(angles());
        assertEquals(-1.0, r.get("spearman_cosine"), EPS);
    }

    @Test
    void similarityTiesGetAverageRanks() {
        // cosines 1, 0.5, 0.5 (same pair twice), -1 against gold 1, 2, 3, 4
        List<String> s1 = List.of("a", "a", "b60", "a");
        List<String> s2 = List.of("b0", "b60", "a", "b180");
        Map<String, Double> r = EmbeddingSimilarityEvaluator.builder(s1, s2, List.of(4, 3, 2, 1)).build()
                .evaluate(angles());
        // ranks of cos [4, 2.5, 2.5, 1] vs gold [4, 3, 2, 1]: 3 / sqrt(10)
        assertEquals(3 / Math.sqrt(10), r.get("spearman_cosine"), EPS);
    }

    @Test
    void similarityEmbedsEachDistinctTextOnceInBatches() {
        StandInEmbedders.Fixed model = angles();
        List<String> s1 = List.of("a", "a", "a", "b60", "b90");
        List<String> s2 = List.of("b0", "b60", "b90", "a", "b30");
        EmbeddingSimilarityEvaluator ev = EmbeddingSimilarityEvaluator.builder(s1, s2, List.of(5, 3, 1, 2, 4))
                .name("sts-dev").batchSize(2).build();
        Map<String, Double> r = ev.evaluate(model);
        assertEquals(5, model.textsEmbedded()); // a, b0, b30, b60, b90
        assertEquals(List.of(2, 2, 1), model.batches.stream().map(List::size).toList());
        assertEquals(List.of("sts-dev_pearson_cosine", "sts-dev_spearman_cosine"), List.copyOf(r.keySet()));
        assertEquals("sts-dev_spearman_cosine", ev.primaryMetric());
        assertTrue(r.containsKey(ev.primaryMetric()));
    }

    @Test
    void similarityDegenerateModelGivesNaN() {
        // the model maps everything to one vector: every cosine is 1, correlations undefined
        StandInEmbedders.Fixed same = new StandInEmbedders.Fixed().put("x", 1, 1).put("y", 1, 1).put("z", 1, 1);
        Map<String, Double> r = EmbeddingSimilarityEvaluator.builder(List.of("x", "y"), List.of("y", "z"), List.of(1, 2))
                .build().evaluate(same);
        assertTrue(Double.isNaN(r.get("spearman_cosine")));
    }

    @Test
    void similarityInputErrors() {
        List<String> two = List.of("a", "a");
        assertError("sentences1 has 2 entries but sentences2 has 1",
                () -> EmbeddingSimilarityEvaluator.builder(two, List.of("b0"), List.of(1, 2)).build());
        assertError("sentences1 has 2 entries but scores has 3",
                () -> EmbeddingSimilarityEvaluator.builder(two, two, List.of(1, 2, 3)).build());
        assertError("is empty", () -> EmbeddingSimilarityEvaluator.builder(List.of(), List.of(), List.of()).build());
        assertError("at least 2 pairs",
                () -> EmbeddingSimilarityEvaluator.builder(List.of("a"), List.of("b0"), List.of(1)).build());
        assertError("all gold scores are equal",
                () -> EmbeddingSimilarityEvaluator.builder(two, two, List.of(3, 3)).name("dev").build());
        assertError("scores[1] is NaN",
                () -> EmbeddingSimilarityEvaluator.builder(two, two, List.of(1.0, Double.NaN)).build());
        assertError("sentences2[0] is null",
                () -> EmbeddingSimilarityEvaluator.builder(two, Arrays.asList(null, "a"), List.of(1, 2)).build());
        assertError("batchSize must be >= 1",
                () -> EmbeddingSimilarityEvaluator.builder(two, two, List.of(1, 2)).batchSize(0).build());
        // the name appears in messages
        assertError("EmbeddingSimilarityEvaluator 'dev'",
                () -> EmbeddingSimilarityEvaluator.builder(two, two, List.of(3, 3)).name("dev").build());
    }

    @Test
    void aModelReturningTheWrongShapeIsReported() {
        EmbeddingSimilarityEvaluator ev = EmbeddingSimilarityEvaluator.builder(List.of("a", "b"), List.of("c", "d"),
                List.of(1, 2)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ev.evaluate(texts -> Nd4j.zeros(texts.size() + 1, 3)));
        assertTrue(e.getMessage().contains("expected [4, dim]"), e.getMessage());
    }

    // ----------------------------------------------------------------- TripletEvaluator

    @Test
    void tripletAccuracyIsStrict() {
        // (a, b30, b90) right; (a, b60, b60) a tie: wrong; (a, b120, b0) reversed: wrong; (a, b0, zero) right
        // (a zero vector has cosine 0 with everything)
        TripletEvaluator ev = TripletEvaluator.builder(List.of("a", "a", "a", "a"),
                List.of("b30", "b60", "b120", "b0"), List.of("b90", "b60", "b0", "zero")).name("triplets").build();
        Map<String, Double> r = ev.evaluate(angles());
        assertEquals(Map.of("triplets_cosine_accuracy", 0.5), r);
        assertEquals("triplets_cosine_accuracy", ev.primaryMetric());
    }

    @Test
    void tripletMarginAndPerfect() {
        List<String> anchors = List.of("a", "a");
        List<String> pos = List.of("b0", "b30");
        List<String> neg = List.of("b90", "b60");
        assertEquals(1.0, TripletEvaluator.builder(anchors, pos, neg).build().evaluate(angles()).get("cosine_accuracy"));
        // cos 1 - 0 = 1 passes margin 0.5; cos 0.866 - 0.5 = 0.366 fails it
        assertEquals(0.5, TripletEvaluator.builder(anchors, pos, neg).margin(0.5).build().evaluate(angles())
                .get("cosine_accuracy"));
        // reversed
        assertEquals(0.0, TripletEvaluator.builder(anchors, neg, pos).build().evaluate(angles()).get("cosine_accuracy"));
    }

    @Test
    void tripletInputErrors() {
        assertError("anchors has 2 entries but negatives has 1",
                () -> TripletEvaluator.builder(List.of("a", "a"), List.of("b0", "b0"), List.of("b90")).build());
        assertError("is empty", () -> TripletEvaluator.builder(List.of(), List.of(), List.of()).build());
        assertError("margin must be finite", () -> TripletEvaluator.builder(List.of("a"), List.of("b0"),
                List.of("b90")).margin(Double.POSITIVE_INFINITY).build());
    }

    // ----------------------------------------------------------------- BinaryClassificationEvaluator

    @Test
    void binaryKeysAndHandComputedValues() {
        // cosines 1, cos30, cos60=0.5, cos90=0, cos120=-0.5 with labels 1 1 0 1 0 (as MetricsTest's example)
        List<String> s1 = List.of("a", "a", "a", "a", "a");
        List<String> s2 = List.of("b0", "b30", "b60", "b90", "b120");
        BinaryClassificationEvaluator ev = BinaryClassificationEvaluator.builder(s1, s2, List.of(1, 1, 0, 1, 0))
                .name("dup").build();
        Map<String, Double> r = ev.evaluate(angles());
        assertEquals(List.of("dup_cosine_accuracy", "dup_cosine_accuracy_threshold", "dup_cosine_f1",
                "dup_cosine_f1_threshold", "dup_cosine_precision", "dup_cosine_recall", "dup_cosine_ap",
                "dup_cosine_mcc"), List.copyOf(r.keySet()));
        assertEquals(0.8, r.get("dup_cosine_accuracy"), EPS);
        assertEquals((Math.cos(Math.PI / 6) + 0.5) / 2, r.get("dup_cosine_accuracy_threshold"), EPS);
        assertEquals(6 / 7.0, r.get("dup_cosine_f1"), EPS);
        assertEquals(-0.25, r.get("dup_cosine_f1_threshold"), EPS);
        assertEquals(0.75, r.get("dup_cosine_precision"), EPS);
        assertEquals(1.0, r.get("dup_cosine_recall"), EPS);
        // hits at ranks 1, 2, 4 of 3 positives: (1 + 1 + 3/4) / 3
        assertEquals((1 + 1 + 0.75) / 3, r.get("dup_cosine_ap"), EPS);
        assertEquals(3 / Math.sqrt(24), r.get("dup_cosine_mcc"), EPS);
        assertEquals("dup_cosine_ap", ev.primaryMetric());
    }

    @Test
    void binaryPerfectSeparation() {
        Map<String, Double> r = BinaryClassificationEvaluator.builder(List.of("a", "a", "a", "a"),
                List.of("b0", "b30", "b120", "b180"), List.of(1, 1, 0, 0)).build().evaluate(angles());
        assertEquals(1.0, r.get("cosine_accuracy"), EPS);
        assertEquals(1.0, r.get("cosine_f1"), EPS);
        assertEquals(1.0, r.get("cosine_ap"), EPS);
        assertEquals(1.0, r.get("cosine_mcc"), EPS);
    }

    @Test
    void binaryInputErrors() {
        List<String> two = List.of("a", "a");
        assertError("sentences1 has 2 entries but labels has 3",
                () -> BinaryClassificationEvaluator.builder(two, two, List.of(1, 0, 1)).build());
        assertError("labels[1] is 2", () -> BinaryClassificationEvaluator.builder(two, two, List.of(1, 2)).build());
        assertError("labels[0] is 0.5", () -> BinaryClassificationEvaluator.builder(two, two, List.of(0.5, 1)).build());
        assertError("needs both similar (1) and dissimilar (0)",
                () -> BinaryClassificationEvaluator.builder(two, two, List.of(1, 1)).build());
        assertError("is empty", () -> BinaryClassificationEvaluator.builder(List.of(), List.of(), List.of()).build());
    }
}
