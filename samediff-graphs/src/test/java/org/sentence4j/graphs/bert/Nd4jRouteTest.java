package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.eager.FastRoute;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * {@code -Dsentence4j.route=nd4j}, the route every backend but the CPU's takes: no Java kernel touches an
 * array's memory and no product goes to OpenBLAS directly, and the encoder computes the same numbers as on
 * the fast route to float32 rounding, forward and backward (dropout masks, the word-embedding scatter-add and
 * every parameter gradient included).
 */
class Nd4jRouteTest {

    @Test
    void theSwitchDecidesEveryFastPath() {
        assertTrue(FastRoute.cpuBackend(), "the tests run on ND4J's CPU backend");
        assertTrue(FastRoute.enabled() && FastRoute.vectorKernels() && FastRoute.encoderKernels() && FastRoute.directBlas());
        INDArray a = Nd4j.ones(DataType.FLOAT, 4);
        assertEquals(4, FastRoute.floats(a).capacity());
        onNd4jRoute(() -> {
            assertFalse(FastRoute.enabled() || FastRoute.vectorKernels() || FastRoute.encoderKernels() || FastRoute.directBlas());
            assertFalse(org.sentence4j.graphs.eager.VectorKernels.enabled(), "the old name follows the switch");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> FastRoute.floats(a));
            assertTrue(e.getMessage().contains("sentence4j.route=nd4j"), e.getMessage());
            return null;
        });
        // the finer switches turn off one kind of fast path and leave the others
        System.setProperty("sentence4j.eager.noVectorKernels", "true");
        try {
            assertTrue(FastRoute.enabled() && FastRoute.encoderKernels() && FastRoute.directBlas());
            assertFalse(FastRoute.vectorKernels());
        } finally {
            System.clearProperty("sentence4j.eager.noVectorKernels");
        }
        System.setProperty(FastRoute.ROUTE_PROPERTY, "AUTO");
        try {
            assertTrue(FastRoute.enabled());
            System.setProperty(FastRoute.ROUTE_PROPERTY, "gpu");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, FastRoute::enabled);
            assertEquals("sentence4j.route must be 'auto' or 'nd4j', not 'gpu'", bad.getMessage());
        } finally {
            System.clearProperty(FastRoute.ROUTE_PROPERTY);
        }
    }

    @Test
    void encodingTheDefaultModelAgrees() throws Exception {
        List<String> texts = List.of("a", "The printer on the third floor keeps jamming.",
                "How do I reset my password if the reset link never arrives in my inbox, not even in spam?");
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            INDArray fast = model.encode(texts, EncodeOptions.defaults());
            INDArray nd4j = onNd4jRoute(() -> model.encode(texts, EncodeOptions.defaults()));
            double diff = fast.sub(nd4j).amaxNumber().doubleValue();
            // unit vectors of 384 components: float32 rounding of 6 layers, and GELU's polynomial against erf
            // (measured 1.8e-7)
            assertTrue(diff < 1e-6, "max |diff| " + diff);
            assertTrue(diff > 0, "a different route ran (its rounding differs)");
        }
    }

    @Test
    void aTrainingPassAndItsGradientsAgree() {
        // hidden 64 and head size 32: whole vectors for the LayerNorm, GELU and attention kernels
        BertConfig config = new BertConfig(50, 64, 2, 2, 128, 32, 2, 1e-12, "gelu", 0.1, 0.1);
        BertWeights weights = BertInitializer.gaussian(config, 11, 0.2);
        TokenBatch batch = TinyBert.batch(new long[][] {{2, 5, 7, 5, 9, 30, 41, 7, 12, 3}, {3, 11, 4, 0, 0, 0, 0, 0, 0, 0},
                {2, 49, 17, 17, 8, 1, 0, 0, 0, 0}}, new long[][] {{0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {0, 0, 1, 0, 0, 0, 0, 0, 0, 0},
                {0, 0, 0, 1, 1, 1, 0, 0, 0, 0}}, new int[] {10, 3, 6});
        Nd4j.getRandom().setSeed(5);
        INDArray dOut = Nd4j.randn(DataType.FLOAT, 3, 64);
        Map<String, INDArray> fast = pass(config, weights, batch, dOut);
        Map<String, INDArray> nd4j = onNd4jRoute(() -> pass(config, weights, batch, dOut));
        assertEquals(fast.keySet(), nd4j.keySet());
        double largest = 0;
        for (String name : fast.keySet()) {
            INDArray a = fast.get(name);
            double scale = a.amaxNumber().doubleValue();
            double diff = a.sub(nd4j.get(name)).amaxNumber().doubleValue();
            largest = Math.max(largest, diff / Math.max(scale, 1e-6));
            // measured up to 3.3e-6 of the largest value; the key biases' gradient is 0 in exact arithmetic (softmax
            // ignores a shift of all scores), so theirs is rounding noise, compared against a floor of 0.1
            assertTrue(diff <= 2e-5 * Math.max(scale, 1e-1), name + ": max |diff| " + diff + " (largest |value| " + scale + ")");
        }
        assertTrue(largest > 0, "a different route ran (its rounding differs)");
        assertTrue(fast.get(BertTensorNames.WORD_EMBEDDINGS).amaxNumber().doubleValue() > 0, "the scatter-add ran");
    }

    /** A float32 training pass with dropout; the sentence embedding and every parameter gradient, copied. */
    private static Map<String, INDArray> pass(BertConfig config, BertWeights weights, TokenBatch batch, INDArray dOut) {
        BertEncoder enc = BertEncoder.builder(config).weights(weights).dataType(DataType.FLOAT).normalize(true).build();
        EagerEncoder eager = enc.eager();
        DropoutMasks masks = DropoutMasks.sample(config, 2, batch.batchSize(), batch.sequenceLength(), 9, DataType.FLOAT);
        EagerEncoder.Pass p = eager.forward("c", batch, 2, masks, true, false);
        Map<String, INDArray> grads = eager.zeroGradients();
        eager.backward(p, dOut, List.of(), grads);
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put("embedding", p.sentenceEmbedding().dup());
        out.put("inference", enc.embed(batch).dup());
        grads.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static <T> T onNd4jRoute(Supplier<T> body) {
        System.setProperty(FastRoute.ROUTE_PROPERTY, "nd4j");
        try {
            return body.get();
        } finally {
            System.clearProperty(FastRoute.ROUTE_PROPERTY);
        }
    }
}
