package org.sentence4j.trainer.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.TestData;

/**
 * GradCache execution gives the plain full-batch step: same loss, same gradient of every parameter, whether
 * the chunks are fixed-size or packed by a token budget (dropout off, so that both see the same network).
 */
class GradCacheTest {

    private static final List<String> ANCHORS = List.of("how do I reset my password", "the invoice is wrong",
            "app crashes when I upload a photo", "cancel my subscription please", "where is my order",
            "two factor code never arrives, I have waited an hour and tried twice");
    private static final List<String> POSITIVES = List.of("password reset link", "billing error on my invoice",
            "crash on photo upload", "stop my plan", "order tracking", "verification code not received");

    @Test
    void chunkedStepEqualsTheFullBatchStep() throws Exception {
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModel("tiny-bert-mean"))) {
            BertConfig c = model.encoder().config();
            BertConfig noDropout = new BertConfig(c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                    c.intermediateSize(), c.maxPositionEmbeddings(), c.typeVocabSize(), c.layerNormEps(), c.hiddenAct(), 0.0, 0.0);
            BertEncoder encoder = BertEncoder.builder(noDropout).weights(model.encoder().weights())
                    .pooling(model.encoder().pooling()).normalize(model.encoder().normalize()).build();
            List<TokenBatch> batch = List.of(model.tokenizer().tokenize(ANCHORS), model.tokenizer().tokenize(POSITIVES));

            StepResult plain = step(encoder, "MultipleNegativesRankingLoss", Map.of(), batch);
            StepResult fixed = step(encoder, "CachedMultipleNegativesRankingLoss", Map.of("mini_batch_size", 4), batch);
            StepResult budget = step(encoder, "CachedMultipleNegativesRankingLoss",
                    Map.of("mini_batch_size", 32, "mini_batch_num_tokens", 20), batch);
            for (StepResult cached : List.of(fixed, budget)) {
                assertEquals(plain.loss(), cached.loss(), 1e-5);
                assertEquals(plain.gradients().keySet(), cached.gradients().keySet());
                for (String name : plain.gradients().keySet()) {
                    INDArray a = plain.gradients().get(name);
                    INDArray b = cached.gradients().get(name);
                    double scale = Math.max(1e-3, a.amaxNumber().doubleValue());
                    double diff = a.sub(b).amaxNumber().doubleValue();
                    assertTrue(diff <= 1e-4 * scale, name + ": max |diff| " + diff + " (scale " + scale + ")");
                }
            }
            assertTrue(plain.gradients().get("encoder.layer.0.output.dense.weight").amaxNumber().doubleValue() > 0);
        }
    }

    @Test
    void showProgressBarReportsEachPassOverTheChunks() throws Exception {
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModel("tiny-bert-mean"))) {
            BertEncoder encoder = model.encoder();
            java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
            java.io.PrintStream out = new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8);
            GradCache cache = new GradCache(encoder.config(), encoder.dataType(), 4, null, true)
                    .withProgress((label, n) -> new org.sentence4j.graphs.progress.ProgressBar(label, n, "mini-batches", out,
                            false, 0, System::nanoTime));
            TokenBatch anchors = model.tokenizer().tokenize(ANCHORS);
            List<GradCache.Chunk> chunks = cache.chunks(anchors, 3);
            assertEquals(2, chunks.size(), "6 rows in chunks of 4");
            org.sentence4j.graphs.eager.EagerEncoder eager = encoder.eager();
            INDArray embeddings = cache.embed(eager, chunks, anchors.batchSize());
            cache.backward(eager, chunks, embeddings.dup(), eager.zeroGradients());
            String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("Embed mini-batches") && text.contains("Backward mini-batches"), text);
            assertTrue(text.contains("2/2"), text);
            // off by default: no bar is made
            GradCache quiet = new GradCache(encoder.config(), encoder.dataType(), 4, null, false);
            java.io.ByteArrayOutputStream none = new java.io.ByteArrayOutputStream();
            System.setErr(new java.io.PrintStream(none, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                quiet.embed(eager, chunks, anchors.batchSize());
            } finally {
                System.setErr(new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true));
            }
            assertEquals("", none.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static StepResult step(BertEncoder encoder, String lossName, Map<String, Object> options, List<TokenBatch> batch) {
        SentenceLoss loss = LossRegistry.defaults().create(lossName, options);
        TrainingGraph graph = new TrainingGraph(encoder, loss, lossName, 2, null, 0);
        StepResult r = graph.step(batch, null, null, 7, new Random(1));
        Map<String, INDArray> copy = new java.util.LinkedHashMap<>();
        r.gradients().forEach((k, v) -> copy.put(k, v.dup()));
        return new StepResult(r.loss(), r.components(), copy);
    }
}
