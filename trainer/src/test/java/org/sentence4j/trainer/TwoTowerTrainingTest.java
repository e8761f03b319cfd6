package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.io.SafeTensors;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.step.DatasetStep;
import org.sentence4j.trainer.step.StepResult;

/**
 * The losses of the loss table that learn from single sentences with two towers, through the real trainer: a
 * one-column dataset trains, the model and its copy both move, only the model is saved (its folder has no
 * copy tensors and loads back), the copy is checkpointed with the loss's parameters; and a regularizer's
 * named components are logged.
 */
class TwoTowerTrainingTest {

    private static final LossRegistry LOSSES = LossRegistry.defaults();

    private static Dataset sentences(int n) {
        String[] words = {"cat", "dog", "car", "train", "apple", "pear", "river", "mountain", "blue", "red", "music", "tea"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("the " + words[i % words.length] + " near the " + words[(5 * i + 3) % words.length] + " " + i);
        }
        return Dataset.builder("sentences").column("sentence", out).build();
    }

    @Test
    void contrastiveTensionFromSingleSentencesTrainsBothTowersAndSavesTheModel(@TempDir Path dir) throws Exception {
        for (String name : List.of("ContrastiveTensionLoss", "ContrastiveTensionLossInBatchNegatives")) {
            Path out = dir.resolve(name);
            try (SentenceEncoder model = TinyModels.tinyBert()) {
                INDArray before = model.encoder().weights().get("encoder.layer.0.output.dense.weight").dup();
                SentenceLoss loss = LOSSES.create(name, Map.of());
                Dataset data = sentences(24);
                // the step alone: the copy's gradients are the loss's parameters, and both towers get some
                StepResult first = new DatasetStep(model, data, loss, null, "probe").run(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 0, 1L,
                        new java.util.Random(0));
                assertTrue(Double.isFinite(first.loss()), name + ": loss " + first.loss());
                double copyGrad = first.gradients().get("loss/model1.encoder.layer.0.output.dense.weight").norm2Number().doubleValue();
                double modelGrad = first.gradients().get("encoder.layer.0.output.dense.weight").norm2Number().doubleValue();
                assertTrue(copyGrad > 0 && modelGrad > 0, name + ": tower gradients " + copyGrad + ", " + modelGrad);
                assertTrue(Math.abs(copyGrad - modelGrad) > 1e-9 * modelGrad, name + ": the towers read different columns or masks");

                TrainingArguments args = TrainingArguments.builder(out).maxSteps(3).batchSize(8).learningRate(1e-3)
                        .batchSampler(BatchSamplers.DEFAULT).loggingSteps(1).saveSteps(2).build();
                TrainingResult r = SentenceTransformerTrainer.builder(model, args).train(data, loss).build().train();
                assertEquals(3, r.globalSteps());
                r.log().stream().filter(e -> !Double.isNaN(e.loss())).forEach(e -> assertTrue(Double.isFinite(e.loss())));
                INDArray after = model.encoder().weights().get("encoder.layer.0.output.dense.weight");
                assertFalse(before.equalsWithEps(after, 1e-9), name + ": the model did not move");
            }
            // only the model is saved: no copy tensors, and it loads back
            Map<String, INDArray> saved = SafeTensors.read(out.resolve("model.safetensors"));
            assertTrue(saved.keySet().stream().noneMatch(k -> k.contains("model1")), name + ": " + saved.keySet());
            try (SentenceEncoder reloaded = SentenceEncoder.load(out)) {
                assertEquals(32, reloaded.embeddingDimension());
            }
            // the checkpoint keeps the copy, as the loss's parameters
            Path checkpoint = out.resolve("checkpoints").resolve("checkpoint-2");
            assertTrue(Files.isDirectory(checkpoint), "checkpoint at step 2");
            boolean copyKept;
            try (var files = Files.walk(checkpoint)) {
                copyKept = files.filter(f -> f.toString().endsWith(".safetensors")).anyMatch(f -> {
                    try {
                        return SafeTensors.read(f).keySet().stream().anyMatch(k -> k.contains("model1.encoder.layer.0"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            assertTrue(copyKept, name + ": the copy tower is in the checkpoint");
        }
    }

    @Test
    void aTwoColumnDatasetForTheInBatchLossIsRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        Dataset pairs = Dataset.builder("pairs").column("a", List.of("one", "two", "three")).column("b", List.of("uno", "dos", "tres"))
                .build();
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(1).batchSize(3).saveSteps(0).build();
            org.sentence4j.losses.LossInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.sentence4j.losses.LossInputException.class, () -> SentenceTransformerTrainer.builder(model, args)
                            .train(pairs, LOSSES.create("ContrastiveTensionLossInBatchNegatives", Map.of())).build());
            assertTrue(e.getMessage().contains("ContrastiveTensionLossInBatchNegatives") && e.getMessage().contains("(a, b)"),
                    e.getMessage());
            assertFalse(Files.exists(dir.resolve("model.safetensors")), "nothing trained or saved");
        }
    }

    @Test
    void theRegularizersComponentsAreLoggedApart(@TempDir Path dir) throws Exception {
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(2).batchSize(6).learningRate(1e-3)
                    .loggingSteps(1).saveSteps(0).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args)
                    .train(sentences(12), LOSSES.create("GlobalOrthogonalRegularizationLoss", Map.of())).build().train();
            LogEntry e = r.log().stream().filter(x -> !Double.isNaN(x.loss())).findFirst().orElseThrow();
            assertEquals(List.of("gor_mean", "gor_second_moment"), List.copyOf(e.components().keySet()));
            assertEquals(e.components().values().stream().mapToDouble(Double::doubleValue).sum(), e.loss(), 1e-6 * Math.abs(e.loss()));
        }
    }
}
