package org.sentence4j.graphs.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.bert.DropoutMasks;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.io.SentenceTransformerFolder;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * The packed route (row-wise work on the real tokens only) against the padded one
 * ({@code -Dsentence4j.encoder.padded=true}): every pooled state and every parameter gradient, with dropout, all
 * pooling modes, on batches of very unequal lengths: float64 within 1e-10 relative, float32 within rounding.
 */
class PackedRouteTest {

    private static final List<String> TEXTS = List.of("a", "A man is playing a guitar on the stage tonight, loudly.",
            "", "Two dogs run.", "The quick brown fox jumps over the lazy dog near the river bank at dawn.");

    private record Result(List<INDArray> pooled, Map<String, INDArray> grads) {
    }

    private static Result run(BertEncoder enc, TokenBatch batch, DropoutMasks masks, List<INDArray> r, boolean padded) {
        if (padded) {
            System.setProperty("sentence4j.encoder.padded", "true");
        }
        try {
            int layers = enc.config().numHiddenLayers();
            EagerEncoder eager = enc.eager();
            EagerEncoder.Pass pass = eager.forward("p", batch, layers, masks, true, true);
            List<INDArray> pooled = new ArrayList<>();
            pass.layerEmbeddings().forEach(x -> pooled.add(x.castTo(DataType.DOUBLE).dup()));
            List<INDArray> dLayers = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                dLayers.add(r.get(i).castTo(enc.dataType()));
            }
            Map<String, INDArray> g = eager.zeroGradients();
            eager.backward(pass, r.get(layers).castTo(enc.dataType()), dLayers, g);
            Map<String, INDArray> grads = new java.util.LinkedHashMap<>();
            g.forEach((k, v) -> grads.put(k, v.castTo(DataType.DOUBLE).dup()));
            return new Result(pooled, grads);
        } finally {
            System.clearProperty("sentence4j.encoder.padded");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert-prompts", "tiny-roberta-cls", "tiny-mpnet-mean", "tiny-distilbert-mean"})
    void packedEqualsPadded(String folder) throws Exception {
        for (DataType dt : List.of(DataType.DOUBLE, DataType.FLOAT)) {
            var files = SentenceTransformerFolder.load(ArchitectureFixtures.folder(folder));
            BertEncoder enc = BertEncoder.builder(files.config()).weights(files.weights())
                    .pooling(new PoolingConfig(files.config().hiddenSize(), List.of(PoolingMode.MEAN, PoolingMode.MAX,
                            PoolingMode.CLS, PoolingMode.LAST_TOKEN), true))
                    .normalize(true).dataType(dt).build();
            TokenBatch batch;
            try (SentenceEncoder model = SentenceEncoder.of(files)) {
                batch = model.tokenizer().tokenize(TEXTS);
            }
            int layers = enc.config().numHiddenLayers();
            DropoutMasks masks = DropoutMasks.sample(enc.config(), layers, batch.batchSize(), batch.sequenceLength(), 5, dt);
            Nd4j.getRandom().setSeed(3);
            List<INDArray> r = new ArrayList<>();
            for (int i = 0; i <= layers; i++) {
                r.add(Nd4j.randn(DataType.DOUBLE, batch.batchSize(), enc.embeddingDimension()));
            }
            Result packed = run(enc, batch, masks, r, false);
            Result padded = run(enc, batch, masks, r, true);
            double tolerance = dt == DataType.DOUBLE ? 1e-10 : 2e-5;
            assertEquals(padded.pooled().size(), packed.pooled().size());
            for (int i = 0; i < packed.pooled().size(); i++) {
                double d = packed.pooled().get(i).sub(padded.pooled().get(i)).amaxNumber().doubleValue();
                assertTrue(d <= tolerance, folder + " " + dt + " pooled state " + i + ": " + d);
            }
            double largest = padded.grads().values().stream().mapToDouble(g -> g.amaxNumber().doubleValue()).max().orElse(0);
            double worst = 0;
            for (String k : padded.grads().keySet()) {
                INDArray a = padded.grads().get(k);
                // the attention key bias's gradient is 0 in exact arithmetic: its scale is the largest gradient's
                double scale = k.endsWith("attention.self.key.bias") ? largest
                        : Math.max(a.amaxNumber().doubleValue(), 1e-6 * largest);
                worst = Math.max(worst, a.sub(packed.grads().get(k)).amaxNumber().doubleValue() / scale);
            }
            System.out.printf("%s %s: packed vs padded, worst relative gradient difference %.2e%n", folder, dt, worst);
            assertTrue(worst <= tolerance, folder + " " + dt + ": " + worst);
        }
    }
}
