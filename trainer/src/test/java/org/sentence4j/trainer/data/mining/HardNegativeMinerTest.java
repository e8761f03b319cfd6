package org.sentence4j.trainer.data.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.trainer.TestData;
import org.sentence4j.trainer.data.Dataset;

/**
 * Hard negative mining as sentence-transformers' {@code mine_hard_negatives} does it. Most tests use {@link Vectors},
 * a text -> vector lookup whose scores are exact multiples of 1/32 (unit vectors of +-1/8 components), so every
 * option's boundary can be hit exactly; the last one mines SNLI pairs with the real default model and checks the
 * result against brute-force cosine scores computed here.
 */
class HardNegativeMinerTest {

    /**
     * Texts mapped to unit vectors that score exactly: each text lives in a block of 64 dimensions; an anchor is all
     * +1/8 in its block, a text of score s against its block's anchor has 32 + 32s components +1/8 and the rest
     * -1/8. Texts of different blocks score 0. Counts the model calls and the largest batch.
     */
    static final class Vectors implements SentenceEmbedder {
        static final int BLOCK = 64;
        private final int blocks;
        private final Map<String, float[]> vectors = new HashMap<>();
        int calls;
        int largestBatch;

        Vectors(int blocks) {
            this.blocks = blocks;
        }

        Vectors anchor(String text, int block) {
            return text(text, block, 1.0);
        }

        /** A text scoring exactly {@code score} (a multiple of 1/32) against the anchor of {@code block}. */
        Vectors text(String text, int block, double score) {
            double agree = 32 + 32 * score;
            if (agree != Math.rint(agree) || agree < 0 || agree > BLOCK) {
                throw new IllegalArgumentException("score " + score + " is not a multiple of 1/32 in [-1, 1]");
            }
            float[] v = new float[blocks * BLOCK];
            for (int i = 0; i < BLOCK; i++) {
                v[block * BLOCK + i] = i < agree ? 0.125f : -0.125f;
            }
            if (vectors.put(text, v) != null) {
                throw new IllegalArgumentException("text '" + text + "' defined twice");
            }
            return this;
        }

        @Override
        public INDArray embed(List<String> texts) {
            calls++;
            largestBatch = Math.max(largestBatch, texts.size());
            float[][] m = new float[texts.size()][];
            for (int i = 0; i < m.length; i++) {
                m[i] = vectors.get(texts.get(i));
                if (m[i] == null) {
                    throw new IllegalArgumentException("no vector for '" + texts.get(i) + "'");
                }
            }
            return Nd4j.create(m).castTo(DataType.FLOAT);
        }
    }

    // ---- fixtures ----

    /** Anchor q with positive p (0.875) and candidates n1..n8 from 0.75 down to -0.125 in steps of 1/8. */
    static Vectors oneAnchor() {
        Vectors v = new Vectors(1).anchor("q", 0).text("p", 0, 0.875);
        for (int i = 1; i <= 8; i++) {
            v.text("n" + i, 0, 0.875 - 0.125 * i);
        }
        return v;
    }

    static final List<String> N1_TO_N8 = List.of("n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8");

    static Dataset pairs(String... anchorPositive) {
        List<String> a = new ArrayList<>();
        List<String> p = new ArrayList<>();
        for (int i = 0; i < anchorPositive.length; i += 2) {
            a.add(anchorPositive[i]);
            p.add(anchorPositive[i + 1]);
        }
        return Dataset.builder("pairs").column("anchor", a).column("positive", p).build();
    }

    static HardNegativeMiner.Builder miner(SentenceEmbedder model) {
        return HardNegativeMiner.builder(model).verbose(false);
    }

    static List<String> negatives(Dataset triplets) {
        return triplets.column("negative");
    }

    // ---- defaults, window, bounds ----

    @Test
    void topTakesTheBestCandidatesAndNeverThePositive() {
        MiningResult r = miner(oneAnchor()).corpus(N1_TO_N8).build().mine(pairs("q", "p"));
        Dataset d = r.dataset();
        assertEquals(OutputFormat.TRIPLET, r.outputFormat());
        assertEquals(List.of("anchor", "positive", "negative"), d.columns());
        assertFalse(d.hasLabels());
        assertEquals(List.of("q", "q", "q"), d.column("anchor"));
        assertEquals(List.of("p", "p", "p"), d.column("positive"));
        assertEquals(List.of("n1", "n2", "n3"), negatives(d));

        MiningStatistics s = r.statistics();
        assertEquals(4, s.rangeMax(), "range_min 0 + num_negatives 3 + 1 positive");
        assertEquals(5, s.candidatesPerAnchor());
        assertEquals(9, s.corpusSize(), "the corpus and the positive");
        assertEquals(1, s.positiveScores().count());
        assertEquals(0.875, s.positiveScores().mean(), 0);
        assertEquals(3, s.negativeScores().count());
        assertEquals(0.625, s.negativeScores().mean(), 1e-12);
        assertEquals(0.625, s.negativeScores().median(), 0);
        assertEquals(0.125, s.negativeScores().std(), 1e-12);
        assertEquals(0.5, s.negativeScores().min(), 0);
        assertEquals(0.5625, s.negativeScores().q25(), 1e-12);
        assertEquals(0.75, s.negativeScores().max(), 0);
        assertEquals(0.25, s.differenceScores().mean(), 1e-12);
        assertEquals(Map.of(3, 1), s.negativesPerPair());
        assertEquals(3, s.maximumPossibleSamples());
        assertEquals(0, s.missingSamples());
    }

    @Test
    void rangeMinAndRangeMaxCountRanksOfValidCandidates() {
        // the positive (0.875) takes no rank: ranks 0..1 are n1, n2 (skipped), the window [2, 5) is n3..n5
        Dataset d = miner(oneAnchor()).corpus(N1_TO_N8).rangeMin(2).rangeMax(5).build().mine(pairs("q", "p")).dataset();
        assertEquals(List.of("n3", "n4", "n5"), negatives(d));

        // random sampling stays inside the window [2, 6): n3..n6, whatever the seed
        Set<String> seen = new LinkedHashSet<>();
        for (long seed = 0; seed < 30; seed++) {
            List<String> n = negatives(miner(oneAnchor()).corpus(N1_TO_N8).rangeMin(2).rangeMax(6)
                    .samplingStrategy(SamplingStrategy.RANDOM).seed(seed).build().mine(pairs("q", "p")).dataset());
            assertEquals(3, n.size());
            assertEquals(3, new LinkedHashSet<>(n).size(), "drawn without replacement: " + n);
            seen.addAll(n);
        }
        assertEquals(Set.of("n3", "n4", "n5", "n6"), seen);
    }

    @Test
    void maxScoreAndMinScoreKeepTheirBounds() {
        // max_score 0.625: n1 (0.75) out, n2 (= 0.625) in; min_score 0.5: n3 (= 0.5) in, n4..n8 out
        MiningResult r = miner(oneAnchor()).corpus(N1_TO_N8).rangeMax(10).maxScore(0.625).minScore(0.5).build()
                .mine(pairs("q", "p"));
        assertEquals(List.of("n2", "n3"), negatives(r.dataset()));
        assertEquals(1, r.statistics().skippedBy("max_score"));
        assertEquals(5, r.statistics().skippedBy("min_score"));
        assertEquals(Map.of(2, 1), r.statistics().negativesPerPair());
        assertEquals(1, r.statistics().missingSamples(), "3 possible triplets, 2 written");
        assertTrue(r.statistics().report().contains("due to the max_score of 0.625"), r.statistics().report());
    }

    @Test
    void absoluteMarginKeepsACandidateExactlyAtTheMargin() {
        // positive 0.875, margin 0.125: out if score + 0.125 > 0.875; 0.78125 is out, n1 = 0.75 stays
        Vectors v = oneAnchor().text("close", 0, 0.78125);
        List<String> corpus = new ArrayList<>(N1_TO_N8);
        corpus.add("close");
        MiningResult r = miner(v).corpus(corpus).absoluteMargin(0.125).build().mine(pairs("q", "p"));
        assertEquals(List.of("n1", "n2", "n3"), negatives(r.dataset()));
        assertEquals(1, r.statistics().skippedBy("absolute_margin"));
        assertEquals(31, r.statistics().rangeMax(), "10 * num_negatives + 1 positive with a margin set");

        // margin 0: a candidate scoring as the positive stays, one above it goes
        Vectors v0 = oneAnchor().text("equal", 0, 0.875).text("above", 0, 0.90625);
        Dataset d = miner(v0).corpus(List.of("above", "equal", "n1", "n2")).absoluteMargin(0).build()
                .mine(pairs("q", "p")).dataset();
        assertEquals(List.of("equal", "n1", "n2"), negatives(d));
    }

    @Test
    void relativeMarginIsAFractionOfThePositiveScoreMagnitude() {
        // positive 0.875, relative margin 0.25: threshold 0.875 - 0.875 * 0.25 = 0.65625, which itself stays
        Vectors v = new Vectors(1).anchor("q", 0).text("p", 0, 0.875).text("a", 0, 0.6875).text("b", 0, 0.65625)
                .text("c", 0, 0.625).text("d", 0, 0.5);
        MiningResult r = miner(v).corpus(List.of("a", "b", "c", "d")).relativeMargin(0.25).build().mine(pairs("q", "p"));
        assertEquals(List.of("b", "c", "d"), negatives(r.dataset()));
        assertEquals(1, r.statistics().skippedBy("relative_margin"));

        // a negative positive score: threshold -0.25 - 0.25 * 0.5 = -0.375 (sentence-transformers 6's sign-independent
        // rule; the older p * (1 - margin) = -0.125 would have kept -0.3125)
        Vectors neg = new Vectors(1).anchor("q", 0).text("p", 0, -0.25).text("a", 0, -0.3125).text("b", 0, -0.375)
                .text("c", 0, -0.40625);
        Dataset d = miner(neg).corpus(List.of("a", "b", "c")).relativeMargin(0.5).numNegatives(2).build()
                .mine(pairs("q", "p")).dataset();
        assertEquals(List.of("b", "c"), negatives(d));
    }

    // ---- positives ----

    @Test
    void everyPositiveOfARepeatedAnchorIsExcludedAndSharesTheNegatives() {
        // q has positives p1 (0.875) and p2 (0.5, below n1 and n2); (q, p1) twice counts once; the corpus repeats p1
        Vectors v = new Vectors(1).anchor("q", 0).text("p1", 0, 0.875).text("p2", 0, 0.5).text("n1", 0, 0.75)
                .text("n2", 0, 0.625).text("n3", 0, 0.375).text("n4", 0, 0.25);
        Dataset pairs = pairs("q", "p1", "q", "p2", "q", "p1");
        MiningResult r = miner(v).corpus(List.of("n1", "p1", "n2", "n3", "n4")).build().mine(pairs);
        Dataset d = r.dataset();
        assertEquals(List.of("p1", "p1", "p1", "p2", "p2", "p2"), d.column("positive"));
        assertEquals(List.of("n1", "n2", "n3", "n1", "n2", "n3"), negatives(d));
        MiningStatistics s = r.statistics();
        assertEquals(3, s.inputRows());
        assertEquals(1, s.anchors());
        assertEquals(2, s.pairs());
        assertEquals(6, s.corpusSize(), "p1 once");
        assertEquals(6, s.rangeMax(), "3 + the 3 rows of q");

        // margins use the anchor's hardest (lowest) positive, p2 = 0.5: n1 and n2 are within margin 0 of it
        Dataset m = miner(v).corpus(List.of("n1", "n2", "n3", "n4")).absoluteMargin(0).build().mine(pairs).dataset();
        assertEquals(List.of("n3", "n4", "n3", "n4"), negatives(m));
    }

    @Test
    void anAnchorTextIsNotExcludedAsInSentenceTransformers() {
        // b is a's positive and also an anchor; for anchor b, the corpus text b (its own text, score 1) is a candidate
        Vectors v = new Vectors(1).anchor("a", 0).text("b", 0, 0.75).text("c", 0, 0.5);
        Dataset d = miner(v).numNegatives(1).build().mine(pairs("a", "b", "b", "c")).dataset();
        assertEquals(List.of("a", "b"), d.column("anchor"));
        assertEquals(List.of("c", "b"), negatives(d), "a gets c; b gets itself");
    }

    @Test
    void includePositivesRanksThePositiveAndForcesNTuple() {
        MiningResult r = miner(oneAnchor()).corpus(N1_TO_N8).includePositives(true).build().mine(pairs("q", "p"));
        assertEquals(OutputFormat.N_TUPLE, r.outputFormat(), "triplet becomes n-tuple");
        Dataset d = r.dataset();
        assertEquals(List.of("anchor", "positive", "negative_1", "negative_2", "negative_3"), d.columns());
        assertEquals(List.of("q", "p", "p", "n1", "n2"), d.row(0));

        // as in sentence-transformers, n-tuple-scores is rewritten to n-tuple before its scores are read: none
        Dataset noScores = miner(oneAnchor()).corpus(N1_TO_N8).includePositives(true).outputFormat("n-tuple-scores")
                .build().mine(pairs("q", "p")).dataset();
        assertFalse(noScores.hasLabels());
        Dataset scores = miner(oneAnchor()).corpus(N1_TO_N8).includePositives(true).outputFormat("n-tuple")
                .outputScores(true).build().mine(pairs("q", "p")).dataset();
        assertArrayEquals(new double[]{0.875, 0.875, 0.75, 0.625}, scores.labelVector(0), 0);
    }

    // ---- sampling ----

    @Test
    void randomSamplingIsSeededAndSortedByScore() {
        Dataset pairs = pairs("q", "p");
        HardNegativeMiner.Builder b = miner(oneAnchor()).corpus(N1_TO_N8).rangeMax(8)
                .samplingStrategy(SamplingStrategy.RANDOM);
        List<String> seed42 = negatives(b.seed(42).build().mine(pairs).dataset());
        List<String> again = negatives(b.seed(42).build().mine(pairs).dataset());
        List<String> seed7 = negatives(b.seed(7).build().mine(pairs).dataset());
        assertEquals(seed42, again, "same seed, same negatives");
        assertNotEquals(seed42, seed7, "another seed, other negatives");
        // java.util.Random is specified by the JDK, so these are the same on every JVM
        assertEquals(List.of("n3", "n6", "n7"), seed42);
        assertEquals(List.of("n1", "n6", "n7"), seed7);
        for (List<String> n : List.of(seed42, seed7)) {
            List<String> sorted = new ArrayList<>(n);
            sorted.sort(Comparator.naturalOrder()); // n1 > n2 > .. in score
            assertEquals(sorted, n, "best score first");
        }
        assertEquals(List.of("n1", "n2", "n3"), negatives(b.samplingStrategy("top").build().mine(pairs).dataset()));
    }

    @Test
    void fewerCandidatesThanNumNegatives() {
        // the corpus has two candidates besides the positive, num_negatives is 3
        Vectors v = new Vectors(1).anchor("q", 0).text("p", 0, 0.875).text("n1", 0, 0.75).text("n2", 0, 0.625);
        HardNegativeMiner.Builder b = miner(v).corpus(List.of("n1", "n2"));
        Dataset pairs = pairs("q", "p");

        MiningResult triplet = b.build().mine(pairs);
        assertEquals(List.of("n1", "n2"), negatives(triplet.dataset()), "the negatives found");
        assertEquals(1, triplet.statistics().missingSamples());
        assertEquals(Map.of(2, 1), triplet.statistics().negativesPerPair());

        MiningResult random = b.samplingStrategy(SamplingStrategy.RANDOM).seed(3).build().mine(pairs);
        assertEquals(List.of("n1", "n2"), negatives(random.dataset()), "random takes every valid one");

        MiningResult tuple = b.samplingStrategy(SamplingStrategy.TOP).outputFormat(OutputFormat.N_TUPLE).build().mine(pairs);
        assertEquals(0, tuple.dataset().size(), "the row has no full set of negatives");
        assertEquals(List.of("anchor", "positive", "negative_1", "negative_2", "negative_3"), tuple.dataset().columns());
        assertEquals(1, tuple.statistics().droppedPairs());
        assertEquals(1, tuple.statistics().missingSamples());

        MiningResult pair = b.outputFormat(OutputFormat.LABELED_PAIR).build().mine(pairs);
        assertEquals(List.of("p", "n1", "n2"), pair.dataset().column("positive"));
        assertEquals(List.of(1.0, 0.0, 0.0), pair.dataset().labels());
        assertEquals(1, pair.statistics().missingSamples(), "1 anchor * 3 negatives + 1 positive possible, 3 written");

        MiningResult list = b.outputFormat(OutputFormat.LABELED_LIST).build().mine(pairs);
        assertEquals(List.of(new LabeledList("q", List.of("p", "n1", "n2"), List.of(1, 0, 0),
                List.of(0.875, 0.75, 0.625))), list.labeledLists());

        // an anchor whose only candidates are its positives gets nothing at all
        Vectors lone = new Vectors(1).anchor("q", 0).text("p", 0, 0.875);
        MiningResult none = miner(lone).build().mine(pairs);
        assertEquals(0, none.dataset().size());
        assertEquals(List.of("anchor", "positive", "negative"), none.dataset().columns());
        assertEquals(1, none.statistics().droppedPairs());
        assertEquals(0, none.statistics().negativeScores().count());
        assertTrue(Double.isNaN(none.statistics().negativeScores().mean()));
    }

    // ---- output formats ----

    /** q (block 0): p 0.875, n1 0.75, n2 0.625, n3 0.5, n4 0.375; r (block 1): rp 0.75, m1 0.5, m2 0.25, m3 0.125. */
    static Vectors twoAnchors() {
        return new Vectors(2).anchor("q", 0).text("p", 0, 0.875).text("n1", 0, 0.75).text("n2", 0, 0.625)
                .text("n3", 0, 0.5).text("n4", 0, 0.375)
                .anchor("r", 1).text("rp", 1, 0.75).text("m1", 1, 0.5).text("m2", 1, 0.25).text("m3", 1, 0.125);
    }

    static final List<String> TWO_CORPUS = List.of("n1", "n2", "n3", "n4", "m1", "m2", "m3");

    static Dataset twoPairs() {
        return Dataset.builder("qa").column("query", List.of("q", "r")).column("answer", List.of("p", "rp")).build();
    }

    static MiningResult mineTwo(Consumer<HardNegativeMiner.Builder> options) {
        HardNegativeMiner.Builder b = miner(twoAnchors()).corpus(TWO_CORPUS);
        options.accept(b);
        return b.build().mine(twoPairs());
    }

    @Test
    void tripletFormat() {
        Dataset d = mineTwo(b -> b.outputScores(true)).dataset();
        assertEquals(List.of("query", "answer", "negative"), d.columns());
        assertEquals(List.of("q", "q", "q", "r", "r", "r"), d.column("query"));
        assertEquals(List.of("p", "p", "p", "rp", "rp", "rp"), d.column("answer"));
        assertEquals(List.of("n1", "n2", "n3", "m1", "m2", "m3"), d.column("negative"));
        assertEquals("score", d.labelColumn().orElseThrow());
        assertEquals(LabelKind.VECTOR, d.labelKind());
        assertArrayEquals(new double[]{0.875, 0.75}, d.labelVector(0), 0);
        assertArrayEquals(new double[]{0.75, 0.125}, d.labelVector(5), 0);
        assertFalse(mineTwo(b -> { }).dataset().hasLabels(), "no scores unless asked");
    }

    @Test
    void nTupleFormats() {
        Dataset d = mineTwo(b -> b.outputFormat(OutputFormat.N_TUPLE)).dataset();
        assertEquals(List.of("query", "answer", "negative_1", "negative_2", "negative_3"), d.columns());
        assertEquals(List.of("q", "p", "n1", "n2", "n3"), d.row(0));
        assertEquals(List.of("r", "rp", "m1", "m2", "m3"), d.row(1));
        assertFalse(d.hasLabels());

        for (Consumer<HardNegativeMiner.Builder> scored : List.<Consumer<HardNegativeMiner.Builder>>of(
                b -> b.outputFormat(OutputFormat.N_TUPLE_SCORES), b -> b.outputFormat("n-tuple").outputScores(true))) {
            MiningResult r = mineTwo(scored);
            assertEquals(OutputFormat.N_TUPLE, r.outputFormat());
            Dataset s = r.dataset();
            assertEquals(d.columns(), s.columns());
            assertEquals("score", s.labelColumn().orElseThrow());
            assertArrayEquals(new double[]{0.875, 0.75, 0.625, 0.5}, s.labelVector(0), 0);
            assertArrayEquals(new double[]{0.75, 0.5, 0.25, 0.125}, s.labelVector(1), 0);
        }
    }

    @Test
    void labeledPairFormat() {
        Dataset d = mineTwo(b -> b.outputFormat("labeled-pair")).dataset();
        assertEquals(List.of("query", "answer"), d.columns());
        assertEquals("label", d.labelColumn().orElseThrow());
        assertEquals(LabelKind.BINARY, d.labelKind());
        assertEquals(List.of("q", "q", "q", "q", "r", "r", "r", "r"), d.column("query"));
        assertEquals(List.of("p", "n1", "n2", "n3", "rp", "m1", "m2", "m3"), d.column("answer"));
        assertEquals(List.of(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0), d.labels());

        Dataset s = mineTwo(b -> b.outputFormat(OutputFormat.LABELED_PAIR).outputScores(true)).dataset();
        assertEquals("score", s.labelColumn().orElseThrow());
        assertEquals(List.of(0.875, 0.75, 0.625, 0.5, 0.75, 0.5, 0.25, 0.125), s.labels());

        // an anchor with two positives: both labelled 1, each negative once
        Vectors v = twoAnchors().text("p2", 0, 0.25);
        Dataset two = miner(v).corpus(TWO_CORPUS).outputFormat(OutputFormat.LABELED_PAIR).build()
                .mine(pairs("q", "p", "q", "p2")).dataset();
        assertEquals(List.of("p", "p2", "n1", "n2", "n3"), two.column("positive"));
        assertEquals(List.of(1.0, 1.0, 0.0, 0.0, 0.0), two.labels());
    }

    @Test
    void labeledListFormat() {
        MiningResult r = mineTwo(b -> b.outputFormat(OutputFormat.LABELED_LIST));
        assertEquals(List.of(
                new LabeledList("q", List.of("p", "n1", "n2", "n3"), List.of(1, 0, 0, 0), List.of(0.875, 0.75, 0.625, 0.5)),
                new LabeledList("r", List.of("rp", "m1", "m2", "m3"), List.of(1, 0, 0, 0), List.of(0.75, 0.5, 0.25, 0.125))),
                r.labeledLists());
        assertEquals(2, r.size());
        assertTrue(assertThrows(IllegalStateException.class, r::dataset).getMessage().contains("labeledLists()"));
        assertThrows(IllegalStateException.class, () -> mineTwo(b -> { }).labeledLists());
    }

    @Test
    void euclideanScoresAreNegatedDistancesOfUnitVectors() {
        Dataset d = miner(oneAnchor()).corpus(N1_TO_N8).similarity(ModelSimilarity.EUCLIDEAN).outputScores(true).build()
                .mine(pairs("q", "p")).dataset();
        assertEquals(List.of("n1", "n2", "n3"), negatives(d), "the same order as cosine");
        // |q - n1|^2 = 2 - 2 * 0.75
        assertArrayEquals(new double[]{-Math.sqrt(0.25), -Math.sqrt(0.5)}, d.labelVector(0), 1e-6);
        assertEquals(ModelSimilarity.COSINE, miner(oneAnchor()).build().similarity(), "cosine for a plain embedder");
    }

    @Test
    void batchSizeBoundsEachModelCall() {
        Vectors v = oneAnchor();
        miner(v).corpus(N1_TO_N8).batchSize(2).build().mine(pairs("q", "p"));
        assertEquals(6, v.calls, "9 corpus texts in 5 calls, 1 anchor in 1");
        assertEquals(2, v.largestBatch);
    }

    // ---- validation ----

    @Test
    void badOptionsAreNamed() {
        Vectors v = oneAnchor();
        assertMessage("num_negatives must be at least 1", () -> miner(v).numNegatives(0).build());
        assertMessage("range_min must be non-negative", () -> miner(v).rangeMin(-1).build());
        assertMessage("range_min must be smaller than range_max", () -> miner(v).rangeMin(5).rangeMax(3).build());
        assertMessage("num_negatives=3 cannot be mined", () -> miner(v).rangeMin(2).rangeMax(4).build());
        assertMessage("absolute_margin must be >= 0", () -> miner(v).absoluteMargin(-0.1).build());
        assertMessage("relative_margin must be in [0, 1]", () -> miner(v).relativeMargin(1.5).build());
        assertMessage("relative_margin must be in [0, 1]", () -> miner(v).relativeMargin(-0.05).build());
        assertMessage("max_score must be a finite number", () -> miner(v).maxScore(Double.NaN).build());
        assertMessage("min_score=0.9 is above max_score=0.5", () -> miner(v).maxScore(0.5).minScore(0.9).build());
        assertMessage("batch_size must be at least 1", () -> miner(v).batchSize(0).build());
        assertMessage("Invalid output_format: 'quadruplet'", () -> miner(v).outputFormat("quadruplet"));
        assertMessage("Invalid sampling_strategy: 'best'", () -> miner(v).samplingStrategy("best"));

        HardNegativeMiner m = miner(v).build();
        assertMessage("anchor_column_name 'question' is not a column",
                () -> miner(v).anchorColumnName("question").build().mine(pairs("q", "p")));
        assertMessage("positive_column_name 'answer' is not a column",
                () -> miner(v).positiveColumnName("answer").build().mine(pairs("q", "p")));
        Dataset oneColumn = Dataset.builder("texts").column("text", List.of("q")).build();
        assertMessage("needs (anchor, positive) columns", () -> m.mine(oneColumn));
        assertMessage("is empty", () -> m.mine(pairs("q", "p").select(new int[0])));
        Dataset clash = Dataset.builder("clash").column("anchor", List.of("q")).column("negative", List.of("p")).build();
        assertMessage("clash", () -> m.mine(clash));
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }

    @Test
    void helpers() {
        // ties rank the earlier corpus text first; k larger than the row gives the whole row
        assertArrayEquals(new int[]{1, 3, 0, 2}, CandidateSearch.topK(new float[]{0.5f, 0.9f, 0.1f, 0.9f}, 9));
        assertArrayEquals(new int[]{1, 3}, CandidateSearch.topK(new float[]{0.5f, 0.9f, 0.1f, 0.9f}, 2));
        MiningStatistics.Scores s = MiningStatistics.Scores.of(new double[]{4, 1, 3, 2});
        assertEquals(2.5, s.mean(), 0);
        assertEquals(2, s.median(), 0, "torch's median: the lower middle value");
        assertEquals(1.75, s.q25(), 1e-12);
        assertEquals(2.5, s.q50(), 1e-12);
        assertEquals(3.25, s.q75(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-12);
        assertEquals(OutputFormat.N_TUPLE_SCORES, OutputFormat.fromName("N-Tuple-Scores"));
        assertEquals(ModelSimilarity.DOT, ModelSimilarity.fromName("dot"));
    }

    // ---- the real model ----

    /** The first {@code n} SNLI dev (premise, entailed hypothesis) pairs. */
    static Dataset snliEntailments(int n) throws IOException {
        Path dir = TestData.datasets("snli");
        List<String> s1 = Files.readAllLines(dir.resolve("s1.dev"), StandardCharsets.UTF_8);
        List<String> s2 = Files.readAllLines(dir.resolve("s2.dev"), StandardCharsets.UTF_8);
        List<String> labels = Files.readAllLines(dir.resolve("labels.dev"), StandardCharsets.UTF_8);
        List<String> a = new ArrayList<>();
        List<String> p = new ArrayList<>();
        for (int i = 0; i < labels.size() && a.size() < n; i++) {
            if (labels.get(i).trim().equals("entailment")) {
                a.add(s1.get(i).trim());
                p.add(s2.get(i).trim());
            }
        }
        return Dataset.builder("snli-entailment").column("anchor", a).column("positive", p).build();
    }

    @Test
    void realModelOnSnliMatchesBruteForceCosine() throws IOException {
        Dataset pairs = snliEntailments(50);
        double margin = 0.05;
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            MiningResult r = HardNegativeMiner.builder(model).relativeMargin(margin).outputFormat(OutputFormat.N_TUPLE)
                    .outputScores(true).build().mine(pairs);
            Dataset d = r.dataset();
            MiningStatistics s = r.statistics();

            // brute force: double-precision cosine of the model's embeddings
            List<String> corpus = new ArrayList<>(new LinkedHashSet<>(pairs.column("positive")));
            Map<String, double[]> emb = new HashMap<>();
            List<String> all = new ArrayList<>(new LinkedHashSet<>(pairs.column("anchor")));
            all.addAll(corpus);
            float[][] m = model.embed(all).toFloatMatrix();
            for (int i = 0; i < all.size(); i++) {
                emb.put(all.get(i), unit(m[i]));
            }
            Map<String, Set<String>> positivesOf = new LinkedHashMap<>();
            for (int i = 0; i < pairs.size(); i++) {
                positivesOf.computeIfAbsent(pairs.text(0, i), k -> new LinkedHashSet<>()).add(pairs.text(1, i));
            }
            int maxPositives = positivesOf.values().stream().mapToInt(Set::size).max().orElseThrow();
            int rangeMax = 3 * 10 + maxPositives;
            assertEquals(rangeMax, s.rangeMax());

            int rows = 0;
            for (Map.Entry<String, Set<String>> e : positivesOf.entrySet()) {
                String anchor = e.getKey();
                double hardest = e.getValue().stream().mapToDouble(p -> cos(emb.get(anchor), emb.get(p))).min().orElseThrow();
                double threshold = hardest - Math.abs(hardest) * margin;
                List<String> ranked = new ArrayList<>(corpus);
                ranked.sort(Comparator.comparingDouble((String c) -> -cos(emb.get(anchor), emb.get(c))));
                List<String> expected = ranked.subList(0, Math.min(ranked.size(), rangeMax + maxPositives)).stream()
                        .filter(c -> !e.getValue().contains(c))
                        .filter(c -> cos(emb.get(anchor), emb.get(c)) <= threshold)
                        .limit(3).toList();
                for (String positive : e.getValue()) {
                    if (expected.size() < 3) {
                        continue; // n-tuple leaves the row out
                    }
                    int row = rows++;
                    assertEquals(anchor, d.text("anchor", row));
                    assertEquals(positive, d.text("positive", row));
                    double[] scores = d.labelVector(row);
                    assertEquals(cos(emb.get(anchor), emb.get(positive)), scores[0], 1e-5, "positive score, row " + row);
                    for (int j = 0; j < 3; j++) {
                        String negative = d.text("negative_" + (j + 1), row);
                        assertEquals(expected.get(j), negative, "negative " + (j + 1) + " of row " + row);
                        assertFalse(e.getValue().contains(negative), "a positive mined as negative, row " + row);
                        assertEquals(cos(emb.get(anchor), emb.get(negative)), scores[j + 1], 1e-5);
                        assertTrue(scores[j + 1] < scores[0], "negative scores below its positive, row " + row);
                        assertTrue(scores[j + 1] <= scores[0] - Math.abs(scores[0]) * margin + 1e-6,
                                "relative margin kept, row " + row);
                    }
                }
            }
            assertEquals(rows, d.size(), "every row accounted for");
            assertTrue(rows >= 40, "most SNLI anchors get three negatives: " + rows);
            assertTrue(s.negativeScores().mean() < s.positiveScores().mean());
            assertTrue(s.skippedBy("relative_margin") > 0, "the margin took candidates out");
        }
    }

    private static double[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        n = Math.sqrt(n);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / n;
        }
        return out;
    }

    private static double cos(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
