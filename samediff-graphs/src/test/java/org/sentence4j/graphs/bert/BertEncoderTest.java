package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.text.TokenBatch;

/** Forward behaviour of {@link BertEncoder}: reference parity, padding, layers, dropout, weights. */
class BertEncoderTest {

    private static final BertConfig C = TinyBert.CONFIG;
    private static final BertWeights W = BertInitializer.gaussian(C, 3, 0.5);

    private static BertEncoder encoder(DataType type, PoolingConfig pooling) {
        return BertEncoder.builder(C).weights(W).pooling(pooling).dataType(type).build();
    }

    private static double maxDiff(INDArray a, INDArray b) {
        assertArrayEquals(a.shape(), b.shape());
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @Test
    void lastHiddenStateMatchesAPlainJavaBert() {
        BertEncoder enc = encoder(DataType.DOUBLE, TinyBert.allModes());
        TokenBatch batch = TinyBert.paddedBatch();
        INDArray hidden = enc.tokenEmbeddings(batch);
        ReferenceBert reference = new ReferenceBert(C, W);
        int[] lengths = {5, 3, 2};
        for (int i = 0; i < lengths.length; i++) {
            TokenBatch alone = TinyBert.row(batch, i, lengths[i]);
            double[][] expected = reference.lastHidden(alone.inputIds().toLongVector(), alone.tokenTypeIds().toLongVector(),
                    C.numHiddenLayers());
            for (int t = 0; t < lengths[i]; t++) {
                for (int j = 0; j < C.hiddenSize(); j++) {
                    assertEquals(expected[t][j], hidden.getDouble(i, t, j), 1e-10, "row " + i + " token " + t);
                }
            }
        }
    }

    @Test
    void aTextAloneEmbedsAsInsideAPaddedBatch() {
        BertEncoder enc = encoder(DataType.FLOAT, TinyBert.allModes());
        TokenBatch batch = TinyBert.paddedBatch();
        INDArray together = enc.embed(batch);
        int[] lengths = {5, 3, 2};
        for (int i = 0; i < lengths.length; i++) {
            INDArray alone = enc.embed(TinyBert.row(batch, i, lengths[i]));
            assertTrue(maxDiff(alone, together.getRow(i, true)) < 1e-5, "row " + i);
        }
        // what sits in the padding does not matter either
        INDArray ids = batch.inputIds().dup();
        ids.putScalar(1, 4, 17);
        ids.putScalar(2, 3, 6);
        INDArray types = batch.tokenTypeIds().dup();
        types.putScalar(2, 4, 1);
        INDArray other = enc.embed(new TokenBatch(ids, batch.attentionMask(), types));
        assertEquals(0.0, maxDiff(other, together), 1e-6);
    }

    @Test
    void firstKLayersEqualTheKthHiddenStatePooled() {
        BertEncoder enc = encoder(DataType.DOUBLE, PoolingConfig.of(C.hiddenSize(), PoolingMode.MEAN));
        TokenBatch batch = TinyBert.paddedBatch();
        List<INDArray> layers = enc.embedAllLayers(batch);
        assertEquals(C.numHiddenLayers() + 1, layers.size());
        assertEquals(0.0, maxDiff(layers.get(C.numHiddenLayers()), enc.embed(batch)), 0.0);
        assertTrue(maxDiff(layers.get(0), layers.get(1)) > 1e-3, "hidden states should differ");
        for (int k = 0; k <= C.numHiddenLayers(); k++) {
            EncoderGraph g = enc.build("first" + k + "/", k, false);
            assertEquals(k + 1, g.layerEmbeddings().size());
            assertEquals(k, g.numLayers());
            INDArray out = enc.sameDiff().output(enc.feed(g, batch, DropoutMasks.none()), g.sentenceEmbedding().name())
                    .get(g.sentenceEmbedding().name());
            // the graph's fused LayerNorm adds eps to the standard deviation, the eager encoder to the variance
            assertEquals(0.0, maxDiff(out, layers.get(k)), 1e-10, "k = " + k);
            assertEquals(0.0, maxDiff(enc.embed(batch, k), layers.get(k)), 0.0);
        }
    }

    @Test
    void dropoutIsOffInInferenceAndSeededInTraining() {
        BertEncoder enc = encoder(DataType.FLOAT, PoolingConfig.of(C.hiddenSize(), PoolingMode.MEAN));
        TokenBatch batch = TinyBert.paddedBatch();
        INDArray first = enc.embed(batch);
        assertEquals(0.0, maxDiff(first, enc.embed(batch)), 0.0, "inference must be deterministic");

        EncoderGraph g = enc.build("train/", true);
        assertEquals(1 + 3 * C.numHiddenLayers(), g.dropoutInputs().size());
        String out = g.sentenceEmbedding().name();
        DropoutMasks a = enc.sampleDropout(g, batch, 1234);
        INDArray withA = run(enc, g, batch, a);
        assertEquals(0.0, maxDiff(withA, run(enc, g, batch, a)), 0.0, "replayed masks");
        assertEquals(0.0, maxDiff(withA, run(enc, g, batch, enc.sampleDropout(g, batch, 1234))), 0.0, "same seed");
        assertTrue(maxDiff(withA, run(enc, g, batch, enc.sampleDropout(g, batch, 99))) > 1e-4, "different seed");
        assertTrue(maxDiff(withA, first) > 1e-4, "dropout must change the output");
        INDArray ones = run(enc, g, batch, DropoutMasks.ones(C, C.numHiddenLayers(), 3, 5, DataType.FLOAT));
        assertEquals(0.0, maxDiff(ones, first), 1e-6, "training pass without dropout = inference");
        assertThrows(IllegalArgumentException.class, () -> enc.feed(g, batch, DropoutMasks.none()));
        assertThrows(IllegalArgumentException.class, () -> enc.feed(g, TinyBert.row(batch, 0, 4), a));
        assertNotEquals(out, enc.build("other/", true).sentenceEmbedding().name());
    }

    private static INDArray run(BertEncoder enc, EncoderGraph g, TokenBatch batch, DropoutMasks masks) {
        String out = g.sentenceEmbedding().name();
        return enc.sameDiff().output(enc.feed(g, batch, masks), out).get(out);
    }

    @Test
    void dropoutMasksAreInvertedBernoulli() {
        BertConfig big = new BertConfig(20, 64, 1, 2, 16, 16, 2, 1e-12, "gelu", 0.25, 0.5);
        DropoutMasks m = DropoutMasks.sample(big, 1, 4, 16, 7, DataType.FLOAT);
        assertEquals(List.of("embeddings", "layer.0.attention.self", "layer.0.attention.output", "layer.0.output"), m.siteNames());
        assertArrayEquals(new long[] {4, 2, 16, 16}, m.get("layer.0.attention.self").shape());
        INDArray hidden = m.get("embeddings");
        double zeros = hidden.eq(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertEquals(0.25, zeros, 0.03);
        assertEquals(1.0 / 0.75, hidden.maxNumber().doubleValue(), 1e-6);
        assertEquals(1.0, hidden.meanNumber().doubleValue(), 0.05);
        assertEquals(0.5, m.get("layer.0.attention.self").eq(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue(), 0.03);
        BertConfig noDropout = new BertConfig(20, 8, 1, 2, 16, 16, 2, 1e-12, "gelu", 0.0, 0.0);
        assertTrue(DropoutMasks.sample(noDropout, 1, 2, 3, 1, DataType.FLOAT).asMap().isEmpty());
    }

    @Test
    void wordEmbeddingGradientScattersRepeatedIds() {
        BertEncoder enc = encoder(DataType.DOUBLE, PoolingConfig.of(C.hiddenSize(), PoolingMode.MEAN));
        INDArray ids = Nd4j.createFromArray(new long[][] {{3, 7, 3}});
        INDArray rows = enc.lookup(ids);
        assertEquals(0.0, maxDiff(rows.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).getRow(1),
                W.get(BertTensorNames.WORD_EMBEDDINGS).castTo(DataType.DOUBLE).getRow(7)), 0.0);
        INDArray grad = Nd4j.rand(DataType.DOUBLE, 1, 3, C.hiddenSize());
        INDArray table = enc.wordEmbeddingGradient(ids, grad);
        assertEquals(0.0, maxDiff(table.getRow(3), grad.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).getRow(0)
                .add(grad.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).getRow(2))), 1e-15);
        assertEquals(0.0, table.getRow(5).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void weightsGoOutAsTheyCameIn() {
        Map<String, INDArray> tensors = new HashMap<>(W.asMap());
        tensors.put("pooler.dense.weight", Nd4j.ones(DataType.FLOAT, 8, 8));
        BertEncoder enc = BertEncoder.builder(C).weights(new BertWeights(tensors)).scope("student/").build();
        BertWeights out = enc.weights();
        assertEquals(tensors.keySet(), out.names());
        for (String name : W.names()) {
            assertEquals(0.0, maxDiff(out.get(name), W.get(name)), 0.0, name);
        }
        assertTrue(enc.sameDiff().hasVariable("student/encoder.layer.1.output.dense.weight"));
        INDArray before = enc.embed(TinyBert.paddedBatch());
        enc.loadWeights(BertInitializer.gaussian(C, 8, 0.5));
        assertTrue(maxDiff(before, enc.embed(TinyBert.paddedBatch())) > 1e-3);
        enc.loadWeights(W);
        assertEquals(0.0, maxDiff(before, enc.embed(TinyBert.paddedBatch())), 0.0);

        Map<String, INDArray> wrong = new HashMap<>(W.asMap());
        wrong.put(BertTensorNames.intermediate(0, "weight"), Nd4j.zeros(DataType.FLOAT, 8, 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.loadWeights(new BertWeights(wrong)));
        assertTrue(e.getMessage().contains("encoder.layer.0.intermediate.dense.weight"), e.getMessage());
    }

    @Test
    void badInputsGiveClearErrors() {
        BertEncoder enc = encoder(DataType.FLOAT, PoolingConfig.of(C.hiddenSize(), PoolingMode.MEAN));
        TokenBatch tooLong = TinyBert.batch(new long[][] {new long[17]}, new long[][] {new long[17]}, new int[] {17});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> enc.embed(tooLong)).getMessage().contains("max_position_embeddings"));
        TokenBatch badId = TinyBert.batch(new long[][] {{1, 20}}, new long[][] {{0, 0}}, new int[] {2});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> enc.embed(badId)).getMessage().contains("token id"));
        TokenBatch badType = TinyBert.batch(new long[][] {{1, 2}}, new long[][] {{0, 2}}, new int[] {2});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> enc.embed(badType)).getMessage().contains("token type"));
        assertThrows(IllegalArgumentException.class, () -> enc.build("x/", 3, false));
        assertThrows(IllegalArgumentException.class, () -> enc.embed(TinyBert.paddedBatch(), -1));
        enc.build("x/", false);
        assertThrows(IllegalArgumentException.class, () -> enc.build("x/", false));
        BertConfig relu = new BertConfig(20, 8, 1, 2, 16, 16, 2, 1e-12, "relu", 0.1, 0.1);
        assertThrows(IllegalArgumentException.class, () -> BertEncoder.builder(relu).build());
    }

    @Test
    void aBatchOfOneTokenWorks() {
        BertEncoder enc = encoder(DataType.FLOAT, TinyBert.allModes());
        TokenBatch one = TinyBert.batch(new long[][] {{4}}, new long[][] {{1}}, new int[] {1});
        INDArray e = enc.embed(one);
        assertArrayEquals(new long[] {1, 6 * C.hiddenSize()}, e.shape());
        // every mode pools the single token to the same vector
        for (int m = 1; m < 6; m++) {
            assertEquals(0.0, maxDiff(e.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(m * 8, m * 8 + 8)),
                    e.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8))), 1e-6);
        }
    }
}
