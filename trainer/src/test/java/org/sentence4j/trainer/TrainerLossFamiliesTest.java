package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;

/**
 * One or two training steps per loss family through the real trainer on a tiny random BERT: the weights move
 * and the loss is finite. Ranking, triplet, pair with score, pair with class (a loss with its own trainable
 * classifier), distillation, and the modifiers on the encoder's real layers.
 */
class TrainerLossFamiliesTest {

    private static final LossRegistry LOSSES = LossRegistry.defaults();
    private static final String[] WORDS = {"cat", "dog", "car", "train", "apple", "pear", "river", "mountain", "blue", "red",
            "happy", "sad", "music", "film", "coffee", "tea"};

    private static List<String> sentences(int n, int salt) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("the " + WORDS[(i + salt) % WORDS.length] + " and the " + WORDS[(3 * i + 7 + salt) % WORDS.length]
                    + " number " + i);
        }
        return out;
    }

    private static TrainingResult train(Path dir, Dataset ds, SentenceLoss loss, BatchSamplers sampler) throws Exception {
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            INDArray before = model.encoder().weights().get("encoder.layer.0.attention.self.query.weight").dup();
            INDArray wordsBefore = model.encoder().weights().get("embeddings.word_embeddings.weight").dup();
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(2).batchSize(4).learningRate(1e-3)
                    .batchSampler(sampler).loggingSteps(1).saveSteps(0).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args).train(ds, loss).build().train();
            INDArray after = model.encoder().weights().get("encoder.layer.0.attention.self.query.weight");
            assertFalse(before.equalsWithEps(after, 1e-9), loss.name() + ": attention weights did not move");
            assertFalse(wordsBefore.equalsWithEps(model.encoder().weights().get("embeddings.word_embeddings.weight"), 1e-9),
                    loss.name() + ": word embeddings did not move");
            assertEquals(2, r.globalSteps());
            assertEquals(2, r.log().size(), loss.name() + ": one log entry per step");
            for (LogEntry e : r.log()) {
                assertTrue(Double.isFinite(e.loss()), loss.name() + ": loss " + e.loss());
            }
            return r;
        }
    }

    @Test
    void ranking(@TempDir Path dir) throws Exception {
        Dataset ds = Dataset.builder("pairs").column("anchor", sentences(8, 0)).column("positive", sentences(8, 1)).build();
        train(dir, ds, LOSSES.create("MultipleNegativesRankingLoss", Map.of()), BatchSamplers.NO_DUPLICATES);
    }

    @Test
    void batchTriplet(@TempDir Path dir) throws Exception {
        Dataset ds = Dataset.builder("classes").column("sentence", sentences(12, 2))
                .labels("label", new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}).build();
        train(dir, ds, LOSSES.create("BatchHardTripletLoss", Map.of()), BatchSamplers.GROUP_BY_LABEL);
    }

    @Test
    void pairWithScore(@TempDir Path dir) throws Exception {
        Dataset ds = Dataset.builder("scored").column("sentence1", sentences(8, 3)).column("sentence2", sentences(8, 5))
                .labels("score", new double[] {0.1, 0.9, 0.4, 0.5, 0.8, 0.2, 0.7, 0.3}).build();
        train(dir, ds, LOSSES.create("CoSENTLoss", Map.of()), BatchSamplers.DEFAULT);
    }

    @Test
    void pairWithClassTrainsTheClassifierToo(@TempDir Path dir) throws Exception {
        Dataset ds = Dataset.builder("nli").column("premise", sentences(8, 4)).column("hypothesis", sentences(8, 6))
                .labels("label", new int[] {0, 1, 2, 0, 1, 2, 0, 1}).build();
        Map<String, Object> options = Map.of("embedding_dimension", 32, "num_labels", 3);
        SentenceLoss loss = LOSSES.create("SoftmaxLoss", options);
        train(dir, ds, loss, BatchSamplers.DEFAULT);
        INDArray trained = ((AbstractSentenceLoss) loss).parameterValues().get("classifier.weight");
        // the same loss, untrained: its classifier starts from the same seed
        SentenceLoss fresh = LOSSES.create("SoftmaxLoss", options);
        new EmbeddingLossRunner(DataType.FLOAT).prepare(fresh, LossBatch.of(Nd4j.rand(DataType.FLOAT, 2, 32),
                Nd4j.rand(DataType.FLOAT, 2, 32)).withLabels(Nd4j.createFromArray(0.0, 1.0)));
        INDArray initial = ((AbstractSentenceLoss) fresh).parameterValues().get("classifier.weight");
        assertEquals(3, trained.size(0));
        assertFalse(initial.equalsWithEps(trained, 1e-9), "the classifier did not move");
    }

    /**
     * TSDAE through the trainer: the tied decoder's own parameters are trained and checkpointed as the loss's
     * ({@code loss/<dataset>/decoder.*}), and the saved model folder holds the encoder only.
     */
    @Test
    void denoisingAutoEncoderKeepsItsDecoderOutOfTheModelFolder(@TempDir Path dir) throws Exception {
        List<String> original = sentences(8, 2);
        List<String> damaged = new ArrayList<>();
        original.forEach(t -> damaged.add(t.substring(t.indexOf(' ') + 1, t.lastIndexOf(' '))));
        Dataset ds = Dataset.builder("tsdae").column("damaged", damaged).column("original", original).build();
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(3).batchSize(4).learningRate(1e-3)
                    .loggingSteps(1).saveSteps(2).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args)
                    .train(ds, LOSSES.create("DenoisingAutoEncoderLoss", Map.of())).build().train();
            assertEquals(3, r.globalSteps());
            double first = r.log().get(0).loss();
            assertEquals(Math.log(30522), first, 0.5, "a fresh decoder predicts about uniformly");
            Map<String, INDArray> saved = org.sentence4j.graphs.io.SafeTensors.read(dir.resolve("model.safetensors"));
            assertTrue(saved.containsKey("embeddings.word_embeddings.weight"), saved.keySet().toString());
            assertFalse(saved.keySet().stream().anyMatch(k -> k.contains("crossattention") || k.startsWith("cls.")
                    || k.contains("decoder")), "decoder tensors in the model folder: " + saved.keySet());
            Path checkpoint = dir.resolve("checkpoints").resolve(org.sentence4j.trainer.checkpoint.CheckpointManager.PREFIX + 2);
            assertTrue(java.nio.file.Files.isDirectory(checkpoint), "no checkpoint at step 2 in " + dir);
            Map<String, INDArray> lossParams = org.sentence4j.graphs.io.SafeTensors.read(
                    checkpoint.resolve(org.sentence4j.trainer.checkpoint.CheckpointManager.LOSS_PARAMETERS_FILE));
            INDArray bias = lossParams.get("loss/tsdae/decoder.cls.predictions.bias");
            assertTrue(bias != null, "checkpointed loss parameters: " + lossParams.keySet());
            assertTrue(bias.amaxNumber().doubleValue() > 0, "the LM bias (initially 0) was trained");
            assertEquals(5 * 2 * 2 + 5, lossParams.size(), "2 layers x 5 cross-attention tensors x (weight, bias) + 5 LM head");
        }
    }

    @Test
    void distillation(@TempDir Path dir) throws Exception {
        List<double[]> teacher = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            double[] v = new double[32];
            v[i % 32] = 1.0;
            teacher.add(v);
        }
        Dataset ds = Dataset.builder("distill").column("sentence", sentences(8, 7)).column("label", teacher).build();
        train(dir, ds, LOSSES.create("MSELoss", Map.of()), BatchSamplers.DEFAULT);
    }

    @Test
    void modifiersOnTheEncodersRealLayers(@TempDir Path dir) throws Exception {
        Dataset pairs = Dataset.builder("pairs").column("anchor", sentences(8, 8)).column("positive", sentences(8, 9)).build();
        train(dir.resolve("m"), pairs, LOSSES.create(new LossSpec("MatryoshkaLoss", Map.of("matryoshka_dims", List.of(32, 16, 8)),
                LossSpec.of("MultipleNegativesRankingLoss"))), BatchSamplers.NO_DUPLICATES);
        Dataset scored = Dataset.builder("scored").column("sentence1", sentences(8, 3)).column("sentence2", sentences(8, 5))
                .labels("score", new double[] {0.1, 0.9, 0.4, 0.5, 0.8, 0.2, 0.7, 0.3}).build();
        train(dir.resolve("a"), scored, LOSSES.create(new LossSpec("AdaptiveLayerLoss", Map.of("n_layers_per_step", -1),
                LossSpec.of("CoSENTLoss"))), BatchSamplers.DEFAULT);
        train(dir.resolve("2d"), pairs, LOSSES.create(new LossSpec("Matryoshka2dLoss", Map.of("matryoshka_dims", List.of(32, 8)),
                LossSpec.of("MultipleNegativesRankingLoss"))), BatchSamplers.NO_DUPLICATES);
    }

    @Test
    void guidedInBatchNegativesWithAFrozenGuideModel(@TempDir Path dir) throws Exception {
        Dataset triplets = Dataset.builder("triplets").column("anchor", sentences(8, 1)).column("positive", sentences(8, 2))
                .column("negative", sentences(8, 5)).build();
        try (SentenceEncoder model = TinyModels.tinyBert();
             SentenceEncoder guide = SentenceEncoder.load(TestData.stModel("tiny-bert-cls"))) {
            INDArray before = model.encoder().weights().get("encoder.layer.1.output.dense.weight").dup();
            INDArray guideBefore = guide.encoder().weights().get("encoder.layer.1.output.dense.weight").dup();
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(2).batchSize(4).learningRate(1e-3).loggingSteps(1)
                    .saveSteps(0).batchSampler(BatchSamplers.NO_DUPLICATES).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args).guide(guide)
                    .train(triplets, LOSSES.create("GISTEmbedLoss", Map.of("temperature", 0.05))).build().train();
            assertFalse(before.equalsWithEps(model.encoder().weights().get("encoder.layer.1.output.dense.weight"), 1e-9));
            assertTrue(guideBefore.equalsWithEps(guide.encoder().weights().get("encoder.layer.1.output.dense.weight"), 0.0),
                    "the guide stays frozen");
            assertEquals(2, r.log().size(), "one log entry per step");
            r.log().forEach(e -> assertTrue(Double.isFinite(e.loss()) && e.loss() > 0, "GISTEmbedLoss: loss " + e.loss()));
        }
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingArguments args = TrainingArguments.builder(dir.resolve("noguide")).maxSteps(1).build();
            LossInputException e = assertThrows(LossInputException.class, () -> SentenceTransformerTrainer.builder(model, args)
                    .train(triplets, LOSSES.create("GISTEmbedLoss", Map.of())).build().train());
            assertTrue(e.getMessage().contains("guide"), e.getMessage());
        }
    }

    @Test
    void aLossThatDoesNotFitTheDatasetIsRejected(@TempDir Path dir) throws Exception {
        Dataset pairs = Dataset.builder("pairs").column("anchor", sentences(8, 8)).column("positive", sentences(8, 9)).build();
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(1).build();
            LossInputException e = assertThrows(LossInputException.class, () -> SentenceTransformerTrainer.builder(model, args)
                    .train(pairs, LOSSES.create("CoSENTLoss", Map.of())).build());
            assertTrue(e.getMessage().contains("anchor, positive") && e.getMessage().contains("MultipleNegativesRankingLoss"),
                    e.getMessage());
        }
    }
}
