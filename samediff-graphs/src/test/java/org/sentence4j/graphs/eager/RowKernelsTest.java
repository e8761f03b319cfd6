package org.sentence4j.graphs.eager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;

/** The float32 Java kernels against float64 references. */
class RowKernelsTest {

    @Test
    void normalCdfIsWithinAFewFloatUlpsOfTheExactOne() {
        int n = 160_001;
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = -8 + 16.0 * i / (n - 1);
        }
        INDArray x = Nd4j.createFromArray(u).muli(Math.sqrt(0.5));
        INDArray erf = Nd4j.exec(new Erf(x, x.ulike()));
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double exact = 0.5 * (1 + erf.getDouble(i));
            float v = (float) u[i];
            double approx = RowKernels.normalCdf(v, (float) Math.exp(-0.5 * v * v));
            worst = Math.max(worst, Math.abs(approx - exact));
        }
        assertTrue(worst < 4e-7, "max |Phi error| " + worst);
        assertEquals(0.5, RowKernels.normalCdf(0f, 1f), 1e-7);
    }

    @Test
    void geluAndItsDerivativeMatchFloat64() {
        int n = 20_000;
        INDArray u = Nd4j.linspace(-7, 7, n, DataType.DOUBLE);
        INDArray uf = u.castTo(DataType.FLOAT);
        INDArray density = Nd4j.math().exp(uf.mul(uf).muli(-0.5));
        INDArray out = uf.ulike();
        INDArray dy = uf.ulike();
        RowKernels.gelu(uf, density, out, dy);
        INDArray[] exact = exactGelu(u);
        double outErr = exact[0].sub(out.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double slopeErr = exact[1].sub(dy.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(outErr < 2e-6, "GELU max error " + outErr);
        assertTrue(slopeErr < 1e-6, "GELU' max error " + slopeErr);
    }

    /** GELU {@code u * Phi(u)} and its slope {@code Phi(u) + u * exp(-u^2 / 2) / sqrt(2 pi)} in float64, with erf. */
    static INDArray[] exactGelu(INDArray u) {
        INDArray x = u.mul(Math.sqrt(0.5));
        INDArray phi = Nd4j.exec(new Erf(x, x.ulike())).addi(1).muli(0.5);
        INDArray slope = phi.add(u.mul(Nd4j.math().exp(u.mul(u).muli(-0.5))).muli(1 / Math.sqrt(2 * Math.PI)));
        return new INDArray[] {phi.mul(u), slope};
    }
}
