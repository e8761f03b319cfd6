package org.sentence4j.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class InformationRetrievalEvaluatorTest {

    private static final double EPS = 1e-6;
    private static final double L3 = 1 / (Math.log(3) / Math.log(2)); // discount of rank 2: 1 / log2(3)

    /**
     * Five documents at 0, 10, .., 40 degrees. q1 and q3 point at 0 degrees (ranking d1..d5), q2 at 180 degrees
     * (ranking d5..d1).
     */
    private static StandInEmbedders.Fixed model() {
        StandInEmbedders.Fixed m = new StandInEmbedders.Fixed();
        for (int i = 1; i <= 5; i++) {
            m.angle("doc " + i, 10 * (i - 1));
        }
        return m.angle("query one", 0).angle("query two", 180).angle("query three", 0);
    }

    private static Map<String, String> corpus() {
        Map<String, String> c = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            c.put("d" + i, "doc " + i);
        }
        return c;
    }

    private static Map<String, String> queries(String... idsAndTexts) {
        Map<String, String> q = new LinkedHashMap<>();
        for (int i = 0; i < idsAndTexts.length; i += 2) {
            q.put(idsAndTexts[i], idsAndTexts[i + 1]);
        }
        return q;
    }

    private static InformationRetrievalEvaluator.Builder small(Map<String, String> queries,
                                                               Map<String, Set<String>> relevant) {
        return InformationRetrievalEvaluator.builder(queries, corpus(), relevant).accuracyAtK(List.of(1, 3))
                .precisionRecallAtK(List.of(1, 3)).mrrAtK(List.of(3)).ndcgAtK(List.of(3)).mapAtK(List.of(5));
    }

    @Test
    void severalRelevantDocumentsHandComputed() {
        // q1 ranks d1..d5, relevant d2 and d4: hits at ranks 2 and 4
        InformationRetrievalEvaluator ev = small(queries("q1", "query one"), Map.of("q1", Set.of("d2", "d4"))).build();
        Map<String, Double> r = ev.evaluate(model());
        assertEquals(List.of("cosine_accuracy@1", "cosine_accuracy@3", "cosine_precision@1", "cosine_precision@3",
                "cosine_recall@1", "cosine_recall@3", "cosine_ndcg@3", "cosine_mrr@3", "cosine_map@5"),
                List.copyOf(r.keySet()));
        assertEquals(0.0, r.get("cosine_accuracy@1"), EPS);
        assertEquals(1.0, r.get("cosine_accuracy@3"), EPS);
        assertEquals(0.0, r.get("cosine_precision@1"), EPS);
        assertEquals(1 / 3.0, r.get("cosine_precision@3"), EPS);
        assertEquals(0.0, r.get("cosine_recall@1"), EPS);
        assertEquals(0.5, r.get("cosine_recall@3"), EPS);
        // DCG@3 = 1/log2(3); ideal (2 relevant) = 1 + 1/log2(3)
        assertEquals(L3 / (1 + L3), r.get("cosine_ndcg@3"), EPS);
        assertEquals(0.5, r.get("cosine_mrr@3"), EPS);
        // (1/2 + 2/4) / min(5, 2)
        assertEquals(0.5, r.get("cosine_map@5"), EPS);
        assertEquals("cosine_ndcg@3", ev.primaryMetric());
    }

    @Test
    void averagesOverQueriesIncludingPerfectRankingAndAMissingRelevantId() {
        // q1 as above; q2 ranks d5 first and its only relevant doc is d5 (perfect);
        // q3 ranks d1 first, relevant d1 and "gone" (not in the corpus, counted as relevant, never retrieved)
        InformationRetrievalEvaluator ev = small(queries("q1", "query one", "q2", "query two", "q3", "query three"),
                Map.of("q1", Set.of("d2", "d4"), "q2", Set.of("d5"), "q3", Set.of("d1", "gone"))).name("ir").build();
        Map<String, Double> r = ev.evaluate(model());
        assertEquals((0 + 1 + 1) / 3.0, r.get("ir_cosine_accuracy@1"), EPS);
        assertEquals(1.0, r.get("ir_cosine_accuracy@3"), EPS);
        assertEquals((0 + 1 + 1) / 3.0, r.get("ir_cosine_precision@1"), EPS);
        assertEquals(1 / 3.0, r.get("ir_cosine_precision@3"), EPS);
        assertEquals((0 + 1 + 0.5) / 3, r.get("ir_cosine_recall@1"), EPS);
        assertEquals((0.5 + 1 + 0.5) / 3, r.get("ir_cosine_recall@3"), EPS);
        assertEquals((L3 / (1 + L3) + 1 + 1 / (1 + L3)) / 3, r.get("ir_cosine_ndcg@3"), EPS);
        assertEquals((0.5 + 1 + 1) / 3, r.get("ir_cosine_mrr@3"), EPS);
        assertEquals((0.5 + 1 + 0.5) / 3, r.get("ir_cosine_map@5"), EPS);
        assertEquals("ir_cosine_ndcg@3", ev.primaryMetric());
    }

    @Test
    void reversedRankingScoresZeroWithinTheCutoffs() {
        // q2 ranks d5..d1; its relevant doc d1 comes last (rank 5)
        Map<String, Double> r = small(queries("q2", "query two"), Map.of("q2", Set.of("d1"))).build().evaluate(model());
        for (String k : List.of("cosine_accuracy@3", "cosine_recall@3", "cosine_ndcg@3", "cosine_mrr@3")) {
            assertEquals(0.0, r.get(k), EPS, k);
        }
        // MAP@5 still sees it at rank 5
        assertEquals(0.2, r.get("cosine_map@5"), EPS);
    }

    @Test
    void defaultsFollowSentenceTransformers() {
        InformationRetrievalEvaluator ev = InformationRetrievalEvaluator.builder(queries("q1", "query one"), corpus(),
                Map.of("q1", Set.of("d3"))).build();
        Map<String, Double> r = ev.evaluate(model());
        assertEquals(List.of("cosine_accuracy@1", "cosine_accuracy@3", "cosine_accuracy@5", "cosine_accuracy@10",
                "cosine_precision@1", "cosine_precision@3", "cosine_precision@5", "cosine_precision@10",
                "cosine_recall@1", "cosine_recall@3", "cosine_recall@5", "cosine_recall@10", "cosine_ndcg@10",
                "cosine_mrr@10", "cosine_map@100"), List.copyOf(r.keySet()));
        assertEquals("cosine_ndcg@10", ev.primaryMetric());
        // precision@10 divides by 10 although the corpus has 5 documents (as upstream)
        assertEquals(0.1, r.get("cosine_precision@10"), EPS);
        assertEquals(1 / 3.0, r.get("cosine_mrr@10"), EPS);
        assertEquals(1 / 3.0, r.get("cosine_map@100"), EPS);
        assertEquals(0.5, r.get("cosine_ndcg@10"), EPS); // 1/log2(4)
    }

    @Test
    void equalScoresRankInCorpusOrder() {
        StandInEmbedders.Fixed m = new StandInEmbedders.Fixed().angle("query", 0).angle("x", 30).angle("y", 30)
                .angle("far", 90);
        Map<String, String> corpus = new LinkedHashMap<>();
        corpus.put("first", "x");
        corpus.put("second", "y"); // same vector as "first"
        corpus.put("third", "far");
        Map<String, Double> r = InformationRetrievalEvaluator.builder(queries("q", "query"), corpus,
                Map.of("q", Set.of("second"))).mrrAtK(List.of(10)).build().evaluate(m);
        assertEquals(0.5, r.get("cosine_mrr@10"), EPS);
    }

    @Test
    void chunkedScoringEqualsOneChunkAndTextsAreEmbeddedOnce() {
        Map<String, Set<String>> rel = Map.of("q1", Set.of("d2", "d4"), "q2", Set.of("d5"), "q3", Set.of("d1"));
        Map<String, String> q = queries("q1", "query one", "q2", "query two", "q3", "query three");
        StandInEmbedders.Fixed model = model();
        Map<String, Double> whole = small(q, rel).build().evaluate(model);
        assertEquals(8, model.textsEmbedded());
        Map<String, Double> chunked = small(q, rel).corpusChunkSize(2).build().evaluate(model());
        assertEquals(whole.keySet(), chunked.keySet());
        whole.forEach((k, v) -> assertEquals(v, chunked.get(k), 1e-12, k));

        // a text that is both a query and a document is embedded once
        StandInEmbedders.Fixed m2 = model();
        Map<String, String> corpus = corpus();
        corpus.put("d6", "query one");
        InformationRetrievalEvaluator.builder(queries("q1", "query one"), corpus, Map.of("q1", Set.of("d6"))).build()
                .evaluate(m2);
        assertEquals(6, m2.textsEmbedded());
    }

    @Test
    void promptsArePrepended() {
        StandInEmbedders.Fixed m = new StandInEmbedders.Fixed().angle("query: q", 0).angle("passage: a", 0)
                .angle("passage: b", 90);
        Map<String, Double> r = InformationRetrievalEvaluator.builder(queries("q", "q"),
                Map.of("a", "a", "b", "b"), Map.of("q", Set.of("a"))).queryPrompt("query: ")
                .corpusPrompt("passage: ").build().evaluate(m);
        assertEquals(1.0, r.get("cosine_accuracy@1"), EPS);
    }

    @Test
    void inputErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small(queries("q1", "query one", "q2", "query two"), Map.of("q1", Set.of("d1"))).build());
        assertTrue(e.getMessage().contains("1 queries have no relevant documents, e.g. [q2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> small(queries("q1", "query one"), Map.of("q1", Set.of())).build());
        assertTrue(e.getMessage().contains("no relevant documents"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> small(queries("q1", "query one"), Map.of("q1", Set.of("D1"))).build());
        assertTrue(e.getMessage().contains("none of which is in the corpus, e.g. [q1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> InformationRetrievalEvaluator.builder(Map.of(),
                corpus(), Map.of()).build());
        assertTrue(e.getMessage().contains("queries is empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> InformationRetrievalEvaluator.builder(
                queries("q1", "query one"), Map.of(), Map.of("q1", Set.of("d1"))).build());
        assertTrue(e.getMessage().contains("corpus is empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> small(queries("q1", "query one"), Map.of("q1", Set.of("d1"))).ndcgAtK(List.of(0)).build());
        assertTrue(e.getMessage().contains("ndcgAtK cut-offs must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> small(queries("q1", "query one"), Map.of("q1", Set.of("d1"))).mapAtK(List.of()).build());
        assertTrue(e.getMessage().contains("mapAtK must list at least one"), e.getMessage());
    }
}
