package org.sentence4j.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.io.DefaultModel;
import org.sentence4j.graphs.io.HubCache;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * The second embedded model, bge-small-en-v1.5 (12 layers, CLS pooling), against ONNX Runtime running the very
 * same ONNX file on the same token ids, with sentence-transformers' CLS pooling and L2 normalisation applied to
 * ONNX Runtime's {@code last_hidden_state}: equal within 1e-5 per dimension, on the texts of the default
 * model's parity test (long ones truncated at 512 tokens).
 */
class BgeOnnxRuntimeParityTest {

    private static SentenceEncoder model;
    private static OnnxReference onnx;

    @BeforeAll
    static void load() throws Exception {
        model = SentenceEncoder.bgeSmallEnV15();
        onnx = new OnnxReference(DefaultModel.BGE_ONNX_RESOURCE);
    }

    @AfterAll
    static void close() throws Exception {
        onnx.close();
        model.close();
    }

    /** ONNX Runtime's last hidden state at [CLS], L2-normalised (in double). */
    private static double[][] reference(TokenBatch batch) throws Exception {
        float[][][] hidden = onnx.lastHiddenState(batch);
        double[][] out = new double[hidden.length][];
        for (int b = 0; b < hidden.length; b++) {
            double[] cls = new double[hidden[b][0].length];
            for (int d = 0; d < cls.length; d++) {
                cls[d] = hidden[b][0][d];
            }
            out[b] = OnnxReference.unitLength(cls);
        }
        return out;
    }

    @Test
    void embeddingsEqualOnnxRuntimeWithin1e5() throws Exception {
        assertEquals(12, model.encoder().config().numHiddenLayers());
        assertEquals(384, model.embeddingDimension());
        double worst = 0;
        List<String> texts = OnnxRuntimeParityTest.TEXTS;
        for (int start = 0; start < texts.size(); start += 8) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + 8));
            TokenBatch tokens = model.tokenizer().tokenize(batch);
            double[][] want = reference(tokens);
            INDArray ours = model.encoder().embed(tokens);
            for (int b = 0; b < batch.size(); b++) {
                for (int d = 0; d < want[b].length; d++) {
                    worst = Math.max(worst, Math.abs(ours.getDouble(b, d) - want[b][d]));
                }
            }
        }
        System.out.println("bge-small-en-v1.5: max abs difference ours vs ONNX Runtime: " + worst);
        assertTrue(worst <= 1e-5, "max |ours - ONNX Runtime| = " + worst);
    }

    @Test
    void loadsByNameWhenTheCacheLacksIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (SentenceEncoder byName = SentenceEncoder.load("BAAI/bge-small-en-v1.5", HubCache.at(dir))) {
            INDArray a = byName.encode(List.of("A man is eating food."), EncodeOptions.defaults());
            INDArray b = model.encode(List.of("A man is eating food."), EncodeOptions.defaults());
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 0.0);
        }
        TokenBatch longest = model.tokenizer().tokenize(List.of(OnnxRuntimeParityTest.TEXTS.get(OnnxRuntimeParityTest.TEXTS.size() - 1)));
        assertEquals(DefaultModel.BGE_MAX_SEQ_LENGTH, longest.sequenceLength(), "truncated at 512 tokens");
    }
}
