package org.sentence4j.graphs.pooling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.sd.SdMath;

/** Each pooling mode against a hand computation of sentence-transformers' formula. */
class PoolingTest {

    private static final int B = 3;
    private static final int T = 4;
    private static final int H = 3;
    /** Right padding, a full row, and a left-padded row (lasttoken must take the last real token). */
    private static final double[][] MASK = {{1, 1, 1, 0}, {1, 1, 1, 1}, {0, 1, 1, 0}};

    private static double[][][] tokens() {
        double[][][] x = new double[B][T][H];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int h = 0; h < H; h++) {
                    x[b][t][h] = Math.sin(1.7 * b + 0.9 * t + 2.3 * h) * (1 + t) - 0.5 * h;
                }
            }
        }
        // padding holds a very large value: it must never win a max or enter a mean
        x[0][3][1] = 100;
        x[2][0][2] = 100;
        return x;
    }

    private static INDArray run(List<PoolingMode> modes, boolean normalize) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.constant(Nd4j.create(tokens()));
        SDVariable mask = sd.constant(Nd4j.create(MASK));
        SDVariable pooled = Pooling.pool(sd, x, mask, new PoolingConfig(H, modes, true));
        return (normalize ? SdMath.l2Normalize(sd, pooled) : pooled).eval();
    }

    private static double[][] expected(PoolingMode mode) {
        double[][][] x = tokens();
        double[][] out = new double[B][H];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                double sum = 0;
                double count = 0;
                double weighted = 0;
                double weights = 0;
                double max = -1e9;
                int last = 0;
                for (int t = 0; t < T; t++) {
                    if (MASK[b][t] == 1) {
                        sum += x[b][t][h];
                        count++;
                        weighted += (t + 1) * x[b][t][h];
                        weights += t + 1;
                        max = Math.max(max, x[b][t][h]);
                        last = t;
                    }
                }
                out[b][h] = switch (mode) {
                    case CLS -> x[b][0][h];
                    case MAX -> max;
                    case MEAN -> sum / count;
                    case MEAN_SQRT_LEN_TOKENS -> sum / Math.sqrt(count);
                    case WEIGHTED_MEAN -> weighted / weights;
                    case LAST_TOKEN -> x[b][last][h];
                };
            }
        }
        return out;
    }

    @Test
    void everyModeMatchesTheHandComputation() {
        for (PoolingMode mode : PoolingMode.values()) {
            INDArray got = run(List.of(mode), false);
            assertArrayEquals(new long[] {B, H}, got.shape(), mode.toString());
            double[][] want = expected(mode);
            for (int b = 0; b < B; b++) {
                assertArrayEquals(want[b], got.getRow(b).toDoubleVector(), 1e-12, mode + " row " + b);
            }
        }
    }

    @Test
    void modesAreConcatenatedInSentenceTransformersOrder() {
        // sentence-transformers concatenates cls, max, mean, ... whatever order the config lists them in
        INDArray got = run(List.of(PoolingMode.LAST_TOKEN, PoolingMode.MEAN, PoolingMode.CLS), false);
        assertArrayEquals(new long[] {B, 3 * H}, got.shape());
        PoolingMode[] order = {PoolingMode.CLS, PoolingMode.MEAN, PoolingMode.LAST_TOKEN};
        for (int k = 0; k < order.length; k++) {
            double[][] want = expected(order[k]);
            for (int b = 0; b < B; b++) {
                for (int h = 0; h < H; h++) {
                    assertEquals(want[b][h], got.getDouble(b, k * H + h), 1e-12, order[k] + " at " + b + "," + h);
                }
            }
        }
    }

    @Test
    void normalisedOutputHasUnitRows() {
        INDArray got = run(List.of(PoolingMode.MEAN, PoolingMode.MAX), true);
        for (int b = 0; b < B; b++) {
            assertEquals(1.0, got.getRow(b).norm2Number().doubleValue(), 1e-12);
        }
    }

    @Test
    void worksInFloat32WithABatchOfOne() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.constant(Nd4j.create(new float[][][] {{{1f, 2f}}}));
        SDVariable mask = sd.constant(Nd4j.create(new float[][] {{1f}}));
        INDArray got = Pooling.pool(sd, x, mask, new PoolingConfig(2, List.of(PoolingMode.values()), true)).eval();
        assertEquals(DataType.FLOAT, got.dataType());
        assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}, got.toFloatVector(), 1e-6f);
    }
}
