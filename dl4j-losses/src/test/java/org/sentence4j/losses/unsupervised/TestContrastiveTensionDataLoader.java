package org.sentence4j.losses.unsupervised;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sentence4j.losses.unsupervised.ContrastiveTensionDataLoader.Pair;

/** The documented properties of {@link ContrastiveTensionDataLoader} (loss reference, section 4.5). */
class TestContrastiveTensionDataLoader {

    static List<String> sentences(int n) {
        return IntStream.range(0, n).mapToObj(i -> "sentence " + i).collect(Collectors.toList());
    }

    /** The sentences an epoch consumed, in order: one per positive pair, two per negative pair. */
    static List<String> consumed(List<List<Pair>> epoch) {
        List<String> out = new ArrayList<>();
        for (List<Pair> batch : epoch) {
            for (Pair p : batch) {
                out.add(p.sentence1());
                if (p.label() == 0) {
                    out.add(p.sentence2());
                }
            }
        }
        return out;
    }

    @Test
    void batchSizeMustBeDivisibleByTheRatio() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContrastiveTensionDataLoader(sentences(10), 12, 8));
        assertTrue(e.getMessage().contains("divisible"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveTensionDataLoader(sentences(10), 0));
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveTensionDataLoader(sentences(10), 8, 0));
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveTensionDataLoader(sentences(10), 12));
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveTensionDataLoader(List.of("a", "b").stream()
                .map(s -> s.equals("b") ? null : s).collect(Collectors.toList()), 8));
        assertThrows(NullPointerException.class, () -> new ContrastiveTensionDataLoader(null, 8));
    }

    @Test
    void defaults() {
        ContrastiveTensionDataLoader loader = new ContrastiveTensionDataLoader(sentences(100), 16);
        assertEquals(8, loader.posNegRatio());
        assertEquals(16, loader.batchSize());
        assertEquals(100, loader.sentenceCount());
    }

    @Test
    void everyBatchIsOnePositiveThenNegativesRepeated() {
        ContrastiveTensionDataLoader loader = new ContrastiveTensionDataLoader(sentences(200), 8, 4, 3L);
        List<List<Pair>> epoch = loader.epoch();
        assertFalse(epoch.isEmpty());
        for (List<Pair> batch : epoch) {
            assertEquals(8, batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Pair p = batch.get(i);
                if (i % 4 == 0) {
                    assertEquals(1, p.label());
                    assertEquals(p.sentence1(), p.sentence2());
                } else {
                    assertEquals(0, p.label());
                    assertNotEquals(p.sentence1(), p.sentence2());
                }
            }
        }
    }

    @Test
    void anEpochWalksOnceThroughAShuffleOfTheSentences() {
        List<String> all = sentences(97);
        ContrastiveTensionDataLoader loader = new ContrastiveTensionDataLoader(all, 8, 4, 11L);
        List<String> used = consumed(loader.epoch());
        // no sentence twice in an epoch (except a positive pair's own copy), all from the list
        assertEquals(used.size(), new HashSet<>(used).size());
        assertTrue(all.containsAll(used));
        // a shuffle, not the original order
        assertNotEquals(all.subList(0, used.size()), used);
    }

    @ParameterizedTest(name = "N={0}, batch={1}, ratio={2}")
    @CsvSource({
            // per batch: batch/ratio positives (1 sentence) + the rest negatives (2 sentences)
            "100, 8, 8, 6, 6",     // 15 per batch: 6 full batches (90), the 7th is dropped
            "40, 4, 4, 5, 5",      // 7 per batch
            "100, 16, 8, 3, 3",    // 30 per batch
            "100, 8, 2, 8, 6",     // 12 per batch: more batches than the reported length
            "9, 4, 1, 2, 1",       // only positives; the walk stops with one sentence left, so 8 usable
            "8, 4, 1, 1, 1",       // 7 usable: the second batch stays incomplete and is dropped
            "14, 8, 8, 0, 0",      // one incomplete batch only
            "0, 8, 8, 0, 0",
            "1, 8, 8, 0, 0"
    })
    void numberOfBatchesAndReportedLength(int n, int batch, int ratio, int batches, int reported) {
        ContrastiveTensionDataLoader loader = new ContrastiveTensionDataLoader(sentences(n), batch, ratio, 5L);
        assertEquals(reported, loader.size());
        assertEquals(batches, loader.epoch().size());
        assertEquals(batches, loader.epoch().size(), "the same in every epoch");
    }

    @Test
    void theWalkStopsWhenFewerThanTwoSentencesRemain() {
        // ratio 1: every pair is positive and consumes one sentence, but the last sentence is never used
        ContrastiveTensionDataLoader loader = new ContrastiveTensionDataLoader(sentences(5), 4, 1, 1L);
        List<List<Pair>> epoch = loader.epoch();
        assertEquals(1, epoch.size());
        assertTrue(epoch.get(0).stream().allMatch(p -> p.label() == 1));
    }

    @Test
    void seededShuffleIsReproducibleAndChangesEveryEpoch() {
        List<String> all = sentences(64);
        List<String> copy = new ArrayList<>(all);
        ContrastiveTensionDataLoader a = new ContrastiveTensionDataLoader(all, 8, 8, 123L);
        ContrastiveTensionDataLoader b = new ContrastiveTensionDataLoader(all, 8, 8, 123L);
        List<List<Pair>> a1 = a.epoch();
        List<List<Pair>> a2 = a.epoch();
        assertEquals(a1, b.epoch());
        assertEquals(a2, b.epoch());
        assertNotEquals(a1, a2, "every epoch reshuffles");
        assertNotEquals(a1, new ContrastiveTensionDataLoader(all, 8, 8, 124L).epoch());
        assertEquals(copy, all, "the caller's list is not reordered");
    }

    @Test
    void iteratorProtocol() {
        ContrastiveTensionDataLoader loader = new ContrastiveTensionDataLoader(sentences(30), 8);
        Iterator<List<Pair>> it = loader.iterator();
        int count = 0;
        while (it.hasNext()) {
            List<Pair> batch = it.next();
            assertThrows(UnsupportedOperationException.class, () -> batch.add(new Pair("x", "x", 1)));
            count++;
        }
        assertEquals(2, count); // 15 sentences per batch
        assertThrows(NoSuchElementException.class, it::next);
        int viaForEach = 0;
        for (List<Pair> ignored : loader) {
            viaForEach++;
        }
        assertEquals(2, viaForEach);
        Set<Integer> labels = new HashSet<>();
        loader.epoch().forEach(bt -> bt.forEach(p -> labels.add(p.label())));
        assertEquals(Set.of(0, 1), labels);
    }
}
