package org.sentence4j.graphs.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The encoder's SdMath pieces: erf GELU and LayerNorm with epsilon, values and gradients (float64). */
class SdMathEncoderOpsTest {

    private static final double[] XS = {-3.1, -1.0, -0.2, 0.0, 0.4, 1.0, 2.0, 4.5};

    private static double gelu(double x) {
        return 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
    }

    @Test
    void geluIsTheErfFormAndStockGeluIsNot() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.constant(Nd4j.createFromArray(XS));
        INDArray ours = SdMath.geluErf(sd, x).eval();
        INDArray stock = sd.nn.gelu(x).eval();
        double stockError = 0;
        for (int i = 0; i < XS.length; i++) {
            assertEquals(gelu(XS[i]), ours.getDouble(i), 1e-12, "x = " + XS[i]);
            stockError = Math.max(stockError, Math.abs(stock.getDouble(i) - gelu(XS[i])));
        }
        assertTrue(stockError > 1e-3, "sd.nn.gelu is exact now (error " + stockError + "): geluErf can be retired");
    }

    @Test
    void geluGradientIsExact() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.createFromArray(XS));
        sd.setLossVariables(SdMath.geluErf(sd, x).sum().name());
        INDArray g = sd.calculateGradients(Map.of(), "x").get("x");
        for (int i = 0; i < XS.length; i++) {
            double h = 1e-6;
            double numeric = (gelu(XS[i] + h) - gelu(XS[i] - h)) / (2 * h);
            assertEquals(numeric, g.getDouble(i), 1e-8, "x = " + XS[i]);
        }
    }

    @Test
    void layerNormUsesTheEpsilonAndHasExactGradients() {
        double eps = 0.3; // large, so that an ignored epsilon would show
        double[][] x0 = {{0.5, -1.0, 2.0, 0.1}, {3.0, 3.1, 2.9, 3.05}};
        double[] gamma = {1.0, 0.5, -2.0, 1.5};
        double[] beta = {0.1, 0.0, -0.3, 0.2};
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.create(x0));
        SDVariable g = sd.var("g", Nd4j.createFromArray(gamma));
        SDVariable b = sd.var("b", Nd4j.createFromArray(beta));
        SDVariable y = SdMath.layerNorm(sd, x, g, b, eps, 1);
        INDArray w = Nd4j.create(new double[][] {{0.3, -0.7, 1.1, 0.2}, {-0.4, 0.9, 0.5, -1.3}});
        SDVariable loss = y.mul(sd.constant(w)).sum();
        sd.setLossVariables(loss.name());
        INDArray out = y.eval();
        for (int r = 0; r < 2; r++) {
            double mean = 0;
            for (double v : x0[r]) {
                mean += v / 4;
            }
            double var = 0;
            for (double v : x0[r]) {
                var += (v - mean) * (v - mean) / 4;
            }
            for (int j = 0; j < 4; j++) {
                assertEquals((x0[r][j] - mean) / Math.sqrt(var + eps) * gamma[j] + beta[j], out.getDouble(r, j), 1e-12);
            }
        }
        Map<String, INDArray> grads = sd.calculateGradients(Map.of(), "x", "g", "b");
        for (String name : new String[] {"x", "g", "b"}) {
            INDArray arr = sd.getArrForVarName(name);
            INDArray flat = arr.reshape(-1);
            for (int i = 0; i < flat.length(); i++) {
                double v = flat.getDouble(i);
                flat.putScalar(i, v + 1e-6);
                double plus = loss.eval().getDouble(0);
                flat.putScalar(i, v - 1e-6);
                double minus = loss.eval().getDouble(0);
                flat.putScalar(i, v);
                assertEquals((plus - minus) / 2e-6, grads.get(name).reshape(-1).getDouble(i), 1e-8, name + "[" + i + "]");
            }
        }
        assertEquals(DataType.DOUBLE, out.dataType());
    }
}
