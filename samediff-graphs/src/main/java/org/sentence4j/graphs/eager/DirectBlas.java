package org.sentence4j.graphs.eager;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

import java.util.Arrays;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code cblas_sgemm} on row-major float32 arrays. A separate class so that the OpenBLAS bindings are only
 * loaded on the CPU backend ({@link Gemm} decides).
 */
final class DirectBlas {

    private DirectBlas() {
    }

    static void sgemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, float alpha, float beta) {
        long m = c.size(0);
        long n = c.size(1);
        long k = transA ? a.size(0) : a.size(1);
        long aRows = transA ? a.size(1) : a.size(0);
        long bRows = transB ? b.size(1) : b.size(0);
        long bCols = transB ? b.size(0) : b.size(1);
        if (aRows != m || bRows != k || bCols != n) {
            // a wrong shape would read or write past the arrays: refuse before the native call
            throw new IllegalArgumentException("matrix product shapes do not fit: op(a) " + aRows + "x" + k + ", op(b) "
                    + bRows + "x" + bCols + ", c " + Arrays.toString(c.shape()));
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int) m,
                (int) n, (int) k, alpha, (FloatPointer) a.data().pointer(), (int) a.size(1),
                (FloatPointer) b.data().pointer(), (int) b.size(1), beta, (FloatPointer) c.data().pointer(), (int) c.size(1));
    }
}
