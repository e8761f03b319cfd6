package org.sentence4j.trainer.evaluation;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The statistics behind the evaluators, in double precision, with the definitions sentence-transformers uses
 * (scipy's pearsonr/spearmanr, scikit-learn's average_precision_score and matthews_corrcoef, and the best-threshold
 * searches of its BinaryClassificationEvaluator).
 */
public final class Metrics {

    private Metrics() {
    }

    /**
     * Pearson's correlation coefficient. NaN when either input is constant (the correlation is undefined there;
     * scipy also returns NaN).
     */
    public static double pearson(double[] x, double[] y) {
        checkPaired(x, y);
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        double r = sxy / Math.sqrt(sxx * syy);
        // rounding can push |r| a hair above 1 for perfectly (anti)correlated data
        return Math.max(-1.0, Math.min(1.0, r));
    }

    /** Spearman's rank correlation: Pearson on ranks, tied values sharing their average rank (as scipy). */
    public static double spearman(double[] x, double[] y) {
        checkPaired(x, y);
        return pearson(averageRanks(x), averageRanks(y));
    }

    /**
     * Ranks 1..n in ascending order; a group of equal values gets the mean of the ranks it spans, e.g.
     * {@code [10, 20, 20, 30] -> [1, 2.5, 2.5, 4]} (scipy's rankdata method "average").
     */
    public static double[] averageRanks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // mean of the 1-based ranks i+1..j+1
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    /**
     * Average precision of a ranking by score (higher = more likely positive), as scikit-learn's
     * average_precision_score: the sum over distinct score thresholds of (R_t - R_{t-1}) * P_t, without
     * interpolation; pairs with equal scores enter at the same threshold.
     *
     * @param labels 1 positive, 0 negative; at least one positive
     */
    public static double averagePrecision(double[] scores, int[] labels) {
        checkBinary(scores, labels);
        int positives = count(labels, 1);
        if (positives == 0) {
            throw new IllegalArgumentException("average precision needs at least one positive label");
        }
        Integer[] order = descending(scores);
        double ap = 0;
        double previousRecall = 0;
        int tp = 0;
        int seen = 0;
        int i = 0;
        while (i < order.length) {
            // take the whole group of equal scores: one threshold
            double s = scores[order[i]];
            while (i < order.length && scores[order[i]] == s) {
                tp += labels[order[i]];
                seen++;
                i++;
            }
            double recall = (double) tp / positives;
            double precision = (double) tp / seen;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        return ap;
    }

    /** The best accuracy and the threshold reaching it (predict positive when score >= threshold). */
    public record AccuracyThreshold(double accuracy, double threshold) {
    }

    /** The best F1, its precision and recall, and the threshold reaching it (positive when score >= threshold). */
    public record F1Threshold(double f1, double precision, double recall, double threshold) {
    }

    /**
     * The threshold on the score that maximises accuracy, as sentence-transformers' find_best_acc_and_threshold
     * (high_score_more_similar): the pairs sorted by descending score, every cut predicting the first {@code i}
     * ({@code 1 <= i < n}) positive is tried, the threshold is the midpoint between the scores on both sides of the best
     * cut, and the first cut (highest threshold) wins ties. Cutting everything positive or negative is not tried.
     *
     * <p>Deviation, for ties only: a cut between two EQUAL scores is skipped, because no threshold can separate
     * them (sentence-transformers scores such a cut as if it could, and reports an accuracy that its own threshold
     * does not give). When all scores are equal no cut exists and the result is sentence-transformers' initial
     * value (accuracy 0, threshold -1).
     */
    public static AccuracyThreshold bestAccuracyThreshold(double[] scores, int[] labels) {
        checkBinary(scores, labels);
        Integer[] order = descending(scores);
        int n = order.length;
        double best = 0;
        double threshold = -1;
        int positivesAbove = 0;
        int negativesBelow = count(labels, 0);
        for (int i = 0; i < n - 1; i++) {
            if (labels[order[i]] == 1) {
                positivesAbove++;
            } else {
                negativesBelow--;
            }
            double upper = scores[order[i]];
            double lower = scores[order[i + 1]];
            if (upper == lower) {
                continue;
            }
            double acc = (double) (positivesAbove + negativesBelow) / n;
            if (acc > best) {
                best = acc;
                threshold = (upper + lower) / 2;
            }
        }
        return new AccuracyThreshold(best, threshold);
    }

    /**
     * The threshold that maximises F1 of the positive class, as sentence-transformers' find_best_f1_and_threshold:
     * same cuts as {@link #bestAccuracyThreshold} (first {@code i} pairs positive, {@code 1 <= i < n}, midpoint threshold,
     * the first best cut wins), cuts between equal scores skipped. If no cut has a true positive the result is
     * (0, 0, 0, threshold 0), sentence-transformers' initial value.
     */
    public static F1Threshold bestF1Threshold(double[] scores, int[] labels) {
        checkBinary(scores, labels);
        Integer[] order = descending(scores);
        int n = order.length;
        int positives = count(labels, 1);
        double bestF1 = 0;
        double bestPrecision = 0;
        double bestRecall = 0;
        double threshold = 0;
        int tp = 0;
        for (int i = 0; i < n - 1; i++) {
            tp += labels[order[i]];
            double upper = scores[order[i]];
            double lower = scores[order[i + 1]];
            if (upper == lower || tp == 0) {
                continue;
            }
            double precision = (double) tp / (i + 1);
            double recall = (double) tp / positives;
            double f1 = 2 * precision * recall / (precision + recall);
            if (f1 > bestF1) {
                bestF1 = f1;
                bestPrecision = precision;
                bestRecall = recall;
                threshold = (upper + lower) / 2;
            }
        }
        return new F1Threshold(bestF1, bestPrecision, bestRecall, threshold);
    }

    /**
     * Matthews correlation coefficient of the prediction {@code score >= threshold}, as scikit-learn's
     * matthews_corrcoef (0 when a margin of the confusion matrix is empty).
     */
    public static double matthewsCorrelation(double[] scores, int[] labels, double threshold) {
        checkBinary(scores, labels);
        long tp = 0;
        long tn = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= threshold;
            if (labels[i] == 1) {
                if (predicted) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predicted) {
                fp++;
            } else {
                tn++;
            }
        }
        double denominator = Math.sqrt((double) (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        return denominator == 0 ? 0.0 : (tp * (double) tn - fp * (double) fn) / denominator;
    }

    private static Integer[] descending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // stable: equal scores keep input order, as Python's sorted
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        return order;
    }

    private static int count(int[] labels, int value) {
        int c = 0;
        for (int l : labels) {
            if (l == value) {
                c++;
            }
        }
        return c;
    }

    private static void checkPaired(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("the two series have different lengths: " + x.length + " and " + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("a correlation needs at least 2 pairs, got " + x.length);
        }
    }

    private static void checkBinary(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(
                    "scores and labels have different lengths: " + scores.length + " and " + labels.length);
        }
        if (scores.length == 0) {
            throw new IllegalArgumentException("no scores");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("labels must be 0 or 1, got " + labels[i] + " at index " + i);
            }
        }
    }
}
