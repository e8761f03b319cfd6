package org.sentence4j.graphs.eager;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row-wise float32 kernels written as plain Java loops over the arrays' native memory: LayerNorm with its
 * dropout-and-residual input, and its backward pass, each in one pass over the rows.
 *
 * <p>Why: as ND4J ops, LayerNorm forward is seven passes (mean, subtract, square, mean, rsqrt, scale, affine)
 * plus two for dropout and residual, and its backward ten; each pass is a native call with its own
 * dispatch, thread fork/join and trip through memory, and on small rows (384 wide) that overhead dominates.
 * A row of 384 floats fits in the first-level cache, so one Java loop that reads it once and writes the
 * results once is several times faster. Statistics are accumulated in double precision. Rows are split
 * into a fixed number of chunks whose partial sums (the parameter gradients) are added in chunk order, so
 * results do not depend on thread scheduling.
 *
 * <p>All arrays must be c-order float32 with contiguous rows starting at offset 0 of their buffer (what the
 * {@link Arena} hands out); {@link #supports} says whether an array qualifies, and the caller asks
 * {@link FastRoute} whether host-memory kernels may run at all (the CPU backend).
 */
final class RowKernels {

    /**
     * Fixed chunking: the result of a reduction is the same whatever the number of threads. Shared with the
     * vector-API kernels ({@link GeluKernel}, {@link LayerNormKernel}).
     */
    static final int CHUNKS = 16;

    private RowKernels() {
    }

    /** Whether the kernels can read {@code a} directly: float32, c-order, contiguous, at offset 0. */
    static boolean supports(INDArray a) {
        return a == null || (a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.offset() == 0
                && a.elementWiseStride() == 1 && a.data().length() >= a.length());
    }

    private static FloatBuffer buf(INDArray a) {
        return a == null ? null : FastRoute.floats(a);
    }

    /**
     * {@code z = y * mask + residual} (mask and residual optional), then LayerNorm of z over each row:
     * {@code xhat = (z - mean) / sqrt(var + eps)}, {@code out = xhat * gamma + beta}; keeps xhat and
     * {@code rstd = 1 / sqrt(var + eps)} [rows] for the backward pass. {@code out} may be {@code y}. With
     * the vector kernels ({@link LayerNormKernel}) {@code yBias}, when given, is added to y first; the scalar
     * loop expects the caller to have added it.
     */
    static void layerNorm(INDArray y, INDArray yBias, INDArray mask, INDArray residual, INDArray gamma, INDArray beta,
                          double eps, INDArray xhat, INDArray rstd, INDArray out) {
        int rows = (int) y.size(0);
        int h = (int) y.size(1);
        FloatBuffer by = buf(y), bm = buf(mask), br = buf(residual), bx = buf(xhat), bs = buf(rstd), bo = buf(out);
        float[] g = gamma.dup().data().asFloat();
        float[] b = beta.dup().data().asFloat();
        if (vector(h)) {
            LayerNormKernel.forward(by, yBias == null ? null : yBias.dup().data().asFloat(), bm, br, g, b, eps, bx, bs, bo,
                    rows, h);
            return;
        }
        if (yBias != null) {
            y.addiRowVector(yBias);
        }
        IntStream.range(0, CHUNKS).parallel().forEach(c -> {
            float[] z = new float[h];
            float[] tmp = new float[h];
            for (int r = start(c, rows); r < start(c + 1, rows); r++) {
                int o = r * h;
                by.get(o, z);
                if (bm != null) {
                    bm.get(o, tmp);
                    for (int k = 0; k < h; k++) {
                        z[k] *= tmp[k];
                    }
                }
                if (br != null) {
                    br.get(o, tmp);
                    for (int k = 0; k < h; k++) {
                        z[k] += tmp[k];
                    }
                }
                double sum = 0;
                for (int k = 0; k < h; k++) {
                    sum += z[k];
                }
                float mean = (float) (sum / h);
                double sq = 0;
                for (int k = 0; k < h; k++) {
                    float d = z[k] - mean;
                    z[k] = d;
                    sq += (double) d * d;
                }
                float inv = (float) (1.0 / Math.sqrt(sq / h + eps));
                for (int k = 0; k < h; k++) {
                    z[k] *= inv;
                    tmp[k] = z[k] * g[k] + b[k];
                }
                bx.put(o, z);
                bo.put(o, tmp);
                bs.put(r, inv);
            }
        });
    }

    /**
     * Backward of {@link #layerNorm}: {@code dz = rstd * (d - mean(d) - xhat * mean(d * xhat))} with
     * {@code d = dOut * gamma}, written to {@code dz}; adds {@code sum(dOut * xhat)} to dGamma and
     * {@code sum(dOut)} to dBeta. When {@code dBranch} is given it also receives {@code dz * mask} (the
     * gradient of the dropped branch y; {@code dz} itself is the residual's), and when {@code dBranchBias} is
     * given the column sums of that gradient are added to it (the bias gradient of the dense layer that
     * produced y, without another pass over its gradient).
     */
    static void layerNormBackward(INDArray dOut, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dGamma,
                                  INDArray dBeta, INDArray dz, INDArray mask, INDArray dBranch, INDArray dBranchBias) {
        int rows = (int) dOut.size(0);
        int h = (int) dOut.size(1);
        FloatBuffer bd = buf(dOut), bx = buf(xhat), bs = buf(rstd), bz = buf(dz), bm = buf(mask), bb = buf(dBranch);
        float[] g = gamma.dup().data().asFloat();
        if (vector(h)) {
            boolean branchSums = dBranch != null && dBranchBias != null;
            double[][] sums = LayerNormKernel.backward(bd, bx, bs, g, bz, bm, bb, branchSums, rows, h);
            addSums(dGamma, sums[0]);
            addSums(dBeta, sums[1]);
            if (branchSums) {
                addSums(dBranchBias, sums[2]);
            }
            return;
        }
        double[][] partGamma = new double[CHUNKS][h];
        double[][] partBeta = new double[CHUNKS][h];
        double[][] partBias = dBranch != null && dBranchBias != null ? new double[CHUNKS][h] : null;
        IntStream.range(0, CHUNKS).parallel().forEach(c -> {
            float[] d = new float[h];
            float[] x = new float[h];
            float[] tmp = new float[h];
            double[] pg = partGamma[c];
            double[] pb = partBeta[c];
            double[] py = partBias == null ? null : partBias[c];
            for (int r = start(c, rows); r < start(c + 1, rows); r++) {
                int o = r * h;
                bd.get(o, d);
                bx.get(o, x);
                double meanD = 0;
                double meanDX = 0;
                for (int k = 0; k < h; k++) {
                    pg[k] += (double) d[k] * x[k];
                    pb[k] += d[k];
                    float dk = d[k] * g[k];
                    d[k] = dk;
                    meanD += dk;
                    meanDX += (double) dk * x[k];
                }
                float m1 = (float) (meanD / h);
                float m2 = (float) (meanDX / h);
                float inv = bs.get(r);
                for (int k = 0; k < h; k++) {
                    d[k] = inv * (d[k] - m1 - x[k] * m2);
                }
                bz.put(o, d);
                if (bb != null) {
                    float[] branch = d;
                    if (bm != null) {
                        bm.get(o, tmp);
                        for (int k = 0; k < h; k++) {
                            tmp[k] *= d[k];
                        }
                        branch = tmp;
                    }
                    bb.put(o, branch);
                    if (py != null) {
                        for (int k = 0; k < h; k++) {
                            py[k] += branch[k];
                        }
                    }
                }
            }
        });
        addRowSums(dGamma, partGamma);
        addRowSums(dBeta, partBeta);
        if (partBias != null) {
            addRowSums(dBranchBias, partBias);
        }
    }

    /** {@code out = -u^2 / 2}, the exponent of the Gaussian density. */
    static void negativeHalfSquare(INDArray u, INDArray out) {
        FloatBuffer bu = buf(u), bo = buf(out);
        forBlocks(u.length(), (o, len, a, b, c) -> {
            bu.get(o, a, 0, len);
            for (int k = 0; k < len; k++) {
                a[k] = -0.5f * a[k] * a[k];
            }
            bo.put(o, a, 0, len);
        });
    }

    /**
     * {@code out = u * Phi(u)} and, if {@code slope} is not null, {@code slope = Phi(u) + u * density / sqrt(2 pi)},
     * given {@code density = exp(-u^2 / 2)}.
     */
    static void gelu(INDArray u, INDArray density, INDArray out, INDArray slope) {
        FloatBuffer bu = buf(u), be = buf(density), bo = buf(out), bs = buf(slope);
        forBlocks(u.length(), (o, len, a, b, c) -> {
            bu.get(o, a, 0, len);
            be.get(o, b, 0, len);
            // normalCdf in three simple loops, which the JIT compiles to vector instructions (one loop is not)
            for (int k = 0; k < len; k++) {
                c[k] = 1f / (1f + P * (Math.abs(a[k]) * SQRT_HALF));
            }
            for (int k = 0; k < len; k++) {
                float t = c[k];
                c[k] = 0.5f * b[k] * t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
            }
            for (int k = 0; k < len; k++) {
                float phi = 0.5f + Math.copySign(0.5f - c[k], a[k]);
                c[k] = a[k] * phi;
                b[k] = phi + a[k] * b[k] * INV_SQRT_2PI;
            }
            bo.put(o, c, 0, len);
            if (bs != null) {
                bs.put(o, b, 0, len);
            }
        });
    }

    // the constants of normalCdf, shared with GeluKernel
    static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));
    static final float SQRT_HALF = (float) Math.sqrt(0.5);
    static final float P = 0.3275911f;
    static final float A1 = 0.254829592f;
    static final float A2 = -0.284496736f;
    static final float A3 = 1.421413741f;
    static final float A4 = -1.453152027f;
    static final float A5 = 1.061405429f;

    /**
     * Phi(u) from {@code density = exp(-u^2 / 2)}: with {@code x = |u| / sqrt 2}, erf(x) is
     * {@code 1 - (a1 t + ... + a5 t^5) exp(-x^2)}, {@code t = 1 / (1 + p x)} (Abramowitz and Stegun 7.1.26,
     * |error| < 1.5e-7), and {@code exp(-x^2)} is the density; evaluated in float32 (about 3e-7 all told).
     * {@link #gelu} computes the same in vectorisable loops.
     */
    static float normalCdf(float u, float density) {
        float t = 1f / (1f + P * (Math.abs(u) * SQRT_HALF));
        float tail = 0.5f * density * t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
        return 0.5f + Math.copySign(0.5f - tail, u);
    }

    /** Work on a block of a flat array: offset, length and three scratch arrays of the block size. */
    private interface Block {
        void run(int offset, int length, float[] a, float[] b, float[] c);
    }

    private static final int BLOCK = 8192;

    /** Runs {@code work} over blocks of {@code n} elements, in parallel by fixed chunks. */
    private static void forBlocks(long n, Block work) {
        int total = Math.toIntExact(n);
        IntStream.range(0, CHUNKS).parallel().forEach(ch -> {
            float[] a = new float[BLOCK];
            float[] b = new float[BLOCK];
            float[] c = new float[BLOCK];
            for (int o = start(ch, total), stop = start(ch + 1, total); o < stop; o += BLOCK) {
                work.run(o, Math.min(BLOCK, stop - o), a, b, c);
            }
        });
    }

    /** Whether rows of width h go to the vector-API kernels. */
    private static boolean vector(int h) {
        return FastRoute.vectorKernels() && LayerNormKernel.supports(h);
    }

    /** Adds h sums to a parameter gradient of length h. */
    static void addSums(INDArray target, double[] sums) {
        target.addi(org.nd4j.linalg.factory.Nd4j.createFromArray(sums).castTo(target.dataType()).reshape(target.shape()));
    }

    /** Adds the chunk partial sums, in chunk order, to a parameter gradient of length h. */
    private static void addRowSums(INDArray target, double[][] parts) {
        int h = parts[0].length;
        double[] total = target.dup().data().asDouble();
        for (double[] p : parts) {
            for (int k = 0; k < h; k++) {
                total[k] += p[k];
            }
        }
        target.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(total).castTo(target.dataType()).reshape(target.shape()));
    }

    /** First row of a chunk (of {@link #CHUNKS}); chunk {@code CHUNKS} gives {@code rows}. */
    static int start(int chunk, int rows) {
        return (int) ((long) rows * chunk / CHUNKS);
    }
}
