package org.sentence4j.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void pearsonHandExamples() {
        assertEquals(0.8, Metrics.pearson(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4}), EPS);
        assertEquals(1.0, Metrics.pearson(new double[] {1, 2, 3}, new double[] {10, 20, 30}), EPS);
        assertEquals(-1.0, Metrics.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), EPS);
        // scipy.stats.pearsonr([3,1,4,1,5,9,2,6], [2,7,1,8,2,8,1,8])
        assertEquals(0.2096553190730121, Metrics.pearson(new double[] {3, 1, 4, 1, 5, 9, 2, 6},
                new double[] {2, 7, 1, 8, 2, 8, 1, 8}), 1e-12);
    }

    @Test
    void correlationWithAConstantIsNaN() {
        assertTrue(Double.isNaN(Metrics.pearson(new double[] {1, 2, 3}, new double[] {5, 5, 5})));
        assertTrue(Double.isNaN(Metrics.spearman(new double[] {1, 2, 3}, new double[] {5, 5, 5})));
    }

    @Test
    void averageRanksShareTies() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Metrics.averageRanks(new double[] {10, 20, 20, 30}), EPS);
        assertArrayEquals(new double[] {3, 1, 3, 3}, Metrics.averageRanks(new double[] {3, 1, 3, 3}), EPS);
        assertArrayEquals(new double[] {3, 2, 1}, Metrics.averageRanks(new double[] {0.9, 0.5, -2}), EPS);
    }

    @Test
    void spearmanPerfectReversedAndTies() {
        // monotone but not linear: Spearman 1
        assertEquals(1.0, Metrics.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 4, 9, 100}), EPS);
        assertEquals(-1.0, Metrics.spearman(new double[] {1, 2, 3, 4}, new double[] {100, 9, 4, 1}), EPS);
        // ranks [1, 2.5, 2.5, 4] vs [1, 2, 3, 4]: 3 / sqrt(10), as scipy.stats.spearmanr
        assertEquals(3 / Math.sqrt(10), Metrics.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4}), EPS);
        // ties on both sides, scipy.stats.spearmanr([3,1,4,1,5,9,2,6], [2,7,1,8,2,8,1,8])
        assertEquals(0.19885368120992467, Metrics.spearman(new double[] {3, 1, 4, 1, 5, 9, 2, 6},
                new double[] {2, 7, 1, 8, 2, 8, 1, 8}), 1e-12);
    }

    @Test
    void correlationInputErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.pearson(new double[] {1, 2}, new double[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("different lengths"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Metrics.spearman(new double[] {1}, new double[] {1}));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }

    @Test
    void averagePrecisionHandExamples() {
        // hits at ranks 1 and 3: 0.5 * 1 + 0.5 * 2/3
        assertEquals(0.5 + 0.5 * 2 / 3.0,
                Metrics.averagePrecision(new double[] {0.9, 0.8, 0.7, 0.6}, new int[] {1, 0, 1, 0}), EPS);
        // perfect ranking
        assertEquals(1.0, Metrics.averagePrecision(new double[] {0.9, 0.8, 0.2, 0.1}, new int[] {1, 1, 0, 0}), EPS);
        // reversed: positives at ranks 3 and 4: 0.5 * 1/3 + 0.5 * 2/4
        assertEquals(0.5 / 3 + 0.25,
                Metrics.averagePrecision(new double[] {0.1, 0.2, 0.8, 0.9}, new int[] {1, 1, 0, 0}), EPS);
        // a tie enters at one threshold: 0.5 * 1 + 0.5 * 2/3 whatever the order inside the tie
        assertEquals(0.5 + 0.5 * 2 / 3.0,
                Metrics.averagePrecision(new double[] {0.9, 0.5, 0.5, 0.1}, new int[] {1, 1, 0, 0}), EPS);
        assertEquals(0.5 + 0.5 * 2 / 3.0,
                Metrics.averagePrecision(new double[] {0.9, 0.5, 0.5, 0.1}, new int[] {1, 0, 1, 0}), EPS);
        // everything tied: precision = share of positives
        assertEquals(0.5, Metrics.averagePrecision(new double[] {0.3, 0.3, 0.3, 0.3}, new int[] {1, 0, 1, 0}), EPS);
    }

    @Test
    void bestAccuracyAndF1HandExample() {
        double[] s = {0.9, 0.8, 0.7, 0.6, 0.5};
        int[] y = {1, 1, 0, 1, 0};
        // cuts after 1..4: accuracy 3/5, 4/5, 3/5, 4/5: the first best wins, threshold (0.8 + 0.7) / 2
        Metrics.AccuracyThreshold acc = Metrics.bestAccuracyThreshold(s, y);
        assertEquals(0.8, acc.accuracy(), EPS);
        assertEquals(0.75, acc.threshold(), EPS);
        // F1 after 1..4: 1/2, 4/5, 2/3, 6/7 (precision 3/4, recall 1), threshold (0.6 + 0.5) / 2
        Metrics.F1Threshold f1 = Metrics.bestF1Threshold(s, y);
        assertEquals(6 / 7.0, f1.f1(), EPS);
        assertEquals(0.75, f1.precision(), EPS);
        assertEquals(1.0, f1.recall(), EPS);
        assertEquals(0.55, f1.threshold(), EPS);
        // at 0.55: tp 3, fp 1, tn 1, fn 0 -> (3 - 0) / sqrt(4 * 3 * 2 * 1)
        assertEquals(3 / Math.sqrt(24), Metrics.matthewsCorrelation(s, y, 0.55), EPS);
    }

    @Test
    void perfectAndReversedSeparation() {
        double[] s = {0.9, 0.8, 0.3, 0.2};
        Metrics.AccuracyThreshold acc = Metrics.bestAccuracyThreshold(s, new int[] {1, 1, 0, 0});
        assertEquals(1.0, acc.accuracy(), EPS);
        assertEquals(0.55, acc.threshold(), EPS);
        assertEquals(1.0, Metrics.bestF1Threshold(s, new int[] {1, 1, 0, 0}).f1(), EPS);
        assertEquals(1.0, Metrics.matthewsCorrelation(s, new int[] {1, 1, 0, 0}, 0.55), EPS);
        // reversed: cuts after 1..3 give accuracy 1/4, 0, 1/4 -> the first, at (0.9 + 0.8) / 2
        acc = Metrics.bestAccuracyThreshold(s, new int[] {0, 0, 1, 1});
        assertEquals(0.25, acc.accuracy(), EPS);
        assertEquals(0.85, acc.threshold(), EPS);
        // F1 after 3: precision 1/3, recall 1/2 -> 0.4 at (0.3 + 0.2) / 2
        Metrics.F1Threshold f1 = Metrics.bestF1Threshold(s, new int[] {0, 0, 1, 1});
        assertEquals(0.4, f1.f1(), EPS);
        assertEquals(0.25, f1.threshold(), EPS);
    }

    @Test
    void cutsBetweenEqualScoresAreSkipped() {
        // sentence-transformers would score the cut inside the 0.5 tie as accuracy 1 at threshold 0.5, which no
        // threshold reaches; the achievable best is 3/4
        double[] s = {0.8, 0.5, 0.5, 0.2};
        int[] y = {1, 1, 0, 0};
        Metrics.AccuracyThreshold acc = Metrics.bestAccuracyThreshold(s, y);
        assertEquals(0.75, acc.accuracy(), EPS);
        assertEquals(0.65, acc.threshold(), EPS);
        // F1: after 1: 2/3; after the tie (3 predicted): p 2/3, r 1 -> 0.8 at 0.35
        Metrics.F1Threshold f1 = Metrics.bestF1Threshold(s, y);
        assertEquals(0.8, f1.f1(), EPS);
        assertEquals(0.35, f1.threshold(), EPS);
        // all scores equal: no cut exists, sentence-transformers' initial values
        double[] same = {0.4, 0.4, 0.4};
        int[] labels = {1, 0, 1};
        assertEquals(new Metrics.AccuracyThreshold(0, -1), Metrics.bestAccuracyThreshold(same, labels));
        assertEquals(new Metrics.F1Threshold(0, 0, 0, 0), Metrics.bestF1Threshold(same, labels));
    }

    /** The reported accuracy and F1 are those of the prediction score >= threshold (as upstream's own test). */
    @Test
    void reportedScoresAreReachedAtTheirThreshold() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + random.nextInt(60);
            double[] s = new double[n];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = random.nextInt(12) / 4.0; // many ties
                y[i] = random.nextInt(2);
            }
            y[0] = 1;
            Metrics.AccuracyThreshold acc = Metrics.bestAccuracyThreshold(s, y);
            Metrics.F1Threshold f1 = Metrics.bestF1Threshold(s, y);
            int correct = 0;
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < n; i++) {
                correct += (s[i] >= acc.threshold()) == (y[i] == 1) ? 1 : 0;
                boolean p = s[i] >= f1.threshold();
                tp += p && y[i] == 1 ? 1 : 0;
                fp += p && y[i] == 0 ? 1 : 0;
                fn += !p && y[i] == 1 ? 1 : 0;
            }
            if (acc.accuracy() > 0) {
                assertEquals((double) correct / n, acc.accuracy(), EPS);
            }
            if (f1.f1() > 0) {
                assertEquals(2.0 * tp / (2 * tp + fp + fn), f1.f1(), EPS);
            }
        }
    }

    @Test
    void binaryInputErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.averagePrecision(new double[] {0.1, 0.2}, new int[] {0, 0}));
        assertTrue(e.getMessage().contains("at least one positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.bestAccuracyThreshold(new double[] {0.1, 0.2}, new int[] {0, 2}));
        assertTrue(e.getMessage().contains("0 or 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.bestF1Threshold(new double[] {0.1}, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("different lengths"), e.getMessage());
    }
}
