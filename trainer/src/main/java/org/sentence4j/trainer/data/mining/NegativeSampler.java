package org.sentence4j.trainer.data.mining;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks one anchor's negatives from its filtered candidate list; one job: ranks to picks. As in
 * sentence-transformers:
 *
 * <ol>
 *   <li>the candidates are re-ranked by their filtered scores (the ones taken out sink to the end, the others keep
 *       their order) and the first range_max kept: range_min and range_max count ranks among the
 *       <em>valid</em> candidates, after the positives and the margin and score bounds took theirs out;</li>
 *   <li>the first range_min are skipped; the rest is the window;</li>
 *   <li>{@link SamplingStrategy#TOP} takes the window's first num_negatives; {@link SamplingStrategy#RANDOM} draws
 *       num_negatives distinct places from the window's valid part (from its first num_negatives places when fewer
 *       are valid, so every valid one is then drawn) and lists the draws best score first.</li>
 * </ol>
 * A pick may be an empty slot (-1, score -inf) when the window has fewer than num_negatives valid candidates; the
 * output formats drop those (or the whole row, for n-tuple). The random generator is one
 * {@link java.util.Random} for the whole run, used anchor by anchor in order, so a seed gives the same picks on
 * every JVM (they differ from sentence-transformers', which draws from Python's {@code random}).
 */
final class NegativeSampler {

    /** One anchor's picks, best score first: corpus positions (-1: none) and their scores (-inf: none). */
    record Picks(int[] indices, float[] scores) {
        int valid() {
            int n = 0;
            for (int i : indices) {
                if (i >= 0) {
                    n++;
                }
            }
            return n;
        }
    }

    private final int rangeMin;
    private final int rangeMax;
    private final int numNegatives;
    private final SamplingStrategy strategy;
    private final Random random;

    NegativeSampler(int rangeMin, int rangeMax, int numNegatives, SamplingStrategy strategy, long seed) {
        this.rangeMin = rangeMin;
        this.rangeMax = rangeMax;
        this.numNegatives = numNegatives;
        this.strategy = strategy;
        this.random = new Random(seed);
    }

    Picks pick(int[] candidateIndices, float[] candidateScores) {
        int n = candidateScores.length;
        // stable re-rank by the filtered scores: -inf sinks, the rest keeps its order
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> byScoreDescending(candidateScores[a], candidateScores[b]));
        int windowEnd = Math.min(rangeMax, n);
        int windowSize = Math.max(0, windowEnd - rangeMin);
        int[] wIdx = new int[windowSize];
        float[] wScore = new float[windowSize];
        int valid = 0;
        for (int w = 0; w < windowSize; w++) {
            int c = order[rangeMin + w];
            wScore[w] = candidateScores[c];
            wIdx[w] = wScore[w] == Float.NEGATIVE_INFINITY ? -1 : candidateIndices[c];
            if (wIdx[w] >= 0) {
                valid++;
            }
        }

        int[] places;
        if (strategy == SamplingStrategy.TOP) {
            places = new int[numNegatives];
            for (int i = 0; i < numNegatives; i++) {
                places[i] = i;
            }
        } else {
            int options = Math.max(valid, numNegatives);
            int[] pool = new int[options];
            for (int i = 0; i < options; i++) {
                pool[i] = i;
            }
            for (int i = 0; i < numNegatives; i++) {
                int j = i + random.nextInt(options - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
            }
            places = Arrays.copyOf(pool, numNegatives);
            // best score first; equal scores keep window order
            Integer[] boxed = Arrays.stream(places).boxed().toArray(Integer[]::new);
            Arrays.sort(boxed, (a, b) -> {
                float sa = a < windowSize ? wScore[a] : Float.NEGATIVE_INFINITY;
                float sb = b < windowSize ? wScore[b] : Float.NEGATIVE_INFINITY;
                int c = byScoreDescending(sa, sb);
                return c != 0 ? c : Integer.compare(a, b);
            });
            places = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
        }

        int[] idx = new int[numNegatives];
        float[] sc = new float[numNegatives];
        for (int i = 0; i < numNegatives; i++) {
            int p = places[i];
            boolean in = p < windowSize;
            idx[i] = in ? wIdx[p] : -1;
            sc[i] = in ? wScore[p] : Float.NEGATIVE_INFINITY;
        }
        return new Picks(idx, sc);
    }

    /** Higher score first; equal scores (0.0 and -0.0 too) compare equal. */
    private static int byScoreDescending(float a, float b) {
        return a > b ? -1 : a < b ? 1 : 0;
    }
}
