package org.sentence4j.trainer.data.tsdae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The deletion noise of sentence-transformers 6.0.1's {@code DenoisingAutoEncoderDataset.delete}. */
class DenoisingNoiseTest {

    private static final DenoisingNoise NOISE = DenoisingNoise.defaults();

    /** Hands out the given draws in order and fails on any other. */
    private static final class Scripted implements RandomGenerator {
        private final Queue<Double> doubles = new ArrayDeque<>();
        private final Queue<Integer> ints = new ArrayDeque<>();

        Scripted uniforms(double... values) {
            Arrays.stream(values).forEach(doubles::add);
            return this;
        }

        Scripted indices(int... values) {
            Arrays.stream(values).forEach(ints::add);
            return this;
        }

        @Override
        public double nextDouble() {
            assertFalse(doubles.isEmpty(), "an unexpected nextDouble()");
            return doubles.remove();
        }

        @Override
        public int nextInt(int bound) {
            assertFalse(ints.isEmpty(), "an unexpected nextInt(" + bound + ")");
            int v = ints.remove();
            assertTrue(v >= 0 && v < bound);
            return v;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("the noise draws doubles and ints only");
        }

        void assertUsedUp() {
            assertTrue(doubles.isEmpty() && ints.isEmpty(), "draws left: " + doubles + " " + ints);
        }
    }

    private static String words(int n) {
        return IntStream.range(0, n).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    @Test
    void theDefaultRatioIsSentenceTransformers() {
        assertEquals(0.6, NOISE.delRatio());
    }

    @Test
    void aWordIsKeptOnlyWhenItsDrawExceedsTheRatio() {
        Scripted r = new Scripted().uniforms(0.6, 0.6000001, 0.1, 0.99);
        assertEquals("b d", NOISE.apply("a b c d", r)); // strict '>': a draw equal to del_ratio deletes
        r.assertUsedUp();
    }

    @Test
    void drawsFollowWordOrderOfTheTokenizer() {
        // "can't stop." is ca, n't, stop, . : four draws; keeping n't and . gives detokenize([n't, .])
        Scripted r = new Scripted().uniforms(0.1, 0.9, 0.2, 0.7);
        assertEquals("n't.", NOISE.apply("can't stop.", r));
        r.assertUsedUp();
    }

    @Test
    void whenNothingSurvivesOneMoreDrawPicksTheWordToKeep() {
        Scripted r = new Scripted().uniforms(0.1, 0.2, 0.3).indices(2);
        assertEquals("c", NOISE.apply("a b c", r));
        r.assertUsedUp();
    }

    @Test
    void theFallbackWordIsDetokenizedToo() {
        // "Hi" in straight quotes is ``, Hi, ''; keeping only the opening quote gives ", not ``
        Scripted r = new Scripted().uniforms(0.0, 0.5, 0.6).indices(0);
        assertEquals("\"", NOISE.apply("\"Hi\"", r));
        r.assertUsedUp();
        assertEquals("\"", DenoisingNoise.applyMask("\"Hi\"", new boolean[] {false, false, true}));
    }

    @Test
    void textsWithoutWordsComeBackUnchangedWithoutDrawing() {
        for (String text : List.of("", " ", "  \t", "\n\r\n", "\u00A0\u3000\u2028\u001C")) {
            Scripted r = new Scripted();
            assertEquals(text, NOISE.apply(text, r));
            assertEquals(text, DenoisingNoise.applyMask(text, new boolean[0]));
        }
        // U+200B is no whitespace for Python: a word, kept as the only one
        assertEquals("\u200B", NOISE.apply("\u200B", new Scripted().uniforms(0.1).indices(0)));
    }

    @Test
    void seededRunsAreReproducible() {
        String text = "The quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat.";
        Set<String> outputs = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            String a = NOISE.apply(text, new Random(seed));
            assertEquals(a, NOISE.apply(text, new Random(seed)), "seed " + seed);
            outputs.add(a);
        }
        assertTrue(outputs.size() > 40, outputs.size() + " distinct damaged texts of 50 seeds");
    }

    @Test
    void aboutSixtyPercentOfTheWordsAreDeleted() {
        Random r = new Random(11);
        String text = words(25);
        long kept = 0;
        long total = 0;
        for (int i = 0; i < 4000; i++) {
            kept += NOISE.apply(text, r).split(" ").length;
            total += 25;
        }
        double deleted = 1 - (double) kept / total;
        // expected 0.6 - 0.6^25 / 25 (the fallback); binomial sd 0.0015
        assertEquals(0.6, deleted, 0.01);
    }

    @Test
    void shortTextsKeepTheExpectedNumberOfWords() {
        // E[K] = (1 - p) n + p^n: for n = 2, 0.8 + 0.36 = 1.16 (loss-reference §10.2)
        Random r = new Random(12);
        long kept = 0;
        int runs = 20000;
        for (int i = 0; i < runs; i++) {
            kept += NOISE.apply("alpha beta", r).split(" ").length;
        }
        assertEquals(1.16, (double) kept / runs, 0.015);
    }

    @Test
    void atLeastOneWordAlwaysSurvives() {
        Random r = new Random(13);
        DenoisingNoise all = new DenoisingNoise(1.0);
        for (int n = 1; n <= 30; n++) {
            String text = words(n);
            for (int i = 0; i < 20; i++) {
                assertEquals(1, all.apply(text, r).split(" ").length, "delRatio 1 keeps exactly one word");
                assertFalse(NOISE.apply(text, r).isBlank());
            }
        }
    }

    @Test
    void ratioZeroKeepsEveryWord() {
        DenoisingNoise none = new DenoisingNoise(0.0);
        String text = "He said \"hi\" -- and left.";
        TreebankWordDetokenizer detok = new TreebankWordDetokenizer();
        String all = detok.detokenize(new TreebankWordTokenizer().tokenize(text));
        assertEquals("He said \"hi\"--and left.", all);
        assertEquals(all, none.apply(text, new Random(1)));
    }

    @Test
    void drawMaskMatchesApply() {
        Random a = new Random(5);
        Random b = new Random(5);
        String text = words(12);
        boolean[] keep = NOISE.drawMask(12, a);
        assertEquals(DenoisingNoise.applyMask(text, keep), NOISE.apply(text, b));
    }

    @Test
    void invalidArgumentsAreRefused() {
        for (double bad : new double[] {-0.1, 1.1, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> new DenoisingNoise(bad), "delRatio " + bad);
        }
        assertThrows(IllegalArgumentException.class, () -> DenoisingNoise.applyMask("a b", new boolean[] {true}));
        assertThrows(IllegalArgumentException.class, () -> DenoisingNoise.applyMask("a b", new boolean[] {false, false}));
        assertThrows(IllegalArgumentException.class, () -> NOISE.drawMask(0, new Random(1)));
    }
}
