package org.sentence4j.graphs.eager;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The bias of the feed-forward input projection and GELU in one pass, written with the JDK's vector API
 * (float32): {@code x = u + bias}, {@code out = x * Phi(x)} and, for training, {@code slope = Phi(x) + x *
 * exp(-x^2 / 2) / sqrt(2 pi)}, with Phi from the same exponential as {@link RowKernels#normalCdf} (Abramowitz
 * and Stegun 7.1.26).
 *
 * <p>Why: GELU runs on the widest activation of a layer ([tokens, 4H]). As ND4J exp plus Java loops it took
 * three passes over memory and ~1.6 ns per element, the largest element-wise cost of a training step; with
 * an inlined vector exp ({@link VectorMath}) and everything kept in registers it is one read of u and one
 * write of each result. Rows are split into fixed chunks; each element is computed alone, so the result
 * does not depend on the number of threads.
 *
 * <p>Only loaded when {@link FastRoute#vectorKernels()}.
 */
final class GeluKernel {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int CHUNKS = RowKernels.CHUNKS;

    private static final float INV_SQRT_2PI = RowKernels.INV_SQRT_2PI;
    private static final float SQRT_HALF = RowKernels.SQRT_HALF;
    private static final float P = RowKernels.P;
    private static final float A1 = RowKernels.A1;
    private static final float A2 = RowKernels.A2;
    private static final float A3 = RowKernels.A3;
    private static final float A4 = RowKernels.A4;
    private static final float A5 = RowKernels.A5;

    private GeluKernel() {
    }

    /**
     * @param u     [rows, width] pre-activation without its bias
     * @param bias  [width] added to every row first, or null
     * @param out   [rows, width] GELU output (may be u)
     * @param slope [rows, width] derivative for the backward pass, or null
     */
    static void gelu(FloatBuffer u, float[] bias, int rows, int width, FloatBuffer out, FloatBuffer slope) {
        IntStream.range(0, CHUNKS).parallel().forEach(c -> {
            float[] x = new float[width];
            float[] g = new float[width];
            float[] s = new float[width];
            for (int r = RowKernels.start(c, rows); r < RowKernels.start(c + 1, rows); r++) {
                int o = r * width;
                u.get(o, x, 0, width);
                row(x, bias, g, slope == null ? null : s, width);
                out.put(o, g, 0, width);
                if (slope != null) {
                    slope.put(o, s, 0, width);
                }
            }
        });
    }

    /** One row: g = GELU(x + bias), s = its slope (when s is not null). */
    static void row(float[] x, float[] bias, float[] g, float[] s, int width) {
        int j = 0;
        for (; j + L <= width; j += L) {
            FloatVector v = FloatVector.fromArray(F, x, j);
            if (bias != null) {
                v = v.add(FloatVector.fromArray(F, bias, j));
            }
            FloatVector density = VectorMath.exp(v.mul(v).mul(-0.5f));
            FloatVector t = v.abs().mul(P * SQRT_HALF).add(1f);
            t = FloatVector.broadcast(F, 1f).div(t);
            FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(F, A3)).fma(t, FloatVector.broadcast(F, A2))
                    .fma(t, FloatVector.broadcast(F, A1)).mul(t);
            FloatVector tail = poly.mul(density).mul(0.5f);
            VectorMask<Float> negative = v.compare(VectorOperators.LT, 0f);
            FloatVector phi = FloatVector.broadcast(F, 1f).sub(tail).blend(tail, negative);
            v.mul(phi).intoArray(g, j);
            if (s != null) {
                v.mul(density).mul(INV_SQRT_2PI).add(phi).intoArray(s, j);
            }
        }
        for (; j < width; j++) {
            float v = bias == null ? x[j] : x[j] + bias[j];
            float density = (float) Math.exp(-0.5f * v * v);
            float phi = RowKernels.normalCdf(v, density);
            g[j] = v * phi;
            if (s != null) {
                s[j] = phi + v * density * INV_SQRT_2PI;
            }
        }
    }

    /**
     * Backward: {@code dg *= slope} in place, returning the column sums of the result (the bias gradient),
     * summed per fixed chunk of rows and then over chunks in order, in double precision.
     */
    static double[] backward(FloatBuffer dg, FloatBuffer slope, int rows, int width) {
        double[][] parts = new double[CHUNKS][width];
        IntStream.range(0, CHUNKS).parallel().forEach(c -> {
            float[] d = new float[width];
            float[] s = new float[width];
            float[] acc = new float[width];
            for (int r = RowKernels.start(c, rows); r < RowKernels.start(c + 1, rows); r++) {
                int o = r * width;
                dg.get(o, d, 0, width);
                slope.get(o, s, 0, width);
                int j = 0;
                for (; j + L <= width; j += L) {
                    FloatVector v = FloatVector.fromArray(F, d, j).mul(FloatVector.fromArray(F, s, j));
                    v.intoArray(d, j);
                    FloatVector.fromArray(F, acc, j).add(v).intoArray(acc, j);
                }
                for (; j < width; j++) {
                    d[j] *= s[j];
                    acc[j] += d[j];
                }
                dg.put(o, d, 0, width);
            }
            for (int j = 0; j < width; j++) {
                parts[c][j] = acc[j];
            }
        });
        double[] total = new double[width];
        for (double[] p : parts) {
            for (int j = 0; j < width; j++) {
                total[j] += p[j];
            }
        }
        return total;
    }
}
