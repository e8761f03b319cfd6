package org.sentence4j.graphs.eager;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernels}' LayerNorm forward and backward (with the dense layer's bias, dropout and residual in
 * front) written with the JDK's vector API: the same formulas, one row at a time in registers. Row
 * statistics are summed in float32 lanes (each lane adds H/16 values) and then across lanes, instead of the
 * scalar kernels' double accumulators; for rows of a few hundred values the difference is at float32
 * rounding level. Parameter-gradient sums are kept per fixed chunk of rows and added in chunk order, so
 * results do not depend on the number of threads.
 *
 * <p>Why: the scalar loops with double accumulators do not vectorise, and at ~2 ns per element the
 * LayerNorms of a MiniLM step took ~90 ms, four times what their memory traffic needs. Only loaded when
 * {@link FastRoute#vectorKernels()}.
 */
final class LayerNormKernel {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int CHUNKS = RowKernels.CHUNKS;

    private LayerNormKernel() {
    }

    /** Whether a row width is handled (whole vectors; other widths take the scalar kernels). */
    static boolean supports(int h) {
        return h % L == 0;
    }

    /**
     * {@code z = (y + yBias) * mask + residual} (each optional), then {@code xhat = (z - mean) * rstd},
     * {@code out = xhat * gamma + beta}; keeps xhat and rstd. {@code out} may be {@code y}.
     */
    static void forward(FloatBuffer y, float[] yBias, FloatBuffer mask, FloatBuffer residual, float[] gamma,
                        float[] beta, double eps, FloatBuffer xhat, FloatBuffer rstd, FloatBuffer out, int rows, int h) {
        IntStream.range(0, CHUNKS).parallel().forEach(c -> {
            float[] z = new float[h];
            float[] m = new float[h];
            float[] res = new float[h];
            for (int r = RowKernels.start(c, rows); r < RowKernels.start(c + 1, rows); r++) {
                int o = r * h;
                y.get(o, z);
                if (mask != null) {
                    mask.get(o, m);
                }
                if (residual != null) {
                    residual.get(o, res);
                }
                FloatVector sum = FloatVector.zero(F);
                for (int k = 0; k < h; k += L) {
                    FloatVector v = FloatVector.fromArray(F, z, k);
                    if (yBias != null) {
                        v = v.add(FloatVector.fromArray(F, yBias, k));
                    }
                    if (mask != null) {
                        v = v.mul(FloatVector.fromArray(F, m, k));
                    }
                    if (residual != null) {
                        v = v.add(FloatVector.fromArray(F, res, k));
                    }
                    v.intoArray(z, k);
                    sum = sum.add(v);
                }
                float mean = sum.reduceLanes(VectorOperators.ADD) / h;
                FloatVector sq = FloatVector.zero(F);
                for (int k = 0; k < h; k += L) {
                    FloatVector d = FloatVector.fromArray(F, z, k).sub(mean);
                    d.intoArray(z, k);
                    sq = d.fma(d, sq);
                }
                float inv = (float) (1.0 / Math.sqrt(sq.reduceLanes(VectorOperators.ADD) / h + eps));
                for (int k = 0; k < h; k += L) {
                    FloatVector xh = FloatVector.fromArray(F, z, k).mul(inv);
                    xh.intoArray(z, k);
                    xh.fma(FloatVector.fromArray(F, gamma, k), FloatVector.fromArray(F, beta, k)).intoArray(m, k);
                }
                xhat.put(o, z);
                out.put(o, m);
                rstd.put(r, inv);
            }
        });
    }

    /**
     * Backward: {@code dz = rstd * (d - mean(d) - xhat * mean(d * xhat))} with {@code d = dOut * gamma};
     * returns the chunk-summed {@code sum(dOut * xhat)}, {@code sum(dOut)} and (when dBranch is given and
     * {@code branchSums} set) the column sums of {@code dBranch = dz * mask}, as [3][h] doubles.
     */
    static double[][] backward(FloatBuffer dOut, FloatBuffer xhat, FloatBuffer rstd, float[] gamma, FloatBuffer dz,
                               FloatBuffer mask, FloatBuffer dBranch, boolean branchSums, int rows, int h) {
        float[][][] parts = new float[CHUNKS][3][h];
        IntStream.range(0, CHUNKS).parallel().forEach(c -> {
            float[] d = new float[h];
            float[] x = new float[h];
            float[] m = new float[h];
            float[] pg = parts[c][0];
            float[] pb = parts[c][1];
            float[] py = parts[c][2];
            for (int r = RowKernels.start(c, rows); r < RowKernels.start(c + 1, rows); r++) {
                int o = r * h;
                dOut.get(o, d);
                xhat.get(o, x);
                FloatVector sumD = FloatVector.zero(F);
                FloatVector sumDX = FloatVector.zero(F);
                for (int k = 0; k < h; k += L) {
                    FloatVector dv = FloatVector.fromArray(F, d, k);
                    FloatVector xv = FloatVector.fromArray(F, x, k);
                    dv.fma(xv, FloatVector.fromArray(F, pg, k)).intoArray(pg, k);
                    dv.add(FloatVector.fromArray(F, pb, k)).intoArray(pb, k);
                    FloatVector dg = dv.mul(FloatVector.fromArray(F, gamma, k));
                    dg.intoArray(d, k);
                    sumD = sumD.add(dg);
                    sumDX = dg.fma(xv, sumDX);
                }
                float m1 = sumD.reduceLanes(VectorOperators.ADD) / h;
                float m2 = sumDX.reduceLanes(VectorOperators.ADD) / h;
                float inv = rstd.get(r);
                for (int k = 0; k < h; k += L) {
                    FloatVector xv = FloatVector.fromArray(F, x, k);
                    FloatVector.fromArray(F, d, k).sub(m1).sub(xv.mul(m2)).mul(inv).intoArray(d, k);
                }
                dz.put(o, d);
                if (dBranch != null) {
                    float[] branch = d;
                    if (mask != null) {
                        mask.get(o, m);
                        for (int k = 0; k < h; k += L) {
                            FloatVector.fromArray(F, m, k).mul(FloatVector.fromArray(F, d, k)).intoArray(m, k);
                        }
                        branch = m;
                    }
                    dBranch.put(o, branch);
                    if (branchSums) {
                        for (int k = 0; k < h; k += L) {
                            FloatVector.fromArray(F, branch, k).add(FloatVector.fromArray(F, py, k)).intoArray(py, k);
                        }
                    }
                }
            }
        });
        double[][] total = new double[3][h];
        for (float[][] part : parts) {
            for (int s = 0; s < 3; s++) {
                for (int k = 0; k < h; k++) {
                    total[s][k] += part[s][k];
                }
            }
        }
        return total;
    }
}
