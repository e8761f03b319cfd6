package org.sentence4j.trainer.optim;

import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sentence4j.graphs.eager.FastRoute;

/** Gradient-norm clipping over all parameters together, as PyTorch's {@code clip_grad_norm_}. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The global L2 norm of all gradients. */
    public static double globalNorm(Map<String, INDArray> grads) {
        double sq = 0;
        for (INDArray g : grads.values()) {
            if (vectorKernel(g)) {
                sq += ClippingKernel.sumOfSquares(FastRoute.floats(g), Math.toIntExact(g.length()));
            } else {
                sq += sumOfSquares(g);
            }
        }
        return Math.sqrt(sq);
    }

    /** Elements per row of {@link #sumOfSquares}: libnd4j sums a row's squares in float32, accurately at this length. */
    private static final long ROW = 1024;

    /**
     * The sum of squares of a gradient through ND4J ops (the route of every backend but the CPU's): the norms of
     * rows of {@value #ROW} elements, then their squares summed in float64. One {@code norm2Number} over a
     * whole tensor sums its squares in float32, which over the 11.7 M of MiniLM's word embeddings drifted
     * 5e-5 from the float64 value.
     */
    private static double sumOfSquares(INDArray g) {
        INDArray flat = g.reshape(g.length());
        long n = flat.length();
        long rows = n / ROW;
        double sq = 0;
        if (rows > 0) {
            INDArray norms = flat.get(NDArrayIndex.interval(0, rows * ROW)).reshape(rows, ROW).norm2(1).castTo(DataType.DOUBLE);
            sq += norms.mul(norms).sumNumber().doubleValue();
        }
        if (n > rows * ROW) {
            double tail = flat.get(NDArrayIndex.interval(rows * ROW, n)).norm2Number().doubleValue();
            sq += tail * tail;
        }
        return sq;
    }

    /** The vector kernels on ({@link FastRoute}) and a gradient they can read directly (as AdamW's fused step). */
    private static boolean vectorKernel(INDArray g) {
        return FastRoute.vectorKernels() && AdamW.fusable(g);
    }

    /** Scales every gradient in place so that the global norm is at most {@code maxNorm}; returns the norm before. */
    public static double clip(Map<String, INDArray> grads, double maxNorm) {
        double norm = globalNorm(grads);
        if (maxNorm > 0 && norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-6);
            for (INDArray g : grads.values()) {
                if (vectorKernel(g)) {
                    ClippingKernel.scale(FastRoute.floats(g), Math.toIntExact(g.length()), (float) scale);
                } else {
                    g.muli(scale);
                }
            }
        }
        return norm;
    }
}
