package org.sentence4j.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SequentialEvaluatorTest {

    private static StandInEmbedders.Fixed model() {
        return new StandInEmbedders.Fixed().angle("a", 0).angle("b0", 0).angle("b60", 60).angle("b90", 90)
                .angle("b180", 180);
    }

    private static EmbeddingSimilarityEvaluator sts(String name) {
        return EmbeddingSimilarityEvaluator.builder(List.of("a", "a", "a"), List.of("b0", "b60", "b180"),
                List.of(5, 3, 0)).name(name).build();
    }

    private static TripletEvaluator triplets(String name) {
        return TripletEvaluator.builder(List.of("a", "a"), List.of("b0", "b90"), List.of("b60", "b60")).name(name)
                .build();
    }

    @Test
    void mergesResultsAndScoresTheLastPrimaryMetric() {
        SequentialEvaluator seq = new SequentialEvaluator(List.of(sts("sts"), triplets("tri")));
        Map<String, Double> r = seq.evaluate(model());
        assertEquals(List.of("sts_pearson_cosine", "sts_spearman_cosine", "tri_cosine_accuracy", "sequential_score"),
                List.copyOf(r.keySet()));
        assertEquals(0.5, r.get("tri_cosine_accuracy"), 1e-12);
        assertEquals(0.5, r.get("sequential_score"), 1e-12);
        assertEquals("sequential_score", seq.primaryMetric());
        assertEquals("", seq.name());
    }

    @Test
    void customMainScore() {
        SequentialEvaluator seq = new SequentialEvaluator(List.of(sts("sts"), triplets("tri")),
                scores -> scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
        Map<String, Double> r = seq.evaluate(model());
        assertEquals((1.0 + 0.5) / 2, r.get("sequential_score"), 1e-6);
    }

    @Test
    void collidingKeysAndBadArguments() {
        SequentialEvaluator seq = new SequentialEvaluator(List.of(triplets(""), triplets("")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> seq.evaluate(model()));
        assertTrue(e.getMessage().contains("metric 'cosine_accuracy' is produced by TripletEvaluator and TripletEvaluator"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SequentialEvaluator(List.of()));
    }
}
