package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import org.sentence4j.graphs.eager.VectorKernels;

/**
 * Dropout masks: the vector draw equals the scalar one unit for unit, a unit's value depends only on its
 * position in the canonical index (not on the batch's size, padding or other sites), and the masks have the
 * right law.
 */
class DropoutMasksTest {

    @Test
    void vectorAndScalarDrawsAreIdentical() {
        assertTrue(VectorKernels.enabled(), "tests run with the vector module");
        // 3 x 37 tokens: runs (37 keys, 64 or 63 units) that are not whole vectors; odd first rows; an odd
        // hidden size (3 heads of 21) makes hidden runs start on the low half of a draw
        BertConfig even = new BertConfig(50, 64, 2, 4, 128, 64, 2, 1e-12, "gelu", 0.1, 0.3);
        BertConfig odd = new BertConfig(50, 63, 2, 3, 128, 63, 2, 1e-12, "gelu", 0.1, 0.3);
        for (BertConfig config : new BertConfig[] {even, odd}) {
            for (long firstRow : new long[] {0, 1, 6}) {
                for (long seed : new long[] {0, 7, -123456789L}) {
                    DropoutMasks vector = DropoutMasks.sample(config, 2, firstRow, 3, 37, seed, DataType.FLOAT);
                    DropoutMasks scalar = scalar(() -> DropoutMasks.sample(config, 2, firstRow, 3, 37, seed, DataType.FLOAT));
                    assertEquals(scalar.siteNames(), vector.siteNames());
                    for (Map.Entry<String, INDArray> e : scalar.asMap().entrySet()) {
                        INDArray v = vector.get(e.getKey());
                        assertEquals(0.0, v.sub(e.getValue()).amaxNumber().doubleValue(), 0.0,
                                e.getKey() + ", H " + config.hiddenSize() + ", first row " + firstRow + ", seed " + seed);
                    }
                }
            }
        }
    }

    @Test
    void vectorAndScalarRunsAreIdenticalFromAnyUnit() {
        assertTrue(VectorKernels.enabled(), "tests run with the vector module");
        long threshold = (long) Math.floor(0.3 * 4294967296.0);
        for (long e : new long[] {0, 1, 2, 17, 1L << 40, (1L << 40) + 1, -5}) {
            for (int len : new int[] {0, 1, 2, 3, 15, 16, 17, 31, 33, 64, 65}) {
                float[] vector = new float[len + 40];
                float[] scalar = new float[len + 40];
                java.util.Arrays.fill(vector, -1f);
                java.util.Arrays.fill(scalar, -1f);
                DropoutMaskKernel.fill(11, e, threshold, 2f, vector, 3, len);
                DropoutMasks.fillScalar(11, e, threshold, 2f, scalar, 3, len);
                assertArrayEquals(scalar, vector, "start " + e + ", length " + len);
                for (int i = 0; i < len; i++) {
                    // every unit agrees with the one-unit definition, and nothing outside the run is written
                    assertEquals(DropoutMaskKernel.unit(11, e + i, threshold) ? 0f : 2f, vector[3 + i], 0f);
                }
                assertEquals(-1f, vector[2], 0f);
                assertEquals(-1f, vector[3 + len], 0f);
            }
        }
    }

    /**
     * The masks of rows [from, to) of a batch, drawn alone at a shorter padded length, are the slice of the
     * whole batch's masks at those rows and positions: what GradCache's chunks and the plain step share.
     */
    @Test
    void aChunkOfRowsGetsTheWholeBatchsMasksOnItsRowsAndPositions() {
        BertConfig config = new BertConfig(50, 64, 3, 4, 128, 64, 2, 1e-12, "gelu", 0.1, 0.3);
        for (boolean vectorRoute : new boolean[] {true, false}) {
            java.util.function.Supplier<DropoutMasks> full = () -> DropoutMasks.sample(config, 3, 7, 40, 99, DataType.FLOAT);
            DropoutMasks whole = vectorRoute ? full.get() : scalar(full);
            int[][] chunks = {{0, 3, 40}, {2, 5, 13}, {5, 7, 1}, {6, 7, 29}};
            for (int[] c : chunks) {
                int from = c[0];
                int to = c[1];
                int t = c[2];
                java.util.function.Supplier<DropoutMasks> part = () -> DropoutMasks.sample(config, 3, from, to - from, t, 99,
                        DataType.FLOAT);
                DropoutMasks chunk = vectorRoute ? part.get() : scalar(part);
                for (String site : whole.siteNames()) {
                    INDArray m = whole.get(site);
                    INDArray expected = m.rank() == 3
                            ? m.get(interval(from, to), interval(0, t), all())
                            : m.get(interval(from, to), all(), interval(0, t), interval(0, t));
                    assertEquals(0.0, expected.sub(chunk.get(site)).amaxNumber().doubleValue(), 0.0,
                            site + ", rows [" + from + ", " + to + ") at length " + t + (vectorRoute ? "" : ", scalar"));
                }
            }
        }
    }

    /**
     * Drawn for the real tokens only: the units of every position up to a row's last token (and of every
     * (query, key) pair of two such positions) are the full draw's, from any first row, on both routes; the
     * padding's are 0 (a row with a hole in its mask keeps the hole's units; an empty row has none).
     */
    @Test
    void realTokenDrawsEqualTheFullDrawOnRealPositionsAndAreZeroOnPadding() {
        BertConfig config = new BertConfig(50, 64, 2, 4, 128, 64, 2, 1e-12, "gelu", 0.1, 0.3);
        int seq = 23;
        int[] lengths = {23, 1, 0, 9, 17};
        long[][] mask = new long[lengths.length][seq];
        for (int i = 0; i < lengths.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                mask[i][t] = i == 3 && t == 4 ? 0 : 1;   // row 3 has a hole before its last token
            }
        }
        org.sentence4j.graphs.text.TokenBatch tokens = new org.sentence4j.graphs.text.TokenBatch(
                org.nd4j.linalg.factory.Nd4j.createFromArray(mask), org.nd4j.linalg.factory.Nd4j.createFromArray(mask),
                org.nd4j.linalg.factory.Nd4j.zeros(DataType.INT64, lengths.length, seq));
        for (boolean vectorRoute : new boolean[] {true, false}) {
            java.util.function.Supplier<DropoutMasks> fullDraw = () -> DropoutMasks.sample(config, 2, 3, lengths.length, seq, 17,
                    DataType.FLOAT);
            java.util.function.Supplier<DropoutMasks> realDraw = () -> DropoutMasks.sampleRealTokens(config, 2, 3, tokens, 17,
                    DataType.FLOAT);
            DropoutMasks full = vectorRoute ? fullDraw.get() : scalar(fullDraw);
            DropoutMasks real = vectorRoute ? realDraw.get() : scalar(realDraw);
            assertEquals(full.siteNames(), real.siteNames());
            long nonZero = 0;
            for (String site : full.siteNames()) {
                INDArray f = full.get(site);
                INDArray r = real.get(site);
                assertArrayEquals(f.shape(), r.shape(), site);
                for (int i = 0; i < lengths.length; i++) {
                    int n = lengths[i];
                    if (f.rank() == 3) {
                        if (n > 0) {
                            assertEquals(f.get(interval(i, i + 1), interval(0, n), all()), r.get(interval(i, i + 1), interval(0, n), all()),
                                    site + " row " + i);
                        }
                        nonZero += nonZero(r.get(interval(i, i + 1), interval(n, seq), all()));
                    } else {
                        if (n > 0) {
                            assertEquals(f.get(interval(i, i + 1), all(), interval(0, n), interval(0, n)),
                                    r.get(interval(i, i + 1), all(), interval(0, n), interval(0, n)), site + " row " + i);
                        }
                        nonZero += nonZero(r.get(interval(i, i + 1), all(), interval(n, seq), all()));
                        nonZero += nonZero(r.get(interval(i, i + 1), all(), all(), interval(n, seq)));
                    }
                }
            }
            assertEquals(0, nonZero, "units of padding positions must be 0" + (vectorRoute ? "" : ", scalar"));
        }
    }

    private static long nonZero(INDArray a) {
        return a.isEmpty() ? 0 : a.neq(0).castTo(DataType.INT32).sumNumber().longValue();
    }

    /** A site's mask depends on the site, not on which other sites are drawn (fewer layers, p = 0 elsewhere). */
    @Test
    void aSitesMaskDoesNotDependOnTheOtherSites() {
        BertConfig config = new BertConfig(50, 64, 3, 4, 128, 64, 2, 1e-12, "gelu", 0.1, 0.3);
        BertConfig noAttentionDropout = new BertConfig(50, 64, 3, 4, 128, 64, 2, 1e-12, "gelu", 0.1, 0.0);
        DropoutMasks three = DropoutMasks.sample(config, 3, 4, 9, 5, DataType.FLOAT);
        DropoutMasks one = DropoutMasks.sample(config, 1, 4, 9, 5, DataType.FLOAT);
        DropoutMasks hiddenOnly = DropoutMasks.sample(noAttentionDropout, 3, 4, 9, 5, DataType.FLOAT);
        assertEquals(4, one.siteNames().size());
        for (String site : one.siteNames()) {
            assertEquals(0.0, three.get(site).sub(one.get(site)).amaxNumber().doubleValue(), 0.0, site);
        }
        assertEquals(7, hiddenOnly.siteNames().size());
        for (String site : hiddenOnly.siteNames()) {
            assertEquals(0.0, three.get(site).sub(hiddenOnly.get(site)).amaxNumber().doubleValue(), 0.0, site);
        }
        // different sites and different seeds do differ
        assertTrue(three.get(DropoutMasks.output(0)).sub(three.get(DropoutMasks.output(1))).amaxNumber().doubleValue() > 0);
        assertTrue(three.get(DropoutMasks.EMBEDDINGS).sub(DropoutMasks.sample(config, 3, 4, 9, 6, DataType.FLOAT)
                .get(DropoutMasks.EMBEDDINGS)).amaxNumber().doubleValue() > 0);
    }

    @Test
    void rejectsSequencesLongerThanThePositionTable() {
        BertConfig config = new BertConfig(50, 64, 1, 4, 128, 16, 2, 1e-12, "gelu", 0.1, 0.3);
        assertThrows(IllegalArgumentException.class, () -> DropoutMasks.sample(config, 1, 2, 17, 1, DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> DropoutMasks.sample(config, 1, -1, 2, 8, 1, DataType.FLOAT));
    }

    private static DropoutMasks scalar(java.util.function.Supplier<DropoutMasks> draw) {
        System.setProperty("sentence4j.eager.noVectorKernels", "true");
        try {
            return draw.get();
        } finally {
            System.clearProperty("sentence4j.eager.noVectorKernels");
        }
    }

    @Test
    void unitsAreDroppedWithProbabilityPAndScaled() {
        BertConfig config = new BertConfig(50, 64, 1, 4, 128, 512, 2, 1e-12, "gelu", 0.1, 0.3);
        DropoutMasks masks = DropoutMasks.sample(config, 1, 16, 512, 42, DataType.FLOAT);
        INDArray hidden = masks.get(DropoutMasks.EMBEDDINGS);      // p = 0.1
        INDArray probs = masks.get(DropoutMasks.attentionProbs(0)); // p = 0.3
        checkLaw(hidden, 0.1);
        checkLaw(probs, 0.3);
    }

    private static void checkLaw(INDArray mask, double p) {
        double n = mask.length();
        double dropped = mask.eq(0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        double kept = mask.eq((float) (1 / (1 - p))).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        assertEquals(n, dropped + kept, 0.0, "every unit is 0 or 1/(1-p)");
        double sd = Math.sqrt(p * (1 - p) / n);
        assertEquals(p, dropped / n, 5 * sd, "drop rate");
        assertEquals(1.0, mask.castTo(DataType.DOUBLE).meanNumber().doubleValue(), 5 * sd / (1 - p), "mean 1 (inverted dropout)");
        // neighbouring units (the two halves of one draw) are not correlated
        INDArray flat = mask.reshape(-1).eq(0).castTo(DataType.DOUBLE);
        INDArray even = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, flat.length()));
        INDArray odd = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2, flat.length()));
        double both = even.mul(odd).meanNumber().doubleValue();
        assertEquals(p * p, both, 5 * Math.sqrt(p * p * (1 - p * p) / (n / 2)), "P(both halves dropped)");
    }
}
