package org.sentence4j.trainer.optim;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradient-norm clipping over all parameters together, as PyTorch's {@code clip_grad_norm_}. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The global L2 norm of all gradients. */
    public static double globalNorm(Map<String, INDArray> grads) {
        double sq = 0;
        for (INDArray g : grads.values()) {
            if (vectorKernel(g)) {
                sq += ClippingKernel.sumOfSquares(g.data().asNioFloat(), Math.toIntExact(g.length()));
            } else {
                double n = g.norm2Number().doubleValue();
                sq += n * n;
            }
        }
        return Math.sqrt(sq);
    }

    /** Float32, c-order, contiguous from offset 0, and the vector kernels on. */
    private static boolean vectorKernel(INDArray g) {
        return org.sentence4j.graphs.eager.VectorKernels.enabled()
                && g.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT
                && g.ordering() == 'c' && g.offset() == 0 && g.elementWiseStride() == 1 && !g.isView();
    }

    /** Scales every gradient in place so that the global norm is at most {@code maxNorm}; returns the norm before. */
    public static double clip(Map<String, INDArray> grads, double maxNorm) {
        double norm = globalNorm(grads);
        if (maxNorm > 0 && norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-6);
            for (INDArray g : grads.values()) {
                if (vectorKernel(g)) {
                    ClippingKernel.scale(g.data().asNioFloat(), Math.toIntExact(g.length()), (float) scale);
                } else {
                    g.muli(scale);
                }
            }
        }
        return norm;
    }
}
