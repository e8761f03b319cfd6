package org.sentence4j.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.trainer.TestData;

/** STS benchmark dev pairs through the trigram stand-in: a realistic size, with repeated sentences. */
class StsBenchmarkEvaluationTest {

    @Test
    void stsDevWithTrigramEmbedder() throws IOException {
        Path csv = TestData.datasets("stsbenchmark").resolve("sts-dev.csv");

        List<String> s1 = new ArrayList<>();
        List<String> s2 = new ArrayList<>();
        List<Double> gold = new ArrayList<>();
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            gold.add(Double.parseDouble(f[4]) / 5.0);
            s1.add(f[5]);
            s2.add(f[6]);
        }
        assertEquals(1500, s1.size());

        Set<String> distinct = new HashSet<>(s1);
        distinct.addAll(s2);
        AtomicInteger embedded = new AtomicInteger();
        SentenceEmbedder trigrams = new StandInEmbedders.Trigrams(512);
        SentenceEmbedder counting = texts -> {
            embedded.addAndGet(texts.size());
            return trigrams.embed(texts);
        };
        EmbeddingSimilarityEvaluator ev = EmbeddingSimilarityEvaluator.builder(s1, s2, gold).name("sts-dev").build();
        Map<String, Double> r = ev.evaluate(counting);

        assertEquals(distinct.size(), embedded.get());
        double spearman = r.get("sts-dev_spearman_cosine");
        double pearson = r.get("sts-dev_pearson_cosine");
        // reference: the same trigram embedding in numpy, scipy.stats.pearsonr / spearmanr (float32 embeddings)
        assertEquals(0.6844029320329658, pearson, 1e-5);
        assertEquals(0.6843846885773388, spearman, 1e-5);
        System.out.printf("sts-dev trigram stand-in: pearson %.4f spearman %.4f (%d distinct texts)%n", pearson,
                spearman, distinct.size());
    }
}
