package org.sentence4j.graphs.eager;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The encoder's matrix products: {@code c = alpha · op(a) · op(b) + beta · c}, as {@link Nd4j#gemm}, but for
 * float32 row-major arrays on the CPU backend straight into OpenBLAS's {@code cblas_sgemm} on the arrays'
 * memory.
 *
 * <p>Why: measured on the MiniLM shapes, {@code Nd4j.gemm} ran 0-10 % below a direct call into the same
 * OpenBLAS (15 % for the 384 × 384 attention-output product at 4096 rows), its per-call checks and op set-up
 * being a visible share of a few-millisecond product; a training step makes ~150 of them. Everything else
 * (float64, views with other strides, any backend but the CPU's, the ND4J route or
 * {@code -Dsentence4j.eager.noDirectBlas=true}: {@link FastRoute#directBlas()}) goes through {@code Nd4j.gemm}.
 */
final class Gemm {

    private Gemm() {
    }

    static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        if (FastRoute.directBlas() && rowMajor(a) && rowMajor(b) && rowMajor(c)) {
            DirectBlas.sgemm(a, b, c, transA, transB, (float) alpha, (float) beta);
            return;
        }
        Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
    }

    /** Float32, rank 2, contiguous row-major from offset 0 of its buffer (what the Java kernels read, too). */
    static boolean rowMajor(INDArray x) {
        return x.rank() == 2 && RowKernels.supports(x);
    }
}
