package org.sentence4j.graphs.sd;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.custom.BitCast;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place where sentence4j works around SameDiff 1.0.0-M2.1 ops whose gradients are broken.
 *
 * <p>Every loss and every encoder graph builds these patterns through this class, never through the
 * stock op, so that a fix in a later ND4J release is a change here only. Each workaround is pinned by a
 * test in {@code SameDiffDefectsTest} that shows the stock op misbehaving, and is described in
 * {@code docs/samediff-workarounds.md}.
 *
 * <ul>
 *   <li>{@code sd.loss.*} ignore the upstream gradient, and {@code logSoftmax(x, dim)} /
 *       {@code logSumExp(x, dim)} cannot be differentiated: cross-entropy and log-softmax are written
 *       here as a max-shifted log-sum-exp.</li>
 *   <li>{@code x.div(y)} gives a wrong gradient to a one-element divisor: division by a norm is a
 *       multiplication by its reciprocal.</li>
 *   <li>{@code mmul} with transpose flags and a [1,1] result has wrong gradients: transposes are
 *       explicit.</li>
 *   <li>{@code expandDims} returns a [1,1] input unchanged: {@link #insertAxis} reshapes instead.</li>
 *   <li>{@code softplus} overflows in float32; {@code where} and {@code eye(dynamic)} have no gradient
 *       or do not run: masks are arithmetic.</li>
 *   <li>the backward pass of {@code setDiag} kills the JVM (SIGFPE) for matrices of 46 or more rows: the
 *       identity mask is {@code diag(ones)}.</li>
 *   <li>{@code gather} has a broken backward pass and {@code scatter_add} sums repeated rows in thread order:
 *       {@link #rowsAt} gathers {@link #detach}ed values only, {@link #addRowsAt} sums in row order.</li>
 * </ul>
 *
 * <p>Not a defect but a cost: every op of SameDiff's generated backward pass allocates its full-size output,
 * so a B×B fragment (masks, mining) costs a few B×B arrays per op in both directions. {@link #withGradient}
 * lets a loss compute such a fragment forward only and supply its (much cheaper) gradient itself.
 */
public final class SdMath {

    /** Stand-in for minus infinity in masks: exp(NEG_LARGE - finite) is exactly 0 in float32 and float64. */
    public static final double NEG_LARGE = -1.0e9;

    private SdMath() {
    }

    /** Row-wise L2 normalisation {@code x / max(||x||, eps)} along dimension 1 (sentence-transformers' eps: 1e-12). */
    public static SDVariable l2Normalize(SameDiff sd, SDVariable x, double eps) {
        SDVariable norm = sd.math.max(x.norm2(true, 1), sd.constant(eps).castTo(x.dataType()));
        return x.mul(reciprocal(sd, norm));
    }

    /** Row-wise L2 normalisation with sentence-transformers' eps of 1e-12. */
    public static SDVariable l2Normalize(SameDiff sd, SDVariable x) {
        return l2Normalize(sd, x, 1e-12);
    }

    /** {@code 1 / x}, with a correct gradient also when {@code x} has a single element (unlike {@code div}). */
    public static SDVariable reciprocal(SameDiff sd, SDVariable x) {
        return sd.math.pow(x, -1.0);
    }

    /** {@code a / b} computed as {@code a * (1/b)}, so that a one-element {@code b} gets the right gradient. */
    public static SDVariable divide(SameDiff sd, SDVariable a, SDVariable b) {
        return a.mul(reciprocal(sd, b));
    }

    /** {@code a · bᵀ} for two row matrices [n,D] and [m,D], with an explicit transpose (see class notes). */
    public static SDVariable matmulTransposed(SameDiff sd, SDVariable a, SDVariable b) {
        return sd.mmul(a, sd.transpose(b));
    }

    /** Row-wise dot products of two [n,D] matrices, as a [n] vector. */
    public static SDVariable rowDot(SDVariable a, SDVariable b) {
        return a.mul(b).sum(1);
    }

    /** log-sum-exp along {@code dim}, keeping the dimension, shifted by the maximum (stable, differentiable). */
    public static SDVariable logSumExp(SameDiff sd, SDVariable x, int dim) {
        SDVariable max = stopGradient(sd, x.max(true, dim));
        return sd.math.log(sd.math.exp(x.sub(max)).sum(true, dim)).add(max);
    }

    /** log-softmax along any dimension: {@code x - logSumExp(x, dim)}; never {@code log(softmax)}. */
    public static SDVariable logSoftmax(SameDiff sd, SDVariable x, int dim) {
        return x.sub(logSumExp(sd, x, dim));
    }

    /**
     * Cross-entropy of each row of {@code logits} [n,c] against the logit of its target, given as an
     * [n,1] column: {@code logsumexp(row) - target}. Returns an [n] vector. Entries masked with
     * {@link #NEG_LARGE} drop out of the sum with a zero gradient.
     */
    public static SDVariable crossEntropyRows(SameDiff sd, SDVariable logits, SDVariable targetLogit) {
        return logSumExp(sd, logits, 1).sub(targetLogit).reshape(-1);
    }

    /** Cross-entropy of each row against an integer target given as a one-hot [n,c] matrix. Returns [n]. */
    public static SDVariable crossEntropyOneHot(SameDiff sd, SDVariable logits, SDVariable oneHot) {
        return crossEntropyRows(sd, logits, logits.mul(oneHot).sum(true, 1));
    }

    /** {@code log(1 + exp(x))} without overflow: {@code relu(x) + log1p(exp(-|x|))}. */
    public static SDVariable softplus(SameDiff sd, SDVariable x) {
        return sd.nn.relu(x, 0.0).add(sd.math.log1p(sd.math.exp(sd.math.abs(x).neg())));
    }

    /** Binary cross-entropy with logits, elementwise and stable: {@code relu(z) - z*y + log1p(exp(-|z|))}. */
    public static SDVariable bceWithLogits(SameDiff sd, SDVariable z, SDVariable y) {
        return softplus(sd, z).sub(z.mul(y));
    }

    /** {@code max(x, 0)}. */
    public static SDVariable relu(SameDiff sd, SDVariable x) {
        return sd.nn.relu(x, 0.0);
    }

    /**
     * Identity matrix of the (dynamic) size of a square matrix {@code like}; {@code eye} needs a static size.
     * Built with {@code diag(ones)}, not {@code setDiag(zeros, ones)}: the backward pass of {@code matrix_set_diag}
     * crashes the JVM (SIGFPE in libnd4j's {@code matrixSetDiag_}) once the matrix has 46 or more rows.
     */
    public static SDVariable identityLike(SameDiff sd, SDVariable like) {
        return sd.math.diag(sd.onesLike(sd.math.diagPart(like)));
    }

    /**
     * Replaces entries where {@code mask} is 1 by {@link #NEG_LARGE}; entries where it is 0 keep their
     * value and gradient. Masked entries get a zero gradient ({@code where} has none in M2.1, and a true
     * minus infinity turns into NaN as soon as it meets a multiplication by zero).
     */
    public static SDVariable maskFill(SameDiff sd, SDVariable x, SDVariable mask) {
        SDVariable keep = mask.rsub(1.0);
        return x.mul(keep).add(mask.mul(NEG_LARGE));
    }

    /** Identity in the forward pass, zero gradient in the backward pass (a detached copy). */
    public static SDVariable stopGradient(SameDiff sd, SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }

    /**
     * An exact copy of {@code x} that SameDiff does not differentiate through at all: a bit cast to the integer
     * type of the same width and back. {@link #stopGradient} stops the gradient's value, but SameDiff still
     * builds backward ops for everything computed from its output (they are pruned at run time); building
     * them fails for ops without a working gradient ({@code where}; a second {@code gather} in the same graph,
     * whose gradient always defines a sub-function named {@code sliceputs}). SameDiff's gradient analysis
     * follows floating-point values only, so nothing computed from this copy gets a backward op. For
     * forward-only fragments whose gradient is supplied with {@link #withGradient}.
     */
    public static SDVariable detach(SameDiff sd, SDVariable x) {
        DataType type = x.dataType();
        if (!type.isFPType()) {
            return x;   // not differentiated anyway
        }
        DataType bits = type.width() == 8 ? DataType.INT64 : type.width() == 4 ? DataType.INT32 : DataType.INT16;
        return bitCast(sd, bitCast(sd, x, bits), type);
    }

    /**
     * The bits of a floating-point {@code x} as the integer type of the same width ({@link #fromBits} undoes it
     * exactly). Why: values that pass through a SameDiff while loop as floating-point loop variables make SameDiff
     * try to build the gradient of the loop's {@code Exit} op, which it cannot; as integers they are not
     * differentiated at all. For forward-only loops whose gradient is supplied with {@link #withGradient}.
     */
    public static SDVariable toBits(SameDiff sd, SDVariable x) {
        DataType type = x.dataType();
        return bitCast(sd, x, type.width() == 8 ? DataType.INT64 : type.width() == 4 ? DataType.INT32 : DataType.INT16);
    }

    /** The floating-point values of type {@code type} whose bits {@link #toBits} gave. */
    public static SDVariable fromBits(SameDiff sd, SDVariable bits, DataType type) {
        return bitCast(sd, bits, type);
    }

    private static SDVariable bitCast(SameDiff sd, SDVariable x, DataType to) {
        BitCast op = new BitCast(sd, x, sd.constant(Nd4j.scalar(to.toInt())));
        op.addIArgument(to.toInt());
        return op.outputVariable();
    }

    /**
     * A custom gradient: the scalar {@code value} in the forward pass, whose gradient with respect to
     * {@code input} is {@code gradient} (an array of the shape of {@code input}, computed in the forward pass)
     * and which passes no gradient along any other path. Built as
     * {@code stopGradient(value) + (t − stopGradient(t))} with {@code t = sum(input ⊙ stopGradient(gradient))}:
     * the bracket is exactly 0 for a finite {@code t}, so the value is {@code value} to the last bit, and its
     * gradient is {@code gradient} times whatever multiplies the result downstream.
     *
     * <p>Why: a loss that masks and mines a B×B matrix needs a handful of element-wise ops, and SameDiff's
     * generated backward pass adds one or two full-size arrays per op even where the gradient is non-zero in
     * one entry per row; at B = 4096 each such array costs tens of milliseconds to allocate. With this, the
     * B×B part runs forward only (computed from {@link #detach}ed inputs, so ops without a gradient, such as
     * {@code argmax} or {@code gather}, may be used there) and the loss supplies the gradient of its inputs
     * directly. The caller is responsible for {@code gradient} being the derivative of {@code value}; the losses
     * that use this are checked against finite differences.
     */
    public static SDVariable withGradient(SameDiff sd, SDVariable value, SDVariable input, SDVariable gradient) {
        SDVariable link = input.mul(stopGradient(sd, gradient)).sum();
        return stopGradient(sd, value).add(link.sub(stopGradient(sd, link)));
    }

    /**
     * Rows {@code ids} [n] (integers) of {@code x} [m,D] as an [n,D] matrix, forward only: {@code x} is
     * {@link #detach}ed first, since {@code gather}'s backward pass is broken in M2.1 (and cannot even be built
     * twice in one graph).
     */
    public static SDVariable rowsAt(SameDiff sd, SDVariable x, SDVariable ids) {
        return sd.gather(detach(sd, x), ids, 0);
    }

    /**
     * The [count,D] matrix whose row k is the sum of the rows of {@code rows} [n,D] with {@code ids[i] == k}
     * (0 for a k that no id names), summed in the order of the rows: the transpose of {@link #rowsAt}. Forward
     * only ({@code rows} is detached). {@code unsorted_segment_sum} is used rather than {@code scatter_add},
     * whose multi-threaded kernel adds the rows of a repeated id in whatever order its threads reach them
     * (last-bit differences from run to run).
     */
    public static SDVariable addRowsAt(SameDiff sd, SDVariable rows, SDVariable ids, SDVariable count) {
        return new UnsortedSegmentSum(sd, detach(sd, rows), ids, count).outputVariable();
    }

    /** 1.0 where {@code a > b}, else 0.0, in the data type of {@code a}; no gradient flows through it. */
    public static SDVariable greaterThan(SDVariable a, SDVariable b) {
        return a.gt(b).castTo(a.dataType());
    }

    /** 1.0 where {@code a == b}, else 0.0, in the data type of {@code a}. */
    public static SDVariable equalTo(SDVariable a, SDVariable b) {
        return a.eq(b).castTo(a.dataType());
    }

    /**
     * {@code sqrt(x)} for {@code x >= 0} whose gradient is 0 (not infinite) where {@code x} is 0: the
     * convention sentence-transformers uses for zero distances. Negative inputs (rounding) count as 0.
     */
    public static SDVariable safeSqrt(SameDiff sd, SDVariable x) {
        SDVariable clamped = relu(sd, x);
        SDVariable zero = clamped.lte(0.0).castTo(x.dataType());
        return sd.math.sqrt(clamped.add(zero.mul(1e-16))).mul(zero.rsub(1.0));
    }

    /**
     * {@code x} (of the given rank) with a unit axis inserted at {@code axis}, sizes taken at run time.
     * {@code sd.expandDims} cannot be used: in M2.1 it returns a [1,1] input unchanged (still rank 2), so a
     * batch of one breaks every later reduction over the new axis. A reshape to a shape computed in the
     * graph keeps sizes dynamic and has a correct gradient.
     */
    public static SDVariable insertAxis(SameDiff sd, SDVariable x, int axis, int rank) {
        SDVariable shape = sd.shape(x);
        List<SDVariable> parts = new ArrayList<>();
        if (axis > 0) {
            parts.add(sd.slice(shape, new int[] {0}, axis));
        }
        parts.add(sd.constant(Nd4j.createFromArray(1L)).castTo(shape.dataType()));
        if (axis < rank) {
            parts.add(sd.slice(shape, new int[] {axis}, rank - axis));
        }
        return sd.reshape(x, sd.concat(0, parts.toArray(new SDVariable[0])));
    }

    /** {@code x[i] - y[j]} for every pair of rows of x [n,D] and y [m,D], as an [n,m,D] tensor. */
    public static SDVariable pairwiseDifferences(SameDiff sd, SDVariable x, SDVariable y) {
        return insertAxis(sd, x, 1, 2).sub(insertAxis(sd, y, 0, 2));
    }

    /** All-pairs Euclidean distances between the rows of x [n,D] and y [m,D], zero gradient at zero distance. */
    public static SDVariable pairwiseEuclidean(SameDiff sd, SDVariable x, SDVariable y) {
        SDVariable diff = pairwiseDifferences(sd, x, y);
        return safeSqrt(sd, diff.mul(diff).sum(2));
    }

    /** All-pairs Manhattan distances between the rows of x [n,D] and y [m,D]. */
    public static SDVariable pairwiseManhattan(SameDiff sd, SDVariable x, SDVariable y) {
        SDVariable diff = pairwiseDifferences(sd, x, y);
        return sd.math.abs(diff).sum(2);
    }

    /** Row-aligned Euclidean distances of two [n,D] matrices as an [n] vector, zero gradient at zero. */
    public static SDVariable rowEuclidean(SameDiff sd, SDVariable x, SDVariable y) {
        SDVariable diff = x.sub(y);
        return safeSqrt(sd, diff.mul(diff).sum(1));
    }

    /** Row-aligned Manhattan distances of two [n,D] matrices as an [n] vector. */
    public static SDVariable rowManhattan(SameDiff sd, SDVariable x, SDVariable y) {
        return sd.math.abs(x.sub(y)).sum(1);
    }

    /** Row-aligned cosine similarity as PyTorch's {@code cosine_similarity} (each norm clamped at {@code eps}). */
    public static SDVariable rowCosine(SameDiff sd, SDVariable x, SDVariable y, double eps) {
        return rowDot(l2Normalize(sd, x, eps), l2Normalize(sd, y, eps));
    }

    /** Mean of all entries as a scalar. */
    public static SDVariable mean(SDVariable x) {
        return x.mean();
    }

    /**
     * The exact GELU of BERT ({@code hidden_act = "gelu"}): {@code 0.5 x (1 + erf(x / sqrt 2))}, as PyTorch's
     * default {@code nn.GELU()}. {@code sd.nn.gelu} is the sigmoid approximation {@code x sigmoid(1.702 x)},
     * which differs by up to ~2e-2 and would change every pretrained model's embeddings.
     */
    public static SDVariable geluErf(SameDiff sd, SDVariable x) {
        return x.mul(0.5).mul(sd.math.erf(x.div(Math.sqrt(2.0))).add(1.0));
    }

    /**
     * Layer normalisation over {@code dimension} with the model's epsilon, as PyTorch's {@code LayerNorm}:
     * {@code (x - mean) / sqrt(var + eps) * gamma + beta} with the biased variance. {@code sd.nn.layerNorm}
     * takes no epsilon, so it cannot reproduce {@code layer_norm_eps} (1e-12 for BERT); this is built from
     * differentiable primitives instead.
     */
    public static SDVariable layerNorm(SameDiff sd, SDVariable x, SDVariable gamma, SDVariable beta, double eps,
                                       int dimension) {
        SDVariable centered = x.sub(x.mean(true, dimension));
        SDVariable variance = centered.mul(centered).mean(true, dimension);
        return centered.mul(sd.math.pow(variance.add(eps), -0.5)).mul(gamma).add(beta);
    }
}
