package org.sentence4j.graphs.eager;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The vector-API bias + GELU pass against exact GELU (erf) in float64. */
class GeluKernelTest {

    @Test
    void biasGeluAndSlopeMatchFloat64() {
        // 13 rows of 1541 columns: not a whole number of vectors, so the scalar tail runs too
        int rows = 13;
        int width = 1541;
        INDArray u = Nd4j.linspace(-7, 7, (long) rows * width, DataType.DOUBLE).reshape(rows, width);
        INDArray bias = Nd4j.linspace(-0.5, 0.5, width, DataType.DOUBLE);
        INDArray uf = u.castTo(DataType.FLOAT);
        INDArray out = uf.ulike();
        INDArray slope = uf.ulike();
        GeluKernel.gelu(uf.data().asNioFloat(), bias.castTo(DataType.FLOAT).data().asFloat(), rows, width,
                out.data().asNioFloat(), slope.data().asNioFloat());

        INDArray v = u.castTo(DataType.FLOAT).castTo(DataType.DOUBLE).addRowVector(bias.castTo(DataType.FLOAT).castTo(DataType.DOUBLE));
        INDArray[] exact = RowKernelsTest.exactGelu(v);
        double outErr = exact[0].sub(out.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double slopeErr = exact[1].sub(slope.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(outErr < 2e-6, "GELU max error " + outErr);
        assertTrue(slopeErr < 1e-6, "GELU' max error " + slopeErr);

        // without slope and without bias, in place
        INDArray w = uf.dup();
        GeluKernel.gelu(w.data().asNioFloat(), null, rows, width, w.data().asNioFloat(), null);
        INDArray x0 = u.castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
        double err0 = RowKernelsTest.exactGelu(x0)[0].sub(w.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(err0 < 2e-6, "in-place GELU max error " + err0);
    }
}
