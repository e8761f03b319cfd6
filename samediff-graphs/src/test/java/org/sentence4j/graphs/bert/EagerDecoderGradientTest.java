package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.eager.EagerDecoder;

/**
 * The TSDAE decoder's hand-written backward pass against central finite differences in float64 (every
 * parameter tensor, tied base and decoder-only, and the memory), with dropout at every site including the
 * cross-attention ones; the causal mask; the dependence on the memory; and the ignore-index cross-entropy's
 * reduction (reference section 10.3, items 3, 4 and 6).
 */
class EagerDecoderGradientTest {

    /** Targets [CLS]=2 ... with trailing pads (0): the rows have 5, 4 and 2 real tokens. */
    private static final long[][] TARGETS = {{2, 5, 7, 5, 9}, {2, 11, 4, 3, 0}, {2, 19, 0, 0, 0}};

    private final Map<String, INDArray> base = new LinkedHashMap<>();
    private final Map<String, INDArray> own = new LinkedHashMap<>();

    private EagerDecoder decoder(BertConfig config) {
        base.clear();
        own.clear();
        BertInitializer.gaussian(config, 3, 0.5).asMap().forEach((k, v) -> base.put(k, v.castTo(DataType.DOUBLE).dup()));
        own.putAll(EagerDecoder.initDecoderOnly(config, 0.5, 7, DataType.DOUBLE));
        // biases and LayerNorms away from 0 and 1, so that their gradients are generic
        Nd4j.getRandom().setSeed(13);
        own.forEach((k, v) -> {
            if (!k.endsWith("dense.weight") && !k.endsWith("query.weight") && !k.endsWith("key.weight")
                    && !k.endsWith("value.weight")) {
                v.addi(Nd4j.randn(DataType.DOUBLE, v.shape()).muli(0.3));
            }
        });
        return new EagerDecoder(config, base::get, own::get, 0, DataType.DOUBLE);
    }

    private static INDArray memory() {
        Nd4j.getRandom().setSeed(21);
        return Nd4j.randn(DataType.DOUBLE, TARGETS.length, TinyBert.CONFIG.hiddenSize());
    }

    @Test
    void backwardMatchesFiniteDifferencesWithDropout() {
        BertConfig config = TinyBert.CONFIG; // dropout 0.1 everywhere
        EagerDecoder dec = decoder(config);
        INDArray memory = memory();
        DropoutMasks masks = DropoutMasks.sampleDecoder(config, config.numHiddenLayers(), 3, 4, 1, 99, DataType.DOUBLE);
        assertTrue(masks.asMap().containsKey(DropoutMasks.crossAttentionProbs(1)), masks.siteNames().toString());
        INDArray cross = masks.get(DropoutMasks.crossAttentionProbs(0));
        assertEquals(java.util.List.of(3L, 2L, 4L, 1L), java.util.Arrays.stream(cross.shape()).boxed().toList());
        assertTrue(cross.minNumber().doubleValue() == 0.0, "some cross-attention probability is dropped");

        EagerDecoder.Pass p = dec.forwardShifted(TARGETS, memory, masks);
        assertEquals(8, p.labelCount(), "labels that are not [PAD]: 4 + 3 + 1");
        Map<String, INDArray> gb = new LinkedHashMap<>();
        base.forEach((k, v) -> gb.put(k, Nd4j.zeros(DataType.DOUBLE, v.shape())));
        Map<String, INDArray> go = dec.zeroOwnGradients(EagerDecoder.decoderOnlyNames(config));
        INDArray dMemory = dec.backward(p, gb, go);

        Random rng = new Random(5);
        double worst = 0;
        int checked = 0;
        Map<String, INDArray[]> all = new LinkedHashMap<>();
        base.forEach((k, v) -> all.put(k, new INDArray[] {v, gb.get(k)}));
        own.forEach((k, v) -> all.put(k, new INDArray[] {v, go.get(k)}));
        all.put("memory", new INDArray[] {memory, dMemory});
        for (Map.Entry<String, INDArray[]> e : all.entrySet()) {
            if (e.getKey().startsWith("pooler.")) {
                continue;
            }
            INDArray param = e.getValue()[0];
            INDArray grad = e.getValue()[1];
            INDArray flat = param.reshape(-1);
            INDArray gflat = grad.reshape(-1);
            for (int s = 0; s < 4; s++) {
                long i = rng.nextInt((int) flat.length());
                if (e.getKey().equals(BertTensorNames.WORD_EMBEDDINGS) && s < 2) {
                    i = (s == 0 ? 5 : 17) * config.hiddenSize() + s; // a used row and an unused one (LM head only)
                }
                double x0 = flat.getDouble(i);
                double h = 1e-5;
                flat.putScalar(i, x0 + h);
                double up = dec.forwardShifted(TARGETS, memory, masks).loss();
                flat.putScalar(i, x0 - h);
                double down = dec.forwardShifted(TARGETS, memory, masks).loss();
                flat.putScalar(i, x0);
                double fd = (up - down) / (2 * h);
                double err = Math.abs(fd - gflat.getDouble(i));
                assertTrue(err <= 1e-7 + 1e-6 * Math.abs(fd), e.getKey() + "[" + i + "]: analytic " + gflat.getDouble(i)
                        + ", finite difference " + fd);
                worst = Math.max(worst, err);
                checked++;
            }
        }
        System.out.printf("decoder finite differences: %d entries, worst absolute error %.3g%n", checked, worst);
        // the cross-attention query and key do not influence a one-slot softmax: exactly zero gradient
        assertEquals(0.0, go.get(EagerDecoder.crossAttention(0, "self.query.weight")).amaxNumber().doubleValue());
        assertEquals(0.0, go.get(EagerDecoder.crossAttention(1, "self.key.weight")).amaxNumber().doubleValue());
        assertTrue(go.get(EagerDecoder.crossAttention(0, "self.value.weight")).amaxNumber().doubleValue() > 1e-4);
    }

    /**
     * The float32 decoder (causal self-attention in the fused vector kernel, float32 row kernels) against the
     * float64 one (ND4J route, checked by finite differences above), same weights and dropout masks: loss and
     * every gradient to float32 rounding.
     */
    @Test
    void fusedFloat32MatchesTheFloat64Route() {
        assertTrue(org.sentence4j.graphs.eager.FastRoute.vectorKernels() && org.sentence4j.graphs.eager.FastRoute.encoderKernels(),
                "the fused kernels are off: this test would compare the ND4J route with itself");
        BertConfig config = TinyBert.CONFIG;
        EagerDecoder d64 = decoder(config);
        INDArray memory = memory();
        // 7 positions: more than one vector lane of keys is masked causally in some rows
        long[][] targets = {{2, 5, 7, 5, 9, 4, 13, 3}, {2, 11, 4, 3, 0, 0, 0, 0}, {2, 19, 17, 16, 15, 14, 12, 0}};
        DropoutMasks m64 = DropoutMasks.sampleDecoder(config, config.numHiddenLayers(), 3, 7, 1, 5, DataType.DOUBLE);
        DropoutMasks m32 = DropoutMasks.sampleDecoder(config, config.numHiddenLayers(), 3, 7, 1, 5, DataType.FLOAT);
        EagerDecoder.Pass p64 = d64.forwardShifted(targets, memory, m64);
        Map<String, INDArray> gb64 = new LinkedHashMap<>();
        base.forEach((k, v) -> gb64.put(k, Nd4j.zeros(DataType.DOUBLE, v.shape())));
        Map<String, INDArray> go64 = d64.zeroOwnGradients(EagerDecoder.decoderOnlyNames(config));
        INDArray dm64 = d64.backward(p64, gb64, go64);

        Map<String, INDArray> base32 = new LinkedHashMap<>();
        Map<String, INDArray> own32 = new LinkedHashMap<>();
        base.forEach((k, v) -> base32.put(k, v.castTo(DataType.FLOAT).dup('c')));
        own.forEach((k, v) -> own32.put(k, v.castTo(DataType.FLOAT).dup('c')));
        EagerDecoder d32 = new EagerDecoder(config, base32::get, own32::get, 0, DataType.FLOAT);
        EagerDecoder.Pass p32 = d32.forwardShifted(targets, memory.castTo(DataType.FLOAT), m32);
        Map<String, INDArray> gb32 = new LinkedHashMap<>();
        base32.forEach((k, v) -> gb32.put(k, Nd4j.zeros(DataType.FLOAT, v.shape())));
        Map<String, INDArray> go32 = d32.zeroOwnGradients(EagerDecoder.decoderOnlyNames(config));
        INDArray dm32 = d32.backward(p32, gb32, go32);

        assertEquals(p64.loss(), p32.loss(), 1e-5 * p64.loss());
        double worst = 0;
        Map<String, INDArray[]> pairs = new LinkedHashMap<>();
        gb64.forEach((k, v) -> pairs.put(k, new INDArray[] {v, gb32.get(k)}));
        go64.forEach((k, v) -> pairs.put(k, new INDArray[] {v, go32.get(k)}));
        pairs.put("memory", new INDArray[] {dm64, dm32});
        for (Map.Entry<String, INDArray[]> e : pairs.entrySet()) {
            INDArray ref = e.getValue()[0];
            double scale = ref.amaxNumber().doubleValue();
            double err = e.getValue()[1].castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue();
            assertTrue(err <= 1e-7 + 2e-5 * scale, e.getKey() + ": float32 error " + err + " (max |gradient| " + scale + ")");
            worst = Math.max(worst, err / (1e-7 + 2e-5 * scale));
        }
        System.out.printf("decoder float32 (fused) vs float64: loss %.3g relative, worst gradient %.3f of tolerance%n",
                Math.abs(p64.loss() - p32.loss()) / p64.loss(), worst);
    }

    /**
     * The LM head in row chunks (logits bounded by {@code sentence4j.decoder.maxLogits}, recomputed in the
     * backward pass) gives the one-chunk loss and gradients, in float64 (ND4J route) and float32 (kernels):
     * 12 tokens in chunks of 5, 5 and 2.
     */
    @Test
    void rowChunkedLogitsGiveTheSameNumbers() {
        BertConfig config = TinyBert.CONFIG;
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            EagerDecoder whole = decoder(config);
            Map<String, INDArray> b = new LinkedHashMap<>();
            Map<String, INDArray> o = new LinkedHashMap<>();
            base.forEach((k, v) -> b.put(k, v.castTo(dt).dup('c')));
            own.forEach((k, v) -> o.put(k, v.castTo(dt).dup('c')));
            whole = new EagerDecoder(config, b::get, o::get, 0, dt);
            System.setProperty("sentence4j.decoder.maxLogits", String.valueOf(5 * config.vocabSize()));
            EagerDecoder chunked;
            try {
                chunked = new EagerDecoder(config, b::get, o::get, 0, dt);
            } finally {
                System.clearProperty("sentence4j.decoder.maxLogits");
            }
            INDArray memory = memory().castTo(dt);
            DropoutMasks masks = DropoutMasks.sampleDecoder(config, config.numHiddenLayers(), 3, 4, 1, 8, dt);
            double tol = dt == DataType.DOUBLE ? 1e-12 : 2e-6;
            double[] losses = new double[2];
            List<Map<String, INDArray>> grads = new java.util.ArrayList<>();
            EagerDecoder[] decoders = {whole, chunked};
            for (int i = 0; i < 2; i++) {
                EagerDecoder.Pass p = decoders[i].forwardShifted(TARGETS, memory, masks);
                losses[i] = p.loss();
                Map<String, INDArray> gb = new LinkedHashMap<>();
                b.forEach((k, v) -> gb.put(k, Nd4j.zeros(dt, v.shape())));
                Map<String, INDArray> go = decoders[i].zeroOwnGradients(EagerDecoder.decoderOnlyNames(config));
                INDArray dm = decoders[i].backward(p, gb, go);
                gb.putAll(go);
                gb.put("memory", dm);
                grads.add(gb);
            }
            assertEquals(losses[0], losses[1], tol * losses[0], dt + " loss");
            for (String k : grads.get(0).keySet()) {
                INDArray ref = grads.get(0).get(k);
                double err = grads.get(1).get(k).sub(ref).amaxNumber().doubleValue();
                assertTrue(err <= tol * Math.max(1e-3, ref.amaxNumber().doubleValue()), dt + " " + k + ": " + err);
            }
        }
    }

    @Test
    void selfAttentionIsCausal() {
        BertConfig config = TinyBert.CONFIG;
        EagerDecoder dec = decoder(config);
        INDArray memory = memory();
        // only label position 1 of row 0 counts: the loss reads the logits of position 1 alone
        long[][] in = {{2, 5, 7, 5}};
        long[][] labels = {{0, 7, 0, 0}};
        INDArray m = memory.getRow(0).reshape(1, -1).dup();
        double before = dec.forward(in, labels, m, DropoutMasks.none()).loss();
        double later = dec.forward(new long[][] {{2, 5, 13, 18}}, labels, m, DropoutMasks.none()).loss();
        double earlier = dec.forward(new long[][] {{2, 6, 7, 5}}, labels, m, DropoutMasks.none()).loss();
        assertEquals(before, later, 1e-14, "a later token changed the prediction at position 1");
        assertNotEquals(before, earlier, 1e-6, "the token at position 1 did not matter");
    }

    @Test
    void theOutputDependsOnTheMemory() {
        BertConfig config = TinyBert.CONFIG;
        EagerDecoder dec = decoder(config);
        INDArray memory = memory();
        double l0 = dec.forwardShifted(TARGETS, memory, DropoutMasks.none()).loss();
        INDArray other = memory.dup();
        other.getRow(1).addi(0.5);
        double l1 = dec.forwardShifted(TARGETS, other, DropoutMasks.none()).loss();
        assertTrue(Math.abs(l1 - l0) > 1e-4, "perturbing one row's memory changed the loss by " + (l1 - l0));
    }

    /** Section 10.3 item 3: a hand-computed two-sentence example; the pad rows' logits do not matter. */
    @Test
    void crossEntropyAveragesOverNonPadLabelsOnly() {
        // sentence 1: labels [3, 1]; sentence 2: labels [2, 0(pad)]; vocabulary 4
        double[][] z = {{1, 2, 0, 3}, {0.5, -1, 2, 0}, {0, 0, 1, 0}, {9, -9, 4, 7}};
        long[] labels = {3, 1, 2, 0};
        double expected = 0;
        int[] counted = {0, 1, 2};
        for (int r : counted) {
            double s = 0;
            for (double v : z[r]) {
                s += Math.exp(v);
            }
            expected += Math.log(s) - z[r][(int) labels[r]];
        }
        expected /= 3;
        double got = EagerDecoder.crossEntropy(Nd4j.createFromArray(z), labels, 0);
        assertEquals(expected, got, 1e-14);
        // PyTorch: CrossEntropyLoss(ignore_index=0)(z, [3, 1, 2, 0]) = 1.5087358871932322 = (0.44019 + 3.34235 + 0.74367) / 3
        assertEquals(1.5087358871932322, got, 1e-14);
        z[3] = new double[] {-50, 30, 0.1, 2};
        assertEquals(got, EagerDecoder.crossEntropy(Nd4j.createFromArray(z), labels, 0), 1e-14, "a pad row counted");
        // the gradient: softmax - onehot over 3 rows, 0 for the pad row
        INDArray buf = Nd4j.createFromArray(z);
        EagerDecoder.crossEntropy(buf, labels, 0);
        EagerDecoder.crossEntropyGradientInPlace(buf, labels, 0);
        assertEquals(0.0, buf.getRow(3).amaxNumber().doubleValue());
        assertEquals(0.0, buf.getRow(0).sumNumber().doubleValue(), 1e-15);
        assertTrue(buf.getDouble(1, 1) < 0);
    }
}
