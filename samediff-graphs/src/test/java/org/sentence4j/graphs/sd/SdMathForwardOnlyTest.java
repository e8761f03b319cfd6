package org.sentence4j.graphs.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The helpers for fragments that run forward only and supply their own gradient. */
class SdMathForwardOnlyTest {

    @Test
    void detachIsAnExactCopy() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.randn(type, 5, 7).muli(1e3);
            x.putScalar(0, 0, Double.NEGATIVE_INFINITY);
            x.putScalar(1, 1, -0.0);
            x.putScalar(2, 2, Double.MIN_VALUE);
            SameDiff sd = SameDiff.create();
            INDArray copy = SdMath.detach(sd, sd.constant(x)).eval();
            assertEquals(type, copy.dataType());
            assertEquals(x, copy);
        }
    }

    /** The value is exactly {@code value}; the gradient is the supplied one, scaled by whatever follows. */
    @Test
    void withGradientSuppliesTheGradient() {
        INDArray x0 = Nd4j.create(new double[][] {{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}});
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", x0.dup());
        SDVariable detached = SdMath.detach(sd, x);
        // sum(x^3) computed forward only, its gradient 3x^2 supplied
        SDVariable value = detached.mul(detached).mul(detached).sum();
        SDVariable loss = SdMath.withGradient(sd, value, x, detached.mul(detached).mul(3.0)).mul(-2.0);
        sd.setLossVariables(loss.name());
        assertEquals(-2.0 * x0.mul(x0).mul(x0).sumNumber().doubleValue(), loss.eval().getDouble(0), 0.0);
        INDArray g = sd.calculateGradients(Map.of(), "x").get("x");
        assertEquals(x0.mul(x0).mul(-6.0), g);
    }

    @Test
    void rowsAtAndAddRowsAt() {
        SameDiff sd = SameDiff.create();
        INDArray x = Nd4j.create(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        SDVariable ids = sd.constant(Nd4j.createFromArray(2L, 0L, 2L));
        assertEquals(Nd4j.create(new double[][] {{5, 6}, {1, 2}, {5, 6}}), SdMath.rowsAt(sd, sd.constant(x), ids).eval());
        SDVariable summed = SdMath.addRowsAt(sd, sd.constant(x), ids, sd.constant(Nd4j.scalar(4L)));
        assertEquals(Nd4j.create(new double[][] {{3, 4}, {0, 0}, {6, 8}, {0, 0}}), summed.eval());
    }

    /** Rows of one id are added in row order: bit for bit a sequential float sum, every run. */
    @Test
    void addRowsAtSumsInRowOrder() {
        int n = 4000;
        int dim = 3;
        Random rng = new Random(5);
        float[][] rows = new float[n][dim];
        long[] ids = new long[n];
        float[][] expected = new float[3][dim];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(3);
            for (int d = 0; d < dim; d++) {
                rows[i][d] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(6)));
                expected[(int) ids[i]][d] += rows[i][d];
            }
        }
        SameDiff sd = SameDiff.create();
        SDVariable summed = SdMath.addRowsAt(sd, sd.constant(Nd4j.create(rows)), sd.constant(Nd4j.createFromArray(ids)),
                sd.constant(Nd4j.scalar(3L)));
        for (int run = 0; run < 3; run++) {
            assertEquals(Nd4j.create(expected), summed.eval());
        }
    }
}
