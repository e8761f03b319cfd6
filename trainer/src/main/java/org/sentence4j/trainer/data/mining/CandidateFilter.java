package org.sentence4j.trainer.data.mining;

import java.util.ArrayList;
import java.util.List;

/**
 * Takes out of each anchor's candidate list what may not be a negative, by setting its score to -inf (it then
 * ranks last and is never picked): the anchor's own positives (unless include_positives), then candidates within
 * absolute_margin or relative_margin of the positive, then candidates above max_score or below min_score, in
 * sentence-transformers' order and with its comparisons, in float arithmetic as torch does on float32 scores:
 *
 * <ul>
 *   <li>absolute_margin: out if {@code score + absolute_margin > p};</li>
 *   <li>relative_margin: out if {@code score > p - |p| * relative_margin} (sign-independent, as in
 *       sentence-transformers 6);</li>
 *   <li>max_score: out if {@code score > max_score}; min_score: out if {@code score < min_score};</li>
 * </ul>
 * where {@code p} is the anchor's lowest positive score (the hardest positive, for an anchor with several).
 * A score equal to the bound stays. The candidates taken out by each option are counted for the statistics;
 * unlike sentence-transformers' count for min_score, which also counts the slots already at -inf, only candidates
 * that were still valid are counted.
 */
final class CandidateFilter {

    private CandidateFilter() {
    }

    static List<MiningStatistics.Skipped> apply(CandidateSearch.Candidates candidates, PairIndex pairs,
                                                MiningOptions options) {
        float[][] scores = candidates.scores;
        int[][] indices = candidates.indices;
        int nq = scores.length;
        long total = (long) nq * candidates.width();
        if (!options.includePositives()) {
            for (int q = 0; q < nq; q++) {
                int[] pos = pairs.positives(q);
                for (int r = 0; r < indices[q].length; r++) {
                    if (contains(pos, indices[q][r])) {
                        scores[q][r] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }

        List<MiningStatistics.Skipped> skipped = new ArrayList<>();
        float[] hardestPositive = new float[nq];
        for (int q = 0; q < nq; q++) {
            float min = Float.POSITIVE_INFINITY;
            for (float p : candidates.positiveScores[q]) {
                min = Math.min(min, p);
            }
            hardestPositive[q] = min;
        }

        long remaining = total;
        if (options.absoluteMargin() != null) {
            float m = options.absoluteMargin().floatValue();
            long n = remove(scores, (q, s) -> s + m > hardestPositive[q]);
            if (n > 0) {
                skipped.add(new MiningStatistics.Skipped("absolute_margin", options.absoluteMargin(), n,
                        (double) n / remaining));
                remaining -= n;
            }
        }
        if (options.relativeMargin() != null) {
            float m = options.relativeMargin().floatValue();
            float[] threshold = new float[nq];
            for (int q = 0; q < nq; q++) {
                threshold[q] = hardestPositive[q] - Math.abs(hardestPositive[q]) * m;
            }
            long n = remove(scores, (q, s) -> s > threshold[q]);
            if (n > 0) {
                skipped.add(new MiningStatistics.Skipped("relative_margin", options.relativeMargin(), n,
                        (double) n / remaining));
                remaining -= n;
            }
        }
        // as sentence-transformers, the score bounds' ratios share the count left after the margins
        if (options.maxScore() != null) {
            float max = options.maxScore().floatValue();
            long n = remove(scores, (q, s) -> s > max);
            if (n > 0) {
                skipped.add(new MiningStatistics.Skipped("max_score", options.maxScore(), n, (double) n / remaining));
            }
        }
        if (options.minScore() != null) {
            float min = options.minScore().floatValue();
            long n = remove(scores, (q, s) -> s < min);
            if (n > 0) {
                skipped.add(new MiningStatistics.Skipped("min_score", options.minScore(), n, (double) n / remaining));
            }
        }
        return skipped;
    }

    private interface Rule {
        boolean out(int query, float score);
    }

    /** Sets the valid candidates that {@code rule} rejects to -inf; returns how many. */
    private static long remove(float[][] scores, Rule rule) {
        long n = 0;
        for (int q = 0; q < scores.length; q++) {
            float[] row = scores[q];
            for (int r = 0; r < row.length; r++) {
                if (row[r] != Float.NEGATIVE_INFINITY && rule.out(q, row[r])) {
                    row[r] = Float.NEGATIVE_INFINITY;
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
