package org.sentence4j.trainer.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.TestData;

/**
 * GradCache execution gives the plain full-batch step of the base loss: the same loss and the same gradient of
 * every parameter, with dropout on (the chunks draw the plain step's masks on their rows and positions), for
 * every loss that runs with GradCache, with chunk sizes that do and do not divide the batch and with chunks
 * packed by a token budget, in float64 (to rounding of a float64 computation) and in float32 (to float32
 * rounding).
 */
class GradCacheTest {

    private static final List<String> ANCHORS = List.of("how do I reset my password", "the invoice is wrong",
            "app crashes when I upload a photo", "cancel my subscription please", "where is my order",
            "two factor code never arrives, I have waited an hour and tried twice", "refund");
    private static final List<String> POSITIVES = List.of("password reset link", "billing error on my invoice",
            "crash on photo upload", "stop my plan", "order tracking", "verification code not received",
            "I would like my money back for the order that arrived broken");
    private static final List<String> NEGATIVES = List.of("change my email address", "the app is slow",
            "photo quality is bad", "upgrade my plan", "the order arrived late", "login works fine", "thanks");

    /** A cached loss and the plain loss whose step it must reproduce. */
    private record Pair(String what, int columns, boolean guide, LossSpec plain, List<LossSpec> cached) {
    }

    /** Chunkings of the 7-row batch: 1 and 7 divide it, 3 and 4 do not, and a token budget packs unequal chunks. */
    private static List<Map<String, Object>> chunkings() {
        return List.of(Map.of("mini_batch_size", 1), Map.of("mini_batch_size", 3), Map.of("mini_batch_size", 4),
                Map.of("mini_batch_size", 7), Map.of("mini_batch_size", 32, "mini_batch_num_tokens", 20));
    }

    private static List<LossSpec> cached(String name, Map<String, Object> options) {
        List<LossSpec> specs = new ArrayList<>();
        for (Map<String, Object> chunking : chunkings()) {
            Map<String, Object> o = new LinkedHashMap<>(options);
            o.putAll(chunking);
            specs.add(LossSpec.of(name, o));
        }
        return specs;
    }

    private static List<Pair> pairs() {
        Map<String, Object> matryoshka = Map.of("matryoshka_dims", List.of(32, 16, 8), "matryoshka_weights", List.of(1.0, 0.5, 2.0));
        List<LossSpec> cachedMatryoshka = cached("CachedMultipleNegativesRankingLoss", Map.of()).stream()
                .map(base -> new LossSpec("MatryoshkaLoss", matryoshka, base)).toList();
        return List.of(
                new Pair("CachedMultipleNegativesRankingLoss", 3, false, LossSpec.of("MultipleNegativesRankingLoss"),
                        cached("CachedMultipleNegativesRankingLoss", Map.of())),
                new Pair("CachedMultipleNegativesSymmetricRankingLoss", 2, false,
                        LossSpec.of("MultipleNegativesSymmetricRankingLoss"),
                        cached("CachedMultipleNegativesSymmetricRankingLoss", Map.of())),
                new Pair("CachedGISTEmbedLoss", 3, true, LossSpec.of("GISTEmbedLoss"), cached("CachedGISTEmbedLoss", Map.of())),
                new Pair("MegaBatchMarginLoss (mini-batched)", 2, false,
                        LossSpec.of("MegaBatchMarginLoss", Map.of("use_mini_batched_version", false)),
                        cached("MegaBatchMarginLoss", Map.of("use_mini_batched_version", true))),
                new Pair("MatryoshkaLoss(CachedMultipleNegativesRankingLoss)", 2, false,
                        new LossSpec("MatryoshkaLoss", matryoshka, LossSpec.of("MultipleNegativesRankingLoss")), cachedMatryoshka));
    }

    @Test
    void cachedStepEqualsThePlainStepWithDropoutInFloat64() throws Exception {
        double worst = compareEveryCachedLoss(DataType.DOUBLE, 1e-12);
        System.out.println("float64: max relative |cached - plain| over losses, chunkings and parameters = " + worst);
    }

    @Test
    void cachedStepEqualsThePlainStepWithDropoutInFloat32() throws Exception {
        double worst = compareEveryCachedLoss(DataType.FLOAT, 5e-5);
        System.out.println("float32: max relative |cached - plain| over losses, chunkings and parameters = " + worst);
    }

    /**
     * Every pair and chunking: loss and every parameter gradient of the cached step against the plain step,
     * relative to the gradient's largest entry; returns the largest such difference. A control with another
     * dropout seed shows that the masks matter far beyond the tolerance, so equality means the same masks.
     */
    private static double compareEveryCachedLoss(DataType dataType, double tolerance) throws Exception {
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModel("tiny-bert-mean"))) {
            BertEncoder encoder = withDropout(model, dataType, 0.2, 0.2);
            List<TokenBatch> batch = List.of(model.tokenizer().tokenize(ANCHORS), model.tokenizer().tokenize(POSITIVES),
                    model.tokenizer().tokenize(NEGATIVES));
            // the guide runs in inference (no dropout), as the trainer's guide does
            List<INDArray> guide = new ArrayList<>();
            for (TokenBatch b : batch) {
                guide.add(model.encoder().embed(b));
            }
            double worst = 0;
            for (Pair pair : pairs()) {
                List<TokenBatch> columns = batch.subList(0, pair.columns());
                List<INDArray> guideColumns = pair.guide() ? guide.subList(0, pair.columns()) : null;
                StepResult plain = step(encoder, pair.plain(), columns, guideColumns, 7);
                StepResult otherMasks = step(encoder, pair.plain(), columns, guideColumns, 8);
                assertTrue(maxRelativeDifference(plain, otherMasks) > 100 * tolerance,
                        pair.what() + ": another dropout seed changes the gradients");
                double pairWorst = 0;
                double lossWorst = 0;
                for (LossSpec spec : pair.cached()) {
                    StepResult cached = step(encoder, spec, columns, guideColumns, 7);
                    String what = pair.what() + " " + spec.config() + " " + dataType;
                    assertEquals(plain.loss(), cached.loss(), tolerance * Math.abs(plain.loss()), what + ": loss");
                    assertEquals(plain.gradients().keySet(), cached.gradients().keySet(), what);
                    double diff = maxRelativeDifference(plain, cached);
                    assertTrue(diff <= tolerance, what + ": max relative gradient difference " + diff);
                    pairWorst = Math.max(pairWorst, diff);
                    lossWorst = Math.max(lossWorst, Math.abs(plain.loss() - cached.loss()) / Math.abs(plain.loss()));
                }
                System.out.printf("%s %s: max relative difference, gradients %.2e, loss %.2e%n", pair.what(), dataType,
                        pairWorst, lossWorst);
                worst = Math.max(worst, pairWorst);
                assertTrue(plain.gradients().get("encoder.layer.0.output.dense.weight").amaxNumber().doubleValue() > 0);
            }
            return worst;
        }
    }

    /**
     * max over parameters of max |a - b| / max |a|. A gradient that is zero in exact arithmetic (the attention
     * key bias: softmax ignores a shift of a query's scores) is rounding noise, so the scale has a floor of
     * 1e-6 of the largest gradient entry of any parameter.
     */
    private static double maxRelativeDifference(StepResult a, StepResult b) {
        double largest = 0;
        for (INDArray x : a.gradients().values()) {
            largest = Math.max(largest, x.amaxNumber().doubleValue());
        }
        double worst = 0;
        for (String name : a.gradients().keySet()) {
            INDArray x = a.gradients().get(name);
            INDArray y = b.gradients().get(name);
            double scale = Math.max(1e-6 * largest, x.amaxNumber().doubleValue());
            worst = Math.max(worst, x.sub(y).amaxNumber().doubleValue() / scale);
        }
        return worst;
    }

    /** The model's weights in {@code dataType} with the given dropout probabilities (hidden, attention). */
    private static BertEncoder withDropout(SentenceEncoder model, DataType dataType, double hidden, double attention) {
        BertConfig c = model.encoder().config();
        BertConfig config = new BertConfig(c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                c.intermediateSize(), c.maxPositionEmbeddings(), c.typeVocabSize(), c.layerNormEps(), c.hiddenAct(), hidden,
                attention);
        return BertEncoder.builder(config).weights(model.encoder().weights()).pooling(model.encoder().pooling())
                .normalize(model.encoder().normalize()).dataType(dataType).build();
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
            TokenBatch anchors = model.tokenizer().tokenize(ANCHORS.subList(0, 6));
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

    private static StepResult step(BertEncoder encoder, LossSpec spec, List<TokenBatch> batch, List<INDArray> guide,
                                   long dropoutSeed) {
        SentenceLoss loss = LossRegistry.defaults().create(spec);
        int guideWidth = guide == null ? 0 : (int) guide.get(0).size(1);
        TrainingGraph graph = new TrainingGraph(encoder, loss, spec.name(), batch.size(), null, guideWidth);
        StepResult r = graph.step(batch, null, guide, dropoutSeed, new Random(1));
        Map<String, INDArray> copy = new LinkedHashMap<>();
        r.gradients().forEach((k, v) -> copy.put(k, v.castTo(DataType.DOUBLE).dup()));
        return new StepResult(r.loss(), r.components(), copy);
    }
}
