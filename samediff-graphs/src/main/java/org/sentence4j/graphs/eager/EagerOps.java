package org.sentence4j.graphs.eager;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The element-wise pieces of a BERT layer with their hand-written backward passes, on flat [rows, width]
 * arrays, writing into arrays the caller owns (no result is allocated beyond per-row statistics).
 *
 * <p>Why hand-written: in SameDiff each of these is several graph ops, and the automatic backward pass adds
 * a gradient op for each, including for the dropout masks and the constants; written out, LayerNorm's
 * backward is five passes over the activation and GELU's seven. Every formula here is checked against
 * SameDiff's automatic gradient and against finite differences in the tests.
 */
final class EagerOps {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private EagerOps() {
    }

    /** {@code out = x W^T + b} for W in PyTorch's [out, in] layout; {@code out} preallocated [rows, out]. */
    static void dense(INDArray x, INDArray w, INDArray b, INDArray out) {
        Gemm.gemm(x, w, out, false, true, 1.0, 0.0);
        out.addiRowVector(b);
    }

    /**
     * Backward of {@link #dense}: adds {@code dOut^T x} to {@code dW} and the column sums of {@code dOut} to
     * {@code db} (unless db is null: the kernel that produced dOut added them already); writes (or, with
     * {@code addToDx}, adds) {@code dOut W} into {@code dx} when it is not null.
     */
    static void denseBackward(INDArray dOut, INDArray x, INDArray w, INDArray dW, INDArray db, INDArray dx,
                              boolean addToDx) {
        Gemm.gemm(dOut, x, dW, true, false, 1.0, 1.0);
        if (db != null) {
            addColumnSums(dOut, db);
        }
        if (dx != null) {
            Gemm.gemm(dOut, w, dx, false, false, 1.0, addToDx ? 1.0 : 0.0);
        }
    }

    /**
     * Adds the column sums of {@code x} [rows, cols] to {@code target} (cols elements, contiguous), as the
     * product {@code ones[1, rows] x}: libnd4j's {@code sum(0)} on a c-order matrix walks each column with a
     * stride, several times slower than the matrix-vector product.
     */
    static void addColumnSums(INDArray x, INDArray target) {
        INDArray row = target.reshape(1, x.size(1));
        Gemm.gemm(ones(x.dataType(), x.size(0)), x, row, false, false, 1.0, 1.0);
        if (row.data() != target.data()) {
            target.assign(row.reshape(target.shape()));
        }
    }

    private static final java.util.Map<org.nd4j.linalg.api.buffer.DataType, INDArray> ONES = new java.util.EnumMap<>(
            org.nd4j.linalg.api.buffer.DataType.class);

    /** A [1, n] row of ones, shared and grown on demand (never written to). */
    private static synchronized INDArray ones(org.nd4j.linalg.api.buffer.DataType dt, long n) {
        INDArray o = ONES.get(dt);
        if (o == null || o.length() < n) {
            o = Nd4j.ones(dt, 1, Math.max(n, 1024));
            ONES.put(dt, o);
        }
        return o.length() == n ? o : o.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).reshape(1, n);
    }

    /**
     * LayerNorm over the columns with PyTorch's formula {@code (z - mean) / sqrt(var + eps) * gamma + beta}
     * (biased variance). Keeps {@code xhat} (the normalised input) and {@code rstd} [rows, 1] for the
     * backward pass; {@code z} may be overwritten (it is used as scratch).
     */
    static void layerNorm(INDArray z, INDArray gamma, INDArray beta, double eps, INDArray xhat, INDArray rstd,
                          INDArray out) {
        INDArray mean = z.mean(1);
        Nd4j.exec(new BroadcastSubOp(z, mean, xhat, 0));
        Nd4j.exec(new MulOp(xhat, xhat, z));
        rstd.assign(z.mean(1).reshape(rstd.shape()));
        rstd.addi(eps);
        Transforms.sqrt(rstd, false).rdivi(1.0);
        INDArray r = rstd.reshape(-1);
        Nd4j.exec(new BroadcastMulOp(xhat, r, xhat, 0));
        Nd4j.exec(new BroadcastMulOp(xhat, gamma, out, 1));
        out.addiRowVector(beta);
    }

    /**
     * {@code LayerNorm((y + yBias) * mask + residual)} (bias, mask and residual optional): the end of an
     * attention or feed-forward block, whose output projection's bias is added here rather than in a pass of
     * its own. One Java pass per row for float32 ({@link RowKernels}), ND4J ops otherwise;
     * {@code y} may be overwritten.
     */
    static void residualLayerNorm(INDArray y, INDArray yBias, INDArray mask, INDArray residual, INDArray gamma,
                                  INDArray beta, double eps, INDArray xhat, INDArray rstd, INDArray out) {
        if (allSupported(y, mask, residual, xhat, rstd, out)) {
            RowKernels.layerNorm(y, yBias, mask, residual, gamma, beta, eps, xhat, rstd, out);
            return;
        }
        if (yBias != null) {
            addRow(y, yBias);
        }
        if (mask != null) {
            y.muli(mask);
        }
        if (residual != null) {
            y.addi(residual);
        }
        layerNorm(y, gamma, beta, eps, xhat, rstd, out);
    }

    /**
     * Backward of {@link #residualLayerNorm}: the residual's gradient goes to {@code dz}, the dropped
     * branch's ({@code dz * mask}) to {@code dBranch} when given, and that gradient's column sums (the bias
     * gradient of the dense layer that produced the branch) to {@code dBranchBias} when given.
     */
    static void residualLayerNormBackward(INDArray dOut, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dGamma,
                                          INDArray dBeta, INDArray dz, INDArray mask, INDArray dBranch,
                                          INDArray dBranchBias, INDArray scratch) {
        if (allSupported(dOut, xhat, rstd, dz, mask, dBranch)) {
            RowKernels.layerNormBackward(dOut, xhat, rstd, gamma, dGamma, dBeta, dz, mask, dBranch, dBranchBias);
            return;
        }
        layerNormBackward(dOut, xhat, rstd, gamma, dGamma, dBeta, dz, scratch);
        if (dBranch != null) {
            if (mask != null) {
                Nd4j.exec(new MulOp(dz, mask, dBranch));
            } else {
                dBranch.assign(dz);
            }
            if (dBranchBias != null) {
                addColumnSums(dBranch, dBranchBias);
            }
        }
    }

    /** The encoder's Java kernels may run ({@link FastRoute#encoderKernels()}) and can read every array directly. */
    private static boolean allSupported(INDArray... arrays) {
        if (!FastRoute.encoderKernels()) {
            return false;
        }
        for (INDArray a : arrays) {
            if (!RowKernels.supports(a)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Backward of {@link #layerNorm}: adds to {@code dGamma}/{@code dBeta}, writes the input gradient into
     * {@code dz} ({@code rstd * (g - mean(g) - xhat * mean(g * xhat))} with {@code g = dOut * gamma}).
     * {@code scratch} is an array of the activation's shape; {@code dOut} is left unchanged.
     */
    static void layerNormBackward(INDArray dOut, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dGamma,
                                  INDArray dBeta, INDArray dz, INDArray scratch) {
        Nd4j.exec(new MulOp(dOut, xhat, scratch));
        addColumnSums(scratch, dGamma);
        addColumnSums(dOut, dBeta);
        Nd4j.exec(new BroadcastMulOp(dOut, gamma, dz, 1));      // g
        Nd4j.exec(new MulOp(dz, xhat, scratch));                 // g * xhat
        INDArray meanGX = scratch.mean(1);
        INDArray meanG = dz.mean(1);
        Nd4j.exec(new BroadcastMulOp(xhat, meanGX, scratch, 0)); // xhat * mean(g xhat)
        dz.subi(scratch);
        Nd4j.exec(new BroadcastSubOp(dz, meanG, dz, 0));
        Nd4j.exec(new BroadcastMulOp(dz, rstd.reshape(-1), dz, 0));
    }

    /**
     * Exact GELU, {@code out = u * Phi(u)} with Phi the standard normal distribution function, and, when
     * {@code slope} is given, its derivative {@code Phi(u) + u * exp(-u^2 / 2) / sqrt(2 pi)} for the backward
     * pass (which then is one product). {@code density} is scratch of u's shape; u is left unchanged.
     *
     * <p>Why not libnd4j's {@code erf}: it costs ~5 ns per element, the largest element-wise cost of a
     * MiniLM layer. In float32, Phi comes from the exponential the slope needs anyway and a five-term
     * polynomial (Abramowitz and Stegun 7.1.26, |error of erf| below 1.5e-7, about one float32 ulp of GELU);
     * float64 (gradient checks) keeps the exact {@code erf}.
     */
    static void gelu(INDArray u, INDArray density, INDArray out, INDArray slope) {
        gaussianDensity(u, density);
        if (allSupported(u, density, out, slope)) {
            RowKernels.gelu(u, density, out, slope);
            return;
        }
        normalCdf(u, out);
        if (slope != null) {
            Nd4j.exec(new MulOp(density, u, slope));
            slope.muli(INV_SQRT_2PI).addi(out);
        }
        out.muli(u);
    }

    /**
     * {@code out = GELU(x W^T + b)} (the feed-forward input projection and its activation) with the slope for
     * the backward pass when {@code slope} is given. With the vector kernels the bias is added inside the GELU
     * pass ({@link GeluKernel}); otherwise {@link #dense} then {@link #gelu}. {@code u} and {@code density} are
     * scratch of the output's shape.
     */
    static void denseGelu(INDArray x, INDArray w, INDArray b, INDArray u, INDArray density, INDArray out,
                          INDArray slope) {
        if (FastRoute.vectorKernels() && allSupported(u, out, slope)) {
            Gemm.gemm(x, w, u, false, true, 1.0, 0.0);
            GeluKernel.gelu(FastRoute.floats(u), b.dup().data().asFloat(), (int) u.size(0), (int) u.size(1),
                    FastRoute.floats(out), slope == null ? null : FastRoute.floats(slope));
            return;
        }
        dense(x, w, b, u);
        gelu(u, density, out, slope);
    }

    /**
     * Backward of GELU on the feed-forward activation: {@code dg *= slope} in place, and the column sums of
     * the result (the gradient of the input projection's bias) added to {@code dBias}, in one pass with the
     * vector kernels.
     */
    static void geluBackward(INDArray dg, INDArray slope, INDArray dBias) {
        if (FastRoute.vectorKernels() && allSupported(dg, slope)) {
            int width = (int) dg.size(1);
            RowKernels.addSums(dBias, GeluKernel.backward(FastRoute.floats(dg), FastRoute.floats(slope),
                    (int) dg.size(0), width));
            return;
        }
        dg.muli(slope);
        addColumnSums(dg, dBias);
    }

    /** {@code density = exp(-u^2 / 2)}. */
    private static void gaussianDensity(INDArray u, INDArray density) {
        if (allSupported(u, density)) {
            RowKernels.negativeHalfSquare(u, density);
        } else {
            Nd4j.exec(new MulOp(u, u, density));
            Nd4j.exec(new ScalarMultiplication(density, null, density, -0.5));
        }
        Nd4j.exec(new Exp(density, density));
    }

    /** {@code out = Phi(u) = 0.5 (1 + erf(u / sqrt 2))} with libnd4j's erf (the exact path). */
    private static void normalCdf(INDArray u, INDArray out) {
        Nd4j.exec(new ScalarMultiplication(u, null, out, SQRT_HALF));
        Nd4j.exec(new Erf(out, out));
        Nd4j.exec(new ScalarMultiplication(out, null, out, 0.5));
        Nd4j.exec(new ScalarAdd(out, null, out, 0.5));
    }

    /**
     * Backward of a softmax over the last dimension of rows {@code p} [rows, n], in place on {@code dp}:
     * {@code dp = p * (dp - sum(dp * p))}. {@code scratch} has the shape of {@code p}.
     */
    static void softmaxBackwardInPlace(INDArray dp, INDArray p, INDArray scratch) {
        Nd4j.exec(new MulOp(dp, p, scratch));
        INDArray dot = scratch.sum(1);
        Nd4j.exec(new BroadcastSubOp(dp, dot, dp, 0));
        dp.muli(p);
    }

    /** {@code x + v} for a row vector v, added in place to every row. */
    static void addRow(INDArray x, INDArray v) {
        Nd4j.exec(new BroadcastAddOp(x, v, x, 1));
    }
}
