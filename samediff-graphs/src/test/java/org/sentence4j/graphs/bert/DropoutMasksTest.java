package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.eager.VectorKernels;

/** Dropout masks: the vector draw equals the scalar one unit for unit, and the masks have the right law. */
class DropoutMasksTest {

    @Test
    void vectorAndScalarDrawsAreIdentical() {
        assertTrue(VectorKernels.enabled(), "tests run with the vector module");
        // batch 3 x 37 tokens: site sizes that are not whole vectors or whole 8192-unit blocks
        BertConfig config = new BertConfig(50, 64, 2, 4, 128, 64, 2, 1e-12, "gelu", 0.1, 0.3);
        for (long seed : new long[] {0, 7, -123456789L}) {
            DropoutMasks vector = DropoutMasks.sample(config, 2, 3, 37, seed, DataType.FLOAT);
            System.setProperty("sentence4j.eager.noVectorKernels", "true");
            DropoutMasks scalar;
            try {
                scalar = DropoutMasks.sample(config, 2, 3, 37, seed, DataType.FLOAT);
            } finally {
                System.clearProperty("sentence4j.eager.noVectorKernels");
            }
            for (Map.Entry<String, INDArray> e : scalar.asMap().entrySet()) {
                INDArray v = vector.get(e.getKey());
                assertEquals(0.0, v.sub(e.getValue()).amaxNumber().doubleValue(), 0.0, e.getKey() + ", seed " + seed);
            }
        }
    }

    @Test
    void unitsAreDroppedWithProbabilityPAndScaled() {
        BertConfig config = new BertConfig(50, 64, 1, 4, 128, 512, 2, 1e-12, "gelu", 0.1, 0.3);
        DropoutMasks masks = DropoutMasks.sample(config, 1, 16, 512, 42, DataType.FLOAT);
        INDArray hidden = masks.get(DropoutMasks.EMBEDDINGS);      // p = 0.1
        INDArray probs = masks.get(DropoutMasks.attentionProbs(0)); // p = 0.3
        checkLaw(hidden, 0.1);
        checkLaw(probs, 0.3);
    }

    private static void checkLaw(INDArray mask, double p) {
        double n = mask.length();
        double dropped = mask.eq(0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        double kept = mask.eq((float) (1 / (1 - p))).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        assertEquals(n, dropped + kept, 0.0, "every unit is 0 or 1/(1-p)");
        double sd = Math.sqrt(p * (1 - p) / n);
        assertEquals(p, dropped / n, 5 * sd, "drop rate");
        assertEquals(1.0, mask.castTo(DataType.DOUBLE).meanNumber().doubleValue(), 5 * sd / (1 - p), "mean 1 (inverted dropout)");
        // neighbouring units (the two halves of one draw) are not correlated
        INDArray flat = mask.reshape(-1).eq(0).castTo(DataType.DOUBLE);
        INDArray even = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, flat.length()));
        INDArray odd = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2, flat.length()));
        double both = even.mul(odd).meanNumber().doubleValue();
        assertEquals(p * p, both, 5 * Math.sqrt(p * p * (1 - p * p) / (n / 2)), "P(both halves dropped)");
    }
}
