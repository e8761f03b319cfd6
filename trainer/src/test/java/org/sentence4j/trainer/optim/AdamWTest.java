package org.sentence4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The in-place AdamW equals PyTorch's AdamW formula written out with fresh arrays, step after step. */
class AdamWTest {

    @Test
    void inPlaceUpdateEqualsTheFormula() {
        Nd4j.getRandom().setSeed(1);
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("layer.dense.weight", Nd4j.randn(DataType.FLOAT, 7, 5));
        params.put("layer.dense.bias", Nd4j.randn(DataType.FLOAT, 5));
        params.put("LayerNorm.weight", Nd4j.randn(DataType.FLOAT, 3));
        Map<String, INDArray> ref = new LinkedHashMap<>();
        params.forEach((k, v) -> ref.put(k, v.dup()));
        Map<String, INDArray> m = new LinkedHashMap<>();
        Map<String, INDArray> v = new LinkedHashMap<>();
        AdamW adam = AdamW.withWeightDecay(0.01);
        double lr = 1e-2;
        for (int step = 1; step <= 4; step++) {
            Map<String, INDArray> grads = new LinkedHashMap<>();
            params.forEach((k, p) -> grads.put(k, Nd4j.randn(DataType.FLOAT, p.shape())));
            adam.step(params, grads, lr);
            double bc1 = 1 - Math.pow(0.9, step);
            double bc2 = 1 - Math.pow(0.999, step);
            for (String k : ref.keySet()) {
                INDArray p = ref.get(k);
                INDArray g = grads.get(k);
                INDArray mi = m.computeIfAbsent(k, x -> Nd4j.zeros(DataType.FLOAT, p.shape()));
                INDArray vi = v.computeIfAbsent(k, x -> Nd4j.zeros(DataType.FLOAT, p.shape()));
                if (AdamW.decays(k)) {
                    p.muli(1 - lr * 0.01);
                }
                mi.muli(0.9).addi(g.mul(1 - 0.9));
                vi.muli(0.999).addi(g.mul(g).muli(1 - 0.999));
                INDArray denom = Transforms.sqrt(vi, true).divi(Math.sqrt(bc2)).addi(1e-8);
                p.subi(mi.div(denom).muli(lr / bc1));
                assertEquals(0.0, p.sub(params.get(k)).amaxNumber().doubleValue(), 0.0, k + " at step " + step);
            }
        }
    }

    @Test
    void vectorAndScalarUpdatesAreBitIdentical() {
        // 150,001 elements: several parallel chunks and a tail shorter than a vector
        assertTrue(org.sentence4j.graphs.eager.VectorKernels.enabled(), "tests run with the vector module");
        Nd4j.getRandom().setSeed(3);
        INDArray p0 = Nd4j.randn(DataType.FLOAT, 150_001);
        Map<String, INDArray>[] results = new Map[2];
        for (int run = 0; run < 2; run++) {
            System.setProperty("sentence4j.eager.noVectorKernels", String.valueOf(run == 1));
            try {
                Nd4j.getRandom().setSeed(4);
                Map<String, INDArray> params = new LinkedHashMap<>(Map.of("encoder.layer.0.output.dense.weight", p0.dup()));
                AdamW adam = AdamW.withWeightDecay(0.01);
                for (int step = 0; step < 3; step++) {
                    adam.step(params, Map.of("encoder.layer.0.output.dense.weight", Nd4j.randn(DataType.FLOAT, 150_001).muli(1e-3)), 2e-5);
                }
                Map<String, INDArray> out = new LinkedHashMap<>(params);
                out.putAll(adam.state());
                results[run] = out;
            } finally {
                System.clearProperty("sentence4j.eager.noVectorKernels");
            }
        }
        for (String k : results[0].keySet()) {
            assertEquals(0.0, results[0].get(k).castTo(DataType.DOUBLE).sub(results[1].get(k).castTo(DataType.DOUBLE))
                    .amaxNumber().doubleValue(), 0.0, k);
        }
        assertTrue(results[0].get("encoder.layer.0.output.dense.weight").sub(p0).amaxNumber().doubleValue() > 0, "parameters moved");
    }
}
