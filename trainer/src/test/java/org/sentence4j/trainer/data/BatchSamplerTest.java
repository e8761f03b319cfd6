package org.sentence4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {

    private static Dataset sts;
    /** SNLI dev: class labels (entailment / neutral / contradiction), the dataset for GROUP_BY_LABEL. */
    private static Dataset snli;

    @BeforeAll
    static void load() {
        sts = TestDatasets.stsTrain();
        snli = TestDatasets.snli();
    }

    /** The texts a batch's rows share with other rows of the batch (each row's texts counted once). */
    private static List<String> duplicates(Dataset d, int[] batch) {
        Map<String, Integer> count = new HashMap<>();
        for (int r : batch) {
            for (String t : new HashSet<>(d.row(r))) {
                count.merge(t, 1, Integer::sum);
            }
        }
        return count.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    private static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    private static void assertEachRowOnce(int n, List<int[]> batches) {
        int[] all = flatten(batches);
        Arrays.sort(all);
        int[] expected = new int[n];
        Arrays.setAll(expected, i -> i);
        assertArrayEquals(expected, all);
    }

    private static void assertSameBatches(List<int[]> a, List<int[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "batch " + i);
        }
    }

    private static boolean sameBatches(List<int[]> a, List<int[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    // ---- DEFAULT ----

    @Test
    void defaultShufflesEveryRowOnce() {
        BatchSampler s = BatchSamplers.DEFAULT.create(sts, 32, false, 7);
        List<int[]> b = s.batches(0);
        assertEquals((5749 + 31) / 32, b.size());
        assertEquals(s.numBatches(0), b.size());
        assertEquals(5749 % 32, b.get(b.size() - 1).length);
        assertEachRowOnce(5749, b);
        assertFalse(Arrays.equals(b.get(0), new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}));
        List<int[]> dropped = new DefaultBatchSampler(sts, 32, true, 7).batches(0);
        assertEquals(5749 / 32, dropped.size());
        assertTrue(dropped.stream().allMatch(x -> x.length == 32));
    }

    // ---- NO_DUPLICATES ----

    @Test
    void noDuplicatesPropertyOverSeedsOnStsb() {
        int batchesWithDuplicatesUnderDefault = 0;
        for (long seed = 0; seed < 12; seed++) {
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int bs : new int[]{16, 128}) {
                    List<int[]> batches = new NoDuplicatesBatchSampler(sts, bs, false, seed).batches(epoch);
                    for (int[] b : batches) {
                        assertEquals(List.of(), duplicates(sts, b), "seed " + seed + " epoch " + epoch + " bs " + bs);
                        assertTrue(b.length <= bs && b.length > 0);
                    }
                    assertEachRowOnce(sts.size(), batches);
                    List<int[]> dropped = new NoDuplicatesBatchSampler(sts, bs, true, seed).batches(epoch);
                    assertTrue(dropped.stream().allMatch(b -> b.length == bs && duplicates(sts, b).isEmpty()));
                    assertEquals(flatten(dropped).length, Arrays.stream(flatten(dropped)).distinct().count());
                    for (int[] b : new DefaultBatchSampler(sts, bs, false, seed).batches(epoch)) {
                        batchesWithDuplicatesUnderDefault += duplicates(sts, b).isEmpty() ? 0 : 1;
                    }
                }
            }
        }
        // The property is not vacuous: STSb repeats sentences, and plain shuffling puts them together.
        assertTrue(batchesWithDuplicatesUnderDefault > 0);
    }

    @Test
    void noDuplicatesDefersRowsToLaterBatches() {
        // Every anchor is "q": at most one row per batch can hold it, the rest are deferred in order.
        Dataset d = Dataset.builder("dup").column("anchor", List.of("q", "q", "q", "a", "b", "c"))
                .column("positive", List.of("p1", "p2", "p3", "p4", "p5", "p6")).build();
        for (long seed = 0; seed < 20; seed++) {
            List<int[]> batches = new NoDuplicatesBatchSampler(d, 3, false, seed).batches(0);
            assertEachRowOnce(6, batches);
            for (int[] b : batches) {
                assertTrue(duplicates(d, b).isEmpty());
            }
        }
        // A row repeating a text in its own columns is not a duplicate.
        Dataset self = Dataset.builder("self").column("a", List.of("x", "y")).column("b", List.of("x", "z")).build();
        assertEquals(1, new NoDuplicatesBatchSampler(self, 2, false, 0).batches(0).size());
    }

    // ---- GROUP_BY_LABEL ----

    private static void assertGroupByLabelBatches(Dataset d, List<int[]> batches, int bs, String ctx) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < batches.size(); i++) {
            int[] b = batches.get(i);
            assertTrue(b.length == bs || (i == batches.size() - 1 && b.length >= 4 && b.length % 2 == 0),
                    ctx + " batch " + i + " has " + b.length + " rows");
            Map<Integer, Integer> perLabel = new HashMap<>();
            for (int r : b) {
                assertTrue(seen.add(r), ctx + " row " + r + " twice in the epoch");
                perLabel.merge(d.classLabel(r), 1, Integer::sum);
            }
            assertTrue(perLabel.size() >= 2, ctx + " batch " + i + " labels " + perLabel);
            assertTrue(perLabel.values().stream().allMatch(c -> c >= 2), ctx + " batch " + i + " labels " + perLabel);
        }
    }

    @Test
    void groupByLabelProperty() {
        for (long seed = 0; seed < 10; seed++) {
            for (int bs : new int[]{4, 6, 32}) {
                GroupByLabelBatchSampler s = new GroupByLabelBatchSampler(snli, bs, false, seed);
                List<int[]> batches = s.batches((int) seed % 3);
                assertGroupByLabelBatches(snli, batches, bs, "SNLI seed " + seed + " bs " + bs);
                // The pair stream stops when one label is left: 2 * sum over labels of min(pairs, 2nd largest pairs);
                // SNLI dev has 3329 / 3235 / 3278 rows (1664 / 1617 / 1639 pairs) of entailment / neutral /
                // contradiction, so 25 pairs of entailment are left out of every epoch.
                int stream = 2 * (1639 + 1617 + 1639);
                int expectedRows = stream / bs * bs + (stream % bs >= 4 ? stream % bs : 0);
                assertEquals(expectedRows, flatten(batches).length, "bs " + bs);
            }
        }
        // Skewed labels and a label with a single row (dropped), batch size 4: the round-boundary case.
        int[] labels = new int[41];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 20 ? 0 : i < 30 ? 1 : i < 36 ? 2 : i < 40 ? 3 : 4;
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            texts.add("t" + i);
        }
        Dataset skew = Dataset.builder("skew").column("text", texts).labels("label", labels).build();
        for (long seed = 0; seed < 200; seed++) {
            GroupByLabelBatchSampler s = new GroupByLabelBatchSampler(skew, 4, seed % 2 == 0, seed);
            assertEquals(4, s.usableLabels());
            List<int[]> batches = s.batches(0);
            assertGroupByLabelBatches(skew, batches, 4, "skew seed " + seed);
            assertTrue(Arrays.stream(flatten(batches)).noneMatch(r -> r == 40), "the single-row label is dropped");
        }
    }

    @Test
    void groupByLabelChecks() {
        assertThrows(IllegalArgumentException.class, () -> new GroupByLabelBatchSampler(snli, 5, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new GroupByLabelBatchSampler(snli, 2, false, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchSamplers.GROUP_BY_LABEL.create(sts, 8, false, 0));
        assertTrue(e.getMessage().contains("score labels"), e.getMessage());
        Dataset one = Dataset.builder("one").column("t", List.of("a", "b", "c"))
                .labels("label", new int[]{0, 0, 1}).build();
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> new GroupByLabelBatchSampler(one, 4, false, 0));
        assertTrue(e2.getMessage().contains("has 1 (of 2 labels)"), e2.getMessage());
    }

    // ---- determinism ----

    @Test
    void deterministicPerSeedAndEpochDifferentAcross() {
        for (BatchSamplers kind : BatchSamplers.values()) {
            Dataset d = kind == BatchSamplers.GROUP_BY_LABEL ? snli : sts;
            BatchSampler a = kind.create(d, 32, false, 42);
            BatchSampler b = kind.create(d, 32, false, 42);
            for (int epoch = 0; epoch < 3; epoch++) {
                assertSameBatches(a.batches(epoch), b.batches(epoch));
                assertSameBatches(a.batches(epoch), a.batches(epoch));
            }
            assertFalse(sameBatches(a.batches(0), a.batches(1)), kind + ": epochs differ");
            assertFalse(sameBatches(a.batches(0), kind.create(d, 32, false, 43).batches(0)), kind + ": seeds differ");
            // (seed 1, epoch 0) is not (seed 0, epoch 1)
            assertFalse(sameBatches(kind.create(d, 32, false, 1).batches(0), kind.create(d, 32, false, 0).batches(1)));
        }
        assertEquals(BatchSamplers.DEFAULT, BatchSamplers.fromName("batch_sampler"));
        assertEquals(BatchSamplers.NO_DUPLICATES, BatchSamplers.fromName("no_duplicates"));
        assertEquals(BatchSamplers.GROUP_BY_LABEL, BatchSamplers.fromName("GROUP_BY_LABEL"));
    }

    // ---- several datasets ----

    @Test
    void proportionalUsesEveryBatchOnceInShuffledOrder() {
        MultiDatasetBatchSampler m = MultiDatasetBatchSampler.builder(MultiDatasetBatchSamplers.PROPORTIONAL, 3)
                .add("sts", BatchSamplers.NO_DUPLICATES.create(sts, 64, false, 3))
                .add(snli.withName("snli"), BatchSamplers.DEFAULT, 32, false)
                .build();
        assertEquals(List.of("sts", "snli"), m.datasetNames());
        List<NamedBatch> e0 = m.batches(0);
        List<int[]> sts0 = m.sampler("sts").batches(0);
        List<int[]> snli0 = m.sampler("snli").batches(0);
        assertEquals(sts0.size() + snli0.size(), e0.size());
        // each dataset's batches appear in its own order
        assertSameBatches(sts0, e0.stream().filter(b -> b.dataset().equals("sts")).map(NamedBatch::rows).toList());
        assertSameBatches(snli0, e0.stream().filter(b -> b.dataset().equals("snli")).map(NamedBatch::rows).toList());
        // interleaved, not one after the other, and the interleaving changes with the epoch but not on recompute
        List<String> order0 = e0.stream().map(NamedBatch::dataset).toList();
        assertFalse(order0.subList(0, sts0.size()).stream().allMatch("sts"::equals));
        assertEquals(order0, m.batches(0).stream().map(NamedBatch::dataset).toList());
        assertFalse(order0.equals(m.batches(1).stream().map(NamedBatch::dataset).toList()));
        assertEquals(e0, m.batches(0));
        assertEquals("snli", m.dataset("snli").name());
    }

    @Test
    void roundRobinAlternatesUntilOneDatasetIsExhausted() {
        Dataset big = sts;
        Dataset small = snli.head(100).selectColumns("premise", "hypothesis");
        MultiDatasetBatchSampler m = MultiDatasetBatchSampler.builder(MultiDatasetBatchSamplers.ROUND_ROBIN, 5)
                .add("big", BatchSamplers.DEFAULT.create(big, 16, false, 5))
                .add("small", BatchSamplers.DEFAULT.create(small, 16, false, 5))
                .build();
        List<NamedBatch> b = m.batches(0);
        int smallBatches = (100 + 15) / 16; // 7
        // big, small, big, small, ..., then big once more and small is exhausted
        assertEquals(2 * smallBatches + 1, b.size());
        for (int i = 0; i < b.size(); i++) {
            assertEquals(i % 2 == 0 ? "big" : "small", b.get(i).dataset());
        }
        assertSameBatches(m.sampler("small").batches(0),
                b.stream().filter(x -> x.dataset().equals("small")).map(NamedBatch::rows).toList());
        assertEquals(b, m.batches(0));
        assertFalse(b.equals(m.batches(1)));
        assertEquals(MultiDatasetBatchSamplers.ROUND_ROBIN, MultiDatasetBatchSamplers.fromName("round_robin"));
    }

    // ---- resume mid-epoch ----

    @Test
    void cursorResumesMidEpochExactly() {
        MultiDatasetBatchSampler m = MultiDatasetBatchSampler.builder(MultiDatasetBatchSamplers.PROPORTIONAL, 11)
                .add(sts, BatchSamplers.NO_DUPLICATES, 64, true)
                .add(snli, BatchSamplers.GROUP_BY_LABEL, 16, false)
                .build();
        // an uninterrupted run of 2 epochs
        List<NamedBatch> full = new ArrayList<>();
        SamplerCursor<NamedBatch> c = SamplerCursor.start(m);
        for (; c.epoch() < 2; c.nextEpoch()) {
            while (c.hasNext()) {
                full.add(c.next());
            }
        }
        // interrupted in epoch 1 after 37 batches, resumed from the stored state by a new sampler
        SamplerCursor<NamedBatch> d = SamplerCursor.start(m);
        List<NamedBatch> resumed = new ArrayList<>();
        while (d.hasNext()) {
            resumed.add(d.next());
        }
        d.nextEpoch();
        for (int i = 0; i < 37; i++) {
            resumed.add(d.next());
        }
        SamplerState state = d.state();
        assertEquals(new SamplerState(11, 1, 37), state);
        MultiDatasetBatchSampler rebuilt = MultiDatasetBatchSampler.builder(MultiDatasetBatchSamplers.PROPORTIONAL, 11)
                .add(sts, BatchSamplers.NO_DUPLICATES, 64, true)
                .add(snli, BatchSamplers.GROUP_BY_LABEL, 16, false)
                .build();
        SamplerCursor<NamedBatch> r = SamplerCursor.resume(rebuilt, state);
        while (r.hasNext()) {
            resumed.add(r.next());
        }
        assertEquals(full, resumed);

        BatchSampler single = BatchSamplers.DEFAULT.create(sts, 100, false, 9);
        SamplerCursor<int[]> s = SamplerCursor.resume(single, new SamplerState(9, 4, 10));
        assertArrayEquals(single.batches(4).get(10), s.next());
        assertEquals(new SamplerState(9, 4, 11), s.state());
        assertThrows(IllegalArgumentException.class, () -> SamplerCursor.resume(single, new SamplerState(8, 0, 0)));
        assertThrows(IllegalArgumentException.class, () -> SamplerCursor.resume(single, new SamplerState(9, 0, 1000)));
    }
}
