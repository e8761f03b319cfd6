package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * The eager encoder against the SameDiff graph (the reference, itself checked against finite differences in
 * {@link BertEncoderGradientTest}): same pooled outputs of every hidden state and same gradient of every
 * parameter, in float64, on a padded batch with dropout, all six pooling modes and normalisation, with
 * gradients arriving both at the sentence embedding and at the pooled hidden states (layer losses).
 */
class EagerEncoderParityTest {

    @BeforeAll
    static void exactLayerNorm() {
        // the graph's fused LayerNorm adds eps to the standard deviation; the eager one follows PyTorch exactly
        System.setProperty("sentence4j.encoder.exactLayerNorm", "true");
    }

    @AfterAll
    static void reset() {
        System.clearProperty("sentence4j.encoder.exactLayerNorm");
    }

    @Test
    void outputsAndGradientsMatchTheGraph() {
        BertEncoder enc = BertEncoder.builder(TinyBert.CONFIG)
                .weights(BertInitializer.gaussian(TinyBert.CONFIG, 3, 0.5))
                .pooling(TinyBert.allModes()).normalize(true).dataType(DataType.DOUBLE).build();
        TokenBatch batch = TinyBert.paddedBatch();
        int layers = TinyBert.CONFIG.numHiddenLayers();
        SameDiff sd = enc.sameDiff();
        EncoderGraph g = enc.build("train/", true);
        DropoutMasks masks = enc.sampleDropout(g, batch, 11);
        Nd4j.getRandom().setSeed(5);
        List<INDArray> r = new ArrayList<>();
        SDVariable loss = null;
        for (int i = 0; i <= layers; i++) {
            INDArray ri = Nd4j.randn(DataType.DOUBLE, batch.batchSize(), enc.embeddingDimension());
            r.add(ri);
            SDVariable term = g.layerEmbeddings().get(i).mul(sd.constant(ri)).sum();
            loss = loss == null ? term : loss.add(term);
        }
        sd.setLossVariables(loss.rename("loss").name());
        Map<String, INDArray> expected = enc.gradients(g, batch, masks, Map.of());
        List<String> names = new ArrayList<>();
        g.layerEmbeddings().forEach(v -> names.add(v.name()));
        Map<String, INDArray> pooled = sd.output(enc.feed(g, batch, masks), names.toArray(new String[0]));

        EagerEncoder eager = enc.eager();
        EagerEncoder.Pass pass = eager.forward("column0", batch, layers, masks, true, true);
        for (int i = 0; i <= layers; i++) {
            assertClose(pooled.get(names.get(i)), pass.layerEmbeddings().get(i), 1e-12, "pooled hidden state " + i);
        }
        Map<String, INDArray> grads = eager.zeroGradients();
        eager.backward(pass, r.get(layers), r.subList(0, layers), grads);
        assertEquals(expected.keySet(), grads.keySet());
        for (String name : expected.keySet()) {
            assertClose(expected.get(name), grads.get(name), 1e-10, "gradient of " + name);
        }
    }

    @Test
    void inferenceMatchesTheGraphAndTwoPassesAccumulate() {
        BertEncoder enc = BertEncoder.builder(TinyBert.CONFIG)
                .weights(BertInitializer.gaussian(TinyBert.CONFIG, 4, 0.5)).dataType(DataType.DOUBLE).build();
        TokenBatch a = TinyBert.paddedBatch();
        TokenBatch b = TinyBert.batch(new long[][] {{5, 2, 8}, {12, 5, 0}}, new long[][] {{0, 0, 0}, {1, 1, 0}},
                new int[] {3, 2});
        EagerEncoder eager = enc.eager();
        EncoderGraph reference = enc.build("reference/", false);
        String last = reference.layerEmbeddings().get(2).name();
        String first = reference.layerEmbeddings().get(1).name();
        assertClose(enc.sameDiff().output(enc.feed(reference, a, DropoutMasks.none()), last).get(last),
                eager.forward("x", a, 2, DropoutMasks.none(), false, false).sentenceEmbedding(), 1e-12, "inference");
        assertClose(enc.sameDiff().output(enc.feed(reference, b, DropoutMasks.none()), first).get(first),
                eager.forward("x", b, 1, DropoutMasks.none(), false, false).sentenceEmbedding(), 1e-12,
                "inference with the first layer only");
        assertClose(enc.sameDiff().output(enc.feed(reference, a, DropoutMasks.none()), last).get(last), enc.embed(a), 1e-12,
                "BertEncoder.embed");

        // anchor (2 layers, dropout) and positive (1 layer, no dropout) share the parameters: gradients add up
        SameDiff sd = enc.sameDiff();
        EncoderGraph ga = enc.build("anchor/", true);
        EncoderGraph gb = enc.build("positive/", 1, false);
        DropoutMasks ma = enc.sampleDropout(ga, a, 3);
        Nd4j.getRandom().setSeed(6);
        INDArray ra = Nd4j.randn(DataType.DOUBLE, 3, 8);
        INDArray rb = Nd4j.randn(DataType.DOUBLE, 2, 8);
        SDVariable loss = ga.sentenceEmbedding().mul(sd.constant(ra)).sum().add(gb.sentenceEmbedding().mul(sd.constant(rb)).sum());
        sd.setLossVariables(loss.rename("loss2").name());
        Map<String, INDArray> expected = enc.gradients(List.of(new EncoderFeed(ga, a, ma), new EncoderFeed(gb, b, DropoutMasks.none())),
                Map.of());
        EagerEncoder.Pass pa = eager.forward("anchor", a, 2, ma, true, false);
        EagerEncoder.Pass pb = eager.forward("positive", b, 1, DropoutMasks.none(), true, false);
        Map<String, INDArray> grads = eager.zeroGradients();
        eager.backward(pa, ra, List.of(), grads);
        eager.backward(pb, rb, List.of(), grads);
        for (String name : expected.keySet()) {
            assertClose(expected.get(name), grads.get(name), 1e-10, "gradient of " + name);
        }
        assertThrows(IllegalStateException.class, () -> eager.backward(
                eager.forward("x", a, 2, DropoutMasks.none(), false, false), ra, List.of(), grads));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> eager.forward("x",
                TinyBert.batch(new long[][] {{1, 25}}, new long[][] {{0, 0}}, new int[] {2}), 2, DropoutMasks.none(), false, false));
        assertTrue(bad.getMessage().contains("25"), bad.getMessage());
    }

    @Test
    void float32KernelsAgreeWithFloat64() {
        BertWeights w = BertInitializer.gaussian(TinyBert.CONFIG, 8, 0.5);
        TokenBatch batch = TinyBert.paddedBatch();
        Map<String, INDArray> expected = null;
        INDArray expectedOut = null;
        Nd4j.getRandom().setSeed(9);
        INDArray r = Nd4j.randn(DataType.DOUBLE, batch.batchSize(), TinyBert.allModes().outputDimension());
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            for (boolean javaKernels : new boolean[] {true, false}) {
                System.setProperty("sentence4j.eager.noJavaKernels", String.valueOf(!javaKernels));
                try {
                    BertEncoder enc = BertEncoder.builder(TinyBert.CONFIG).weights(w).pooling(TinyBert.allModes()).dataType(dt).build();
                    DropoutMasks masks = DropoutMasks.sample(TinyBert.CONFIG, 2, batch.batchSize(), batch.sequenceLength(), 4, dt);
                    EagerEncoder eager = enc.eager();
                    EagerEncoder.Pass pass = eager.forward("c", batch, 2, masks, true, false);
                    Map<String, INDArray> grads = eager.zeroGradients();
                    eager.backward(pass, r.castTo(dt), List.of(), grads);
                    if (expected == null) {
                        expected = grads;
                        expectedOut = pass.sentenceEmbedding().dup();
                        continue;
                    }
                    assertClose(expectedOut, pass.sentenceEmbedding(), 1e-5, dt + " output, java kernels " + javaKernels);
                    for (String name : expected.keySet()) {
                        assertClose(expected.get(name), grads.get(name), 2e-5, dt + " gradient of " + name + ", java kernels " + javaKernels);
                    }
                } finally {
                    System.clearProperty("sentence4j.eager.noJavaKernels");
                }
            }
        }
    }

    static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what + ": shape");
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": max |diff| " + diff + " (scale " + scale + ")");
    }
}
