package org.sentence4j.graphs.eager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The direct OpenBLAS product against a float64 product, for every transpose combination and beta 0 and 1. */
class GemmTest {

    @Test
    void directProductsMatchFloat64() {
        Nd4j.getRandom().setSeed(12);
        int m = 37;
        int n = 21;
        int k = 50;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (double beta : new double[] {0.0, 1.0}) {
                    INDArray a = Nd4j.randn(DataType.FLOAT, ta ? k : m, ta ? m : k);
                    INDArray b = Nd4j.randn(DataType.FLOAT, tb ? n : k, tb ? k : n);
                    INDArray c = Nd4j.randn(DataType.FLOAT, m, n);
                    assertTrue(Gemm.rowMajor(a) && Gemm.rowMajor(b) && Gemm.rowMajor(c), "takes the direct path");
                    INDArray a64 = a.castTo(DataType.DOUBLE);
                    INDArray b64 = b.castTo(DataType.DOUBLE);
                    INDArray expected = (ta ? a64.transpose() : a64).mmul(tb ? b64.transpose() : b64).muli(0.5)
                            .addi(c.castTo(DataType.DOUBLE).muli(beta));
                    Gemm.gemm(a, b, c, ta, tb, 0.5, beta);
                    double diff = expected.sub(c.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
                    assertTrue(diff < 1e-4, "transA " + ta + ", transB " + tb + ", beta " + beta + ": " + diff);
                }
            }
        }
    }

    @Test
    void wrongShapesAreRefusedAndOtherLayoutsFallBack() {
        INDArray a = Nd4j.ones(DataType.FLOAT, 4, 3);
        INDArray b = Nd4j.ones(DataType.FLOAT, 5, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(a, b, Nd4j.zeros(DataType.FLOAT, 4, 2), false, false, 1, 0));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
        // an f-order operand and a float64 product take Nd4j.gemm and give the same result
        INDArray f = Nd4j.ones(DataType.FLOAT, 3, 2).dup('f');
        assertTrue(!Gemm.rowMajor(f));
        INDArray out = Nd4j.zeros(DataType.FLOAT, 4, 2);
        Gemm.gemm(a, f, out, false, false, 1, 0);
        assertEquals(3.0, out.getDouble(3, 1), 0.0);
        INDArray out64 = Nd4j.zeros(DataType.DOUBLE, 4, 2);
        Gemm.gemm(a.castTo(DataType.DOUBLE), f.castTo(DataType.DOUBLE), out64, false, false, 2, 0);
        assertEquals(6.0, out64.getDouble(0, 0), 0.0);
    }
}
