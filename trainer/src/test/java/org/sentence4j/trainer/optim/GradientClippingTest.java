package org.sentence4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The global gradient norm against a float64 sum, and clipping to the maximum norm. */
class GradientClippingTest {

    private static Map<String, INDArray> grads() {
        Nd4j.getRandom().setSeed(11);
        Map<String, INDArray> g = new LinkedHashMap<>();
        g.put("big", Nd4j.randn(DataType.FLOAT, 300_007));                     // several chunks and a tail
        g.put("matrix", Nd4j.randn(DataType.FLOAT, 33, 17).muli(3));
        g.put("view", Nd4j.randn(DataType.FLOAT, 20, 10).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));                  // a view: the ND4J path
        return g;
    }

    @Test
    void normMatchesFloat64AndClippingReachesTheMaximum() {
        Map<String, INDArray> g = grads();
        double exact = 0;
        for (INDArray a : g.values()) {
            double n = a.castTo(DataType.DOUBLE).norm2Number().doubleValue();
            exact += n * n;
        }
        exact = Math.sqrt(exact);
        assertEquals(exact, GradientClipping.globalNorm(g), exact * 1e-6);
        // the ND4J route (every backend but the CPU's) as well: float32 norms of short rows, summed in float64
        System.setProperty(org.sentence4j.graphs.eager.FastRoute.ROUTE_PROPERTY, "nd4j");
        try {
            assertEquals(exact, GradientClipping.globalNorm(g), exact * 1e-6);
        } finally {
            System.clearProperty(org.sentence4j.graphs.eager.FastRoute.ROUTE_PROPERTY);
        }

        Map<String, INDArray> before = new LinkedHashMap<>();
        g.forEach((k, v) -> before.put(k, v.dup()));
        double returned = GradientClipping.clip(g, 1.0);
        assertEquals(exact, returned, exact * 1e-6);
        assertEquals(1.0, GradientClipping.globalNorm(g), 1e-5);
        float scale = (float) (1.0 / (returned + 1e-6));
        for (String k : g.keySet()) {
            assertEquals(0.0, before.get(k).mul(scale).sub(g.get(k)).amaxNumber().doubleValue(), 1e-7, k);
        }
        // below the maximum nothing changes
        Map<String, INDArray> small = grads();
        small.values().forEach(a -> a.muli(1e-4));
        Map<String, INDArray> copy = new LinkedHashMap<>();
        small.forEach((k, v) -> copy.put(k, v.dup()));
        GradientClipping.clip(small, 1e6);
        // bit for bit: INDArray.equals compares within 1e-5, which these 1e-4-sized gradients would pass even if
        // they had been scaled by 0.9
        small.forEach((k, v) -> assertEquals(0.0, copy.get(k).sub(v).amaxNumber().doubleValue(), 0.0, k));
    }
}
