package org.sentence4j.graphs.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.bert.BertInitializer;
import org.sentence4j.graphs.bert.DropoutMasks;
import org.sentence4j.graphs.bert.EncoderArchitecture;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.pooling.DenseLayer;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * Each architecture's hand-written backward pass (eager encoder, float64) against central finite differences, for
 * entries of every parameter tensor: word, position (past the padding id where the architecture counts so) and
 * token-type embeddings, every layer, MPNet's relative-position table, and Dense modules; on a padded batch with a
 * literal padding id inside a row, dropout on, gradients arriving at the sentence embedding and at every layer's
 * pooled state (as the layer losses send them).
 */
class ArchitectureGradientTest {

    private static final double H = 1e-6;

    static Stream<Arguments> architectures() {
        BertConfig base = new BertConfig(24, 8, 2, 2, 16, 16, 2, 1e-5, "gelu", 0.1, 0.1);
        return Stream.of(
                Arguments.of("BERT + Dense(tanh) + Dense(identity)", base.withDense(List.of(
                        new DenseLayer("2_Dense", 16, 6, true, "torch.nn.modules.activation.Tanh"),
                        new DenseLayer("3_Dense", 6, 5, false, "torch.nn.modules.linear.Identity")))),
                Arguments.of("BERT + Normalize + Dense(sigmoid) + Normalize + Dense(SiLU)", base.withDense(List.of(
                        new DenseLayer("3_Dense", 16, 6, true, "torch.nn.modules.activation.Sigmoid", true),
                        new DenseLayer("5_Dense", 6, 5, true, "torch.nn.modules.activation.SiLU", true)))),
                Arguments.of("RoBERTa", base.withArchitecture(EncoderArchitecture.ROBERTA, 1, 0)),
                Arguments.of("XLM-RoBERTa", base.withArchitecture(EncoderArchitecture.XLM_ROBERTA, 1, 0)),
                Arguments.of("DistilBERT", base.withArchitecture(EncoderArchitecture.DISTILBERT, 0, 0)),
                Arguments.of("MPNet", base.withArchitecture(EncoderArchitecture.MPNET, 1, 32)),
                Arguments.of("ModernBERT (global, sliding, global)", new BertConfig(24, 8, 3, 2, 6, 32, 0, 1e-5, "gelu", 0.0, 0.0,
                        EncoderArchitecture.MODERNBERT, 0, 0, List.of(), new org.sentence4j.graphs.bert.ModernBertSettings(
                        List.of(true, false, true), 4, 160000.0, 10000.0))),
                Arguments.of("MPNet + Dense(ReLU)", base.withArchitecture(EncoderArchitecture.MPNET, 1, 32).withDense(List.of(
                        new DenseLayer("2_Dense", 16, 4, true, "torch.nn.modules.activation.ReLU")))));
    }

    /** Rows of 14, 9 and 3 tokens (distances up to 13 reach MPNet's logarithmic buckets), a literal pad id (1) inside. */
    private static TokenBatch batch() {
        long[][] ids = {
                {0, 5, 7, 1, 9, 11, 12, 13, 14, 15, 16, 17, 18, 2},
                {0, 19, 4, 8, 20, 21, 22, 23, 2, 1, 1, 1, 1, 1},
                {0, 6, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}};
        int[] lengths = {14, 9, 3};
        long[][] mask = new long[3][14];
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                mask[i][t] = 1;
            }
        }
        long[][] types = new long[3][14];
        return new TokenBatch(Nd4j.createFromArray(ids), Nd4j.createFromArray(mask), Nd4j.createFromArray(types));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void everyParameterTensorMatchesFiniteDifferences(String name, BertConfig config) {
        BertEncoder enc = BertEncoder.builder(config).weights(BertInitializer.gaussian(config, 7, 0.5))
                .pooling(new PoolingConfig(config.hiddenSize(), List.of(PoolingMode.MEAN, PoolingMode.CLS), true))
                .normalize(true).dataType(DataType.DOUBLE).build();
        // Dense layers take the pooled width: mean + CLS
        TokenBatch batch = batch();
        int layers = config.numHiddenLayers();
        DropoutMasks masks = DropoutMasks.sample(config, layers, batch.batchSize(), batch.sequenceLength(), 13, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(21);
        List<INDArray> r = new ArrayList<>();
        for (int i = 0; i <= layers; i++) {
            r.add(Nd4j.randn(DataType.DOUBLE, batch.batchSize(), enc.embeddingDimension()));
        }
        EagerEncoder eager = enc.eager();
        EagerEncoder.Pass pass = eager.forward("fd", batch, layers, masks, true, true);
        Map<String, INDArray> grads = eager.zeroGradients();
        eager.backward(pass, r.get(layers), r.subList(0, layers), grads);
        assertEquals(enc.weights().asMap().keySet(), grads.keySet(), "a gradient for every parameter");

        SplittableRandom pick = new SplittableRandom(3);
        double worst = 0;
        int checked = 0;
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            INDArray param = enc.sameDiff().getArrForVarName(enc.variableName(e.getKey()));
            INDArray flatGrad = e.getValue().reshape(-1);
            // the largest entries (rows that are used) and a few random ones
            List<Long> entries = new ArrayList<>();
            entries.add(flatGrad.dup().amax().getDouble(0) == 0 ? 0L : argAbsMax(flatGrad));
            for (int k = 0; k < 3; k++) {
                entries.add(pick.nextLong(flatGrad.length()));
            }
            for (long idx : entries) {
                double analytic = flatGrad.getDouble(idx);
                INDArray flat = param.reshape(-1);
                double orig = flat.getDouble(idx);
                flat.putScalar(idx, orig + H);
                double plus = loss(eager, batch, layers, masks, r);
                flat.putScalar(idx, orig - H);
                double minus = loss(eager, batch, layers, masks, r);
                flat.putScalar(idx, orig);
                double numeric = (plus - minus) / (2 * H);
                double err = Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric));
                worst = Math.max(worst, err);
                checked++;
                assertTrue(err < 1e-6, name + ": d loss / d " + e.getKey() + "[" + idx + "] = " + analytic
                        + ", finite difference " + numeric);
            }
        }
        // the architecture's own parts carry gradient (not silently zero)
        if (config.architecture().relativeAttentionBias()) {
            assertTrue(grads.get(EncoderArchitecture.RELATIVE_ATTENTION_BIAS).amaxNumber().doubleValue() > 0);
        }
        System.out.printf("%s: %d entries of %d tensors, worst relative error %.2e%n", name, checked, grads.size(), worst);
    }

    /**
     * ModernBERT's float32 loops (gated GELU, rotary split and merge) against the float64 ND4J formulation that the
     * finite differences check: same pooled states and gradients, at MiniLM-like head size 32 with a sliding layer.
     */
    @org.junit.jupiter.api.Test
    void modernBertFloat32KernelsAgreeWithFloat64() {
        BertConfig config = new BertConfig(40, 64, 3, 2, 48, 64, 0, 1e-5, "gelu", 0.0, 0.0, EncoderArchitecture.MODERNBERT,
                0, 0, List.of(), new org.sentence4j.graphs.bert.ModernBertSettings(List.of(true, false, true), 6, 160000.0, 10000.0));
        org.sentence4j.graphs.bert.BertWeights w = BertInitializer.gaussian(config, 5, 0.3);
        TokenBatch batch = batch();
        List<Map<String, INDArray>> grads = new ArrayList<>();
        List<List<INDArray>> pooled = new ArrayList<>();
        Nd4j.getRandom().setSeed(4);
        List<INDArray> r = new ArrayList<>();
        for (int i = 0; i <= 3; i++) {
            r.add(Nd4j.randn(DataType.DOUBLE, 3, 64));
        }
        for (DataType dt : List.of(DataType.DOUBLE, DataType.FLOAT)) {
            BertEncoder enc = BertEncoder.builder(config).weights(w).normalize(true).dataType(dt).build();
            EagerEncoder eager = enc.eager();
            EagerEncoder.Pass pass = eager.forward("x", batch, 3, DropoutMasks.none(), true, true);
            List<INDArray> dLayers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                dLayers.add(r.get(i).castTo(dt));
            }
            Map<String, INDArray> g = eager.zeroGradients();
            eager.backward(pass, r.get(3).castTo(dt), dLayers, g);
            grads.add(g);
            List<INDArray> p = new ArrayList<>();
            pass.layerEmbeddings().forEach(x -> p.add(x.castTo(DataType.DOUBLE)));
            pooled.add(p);
        }
        for (int i = 0; i < pooled.get(0).size(); i++) {
            double d = pooled.get(0).get(i).sub(pooled.get(1).get(i)).amaxNumber().doubleValue();
            assertTrue(d < 1e-5, "pooled state " + i + ": " + d);
        }
        double worst = 0;
        for (String k : grads.get(0).keySet()) {
            INDArray a = grads.get(0).get(k);
            double scale = Math.max(a.amaxNumber().doubleValue(), 1e-12);
            double d = a.sub(grads.get(1).get(k).castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
            worst = Math.max(worst, d);
            assertTrue(d < 1e-3, k + ": float32 vs float64 " + d);
        }
        System.out.printf("ModernBERT float32 kernels vs float64: worst relative gradient difference %.2e%n", worst);
    }

    private static long argAbsMax(INDArray flat) {
        double[] v = flat.dup().data().asDouble();
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (Math.abs(v[i]) > Math.abs(v[best])) {
                best = i;
            }
        }
        return best;
    }

    private static double loss(EagerEncoder eager, TokenBatch batch, int layers, DropoutMasks masks, List<INDArray> r) {
        EagerEncoder.Pass p = eager.forward("fd", batch, layers, masks, true, true);
        double total = 0;
        List<INDArray> pooled = p.layerEmbeddings();
        for (int i = 0; i <= layers; i++) {
            total += pooled.get(i).mul(r.get(i)).sumNumber().doubleValue();
        }
        return total;
    }
}
