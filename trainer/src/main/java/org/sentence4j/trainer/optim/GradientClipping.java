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

    /** The vector kernels on and a gradient they can read directly (the layout AdamW's fused step reads). */
    private static boolean vectorKernel(INDArray g) {
        return org.sentence4j.graphs.eager.VectorKernels.enabled() && AdamW.fusable(g);
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
