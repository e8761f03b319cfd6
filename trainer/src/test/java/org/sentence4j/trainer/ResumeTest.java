package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;

/**
 * A run interrupted after a checkpoint and resumed ends with the same weights as an uninterrupted run: with
 * dropout on, several epochs, gradient accumulation, warm-up and decay, and a loss with its own parameters
 * (Matryoshka over SoftmaxLoss would not fit; SoftmaxLoss alone trains a classifier).
 */
class ResumeTest {

    private static Dataset data() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        int[] labels = new int[12];
        for (int i = 0; i < 12; i++) {
            a.add("first sentence number " + i + " about topic " + (i % 3));
            b.add("second sentence " + (i * 7 % 12) + " on subject " + (i % 4));
            labels[i] = i % 3;
        }
        return Dataset.builder("nli").column("premise", a).column("hypothesis", b).labels("label", labels).build();
    }

    private static SentenceTransformerTrainer trainer(SentenceEncoder model, Path out, long stopAfter) {
        TrainingArguments args = TrainingArguments.builder(out).numTrainEpochs(4).batchSize(4).gradientAccumulationSteps(2)
                .learningRate(2e-3).warmupRatio(0.3).weightDecay(0.01).batchSampler(BatchSamplers.DEFAULT).loggingSteps(1)
                .saveSteps(0).evalBeforeTraining(false).seed(5).build();
        return SentenceTransformerTrainer.builder(model, args).stopAfterStep(stopAfter)
                .train(data(), LossRegistry.defaults().create(LossSpec.of("SoftmaxLoss",
                        Map.of("embedding_dimension", 32, "num_labels", 3)))).build();
    }

    @Test
    void interruptedAndResumedEqualsUninterrupted(@TempDir Path dir) throws Exception {
        Map<String, INDArray> straight;
        long steps;
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingResult r = trainer(model, dir.resolve("straight"), 0).train();
            steps = r.globalSteps();
            straight = model.encoder().weights().asMap();
        }
        assertEquals(4, steps, "4 epochs of 3 batches, 2 batches per step (floor, as Hugging Face): 4 optimizer steps");
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingResult first = trainer(model, dir.resolve("split"), 2).train();
            assertEquals(2, first.globalSteps());
        }
        assertTrue(Files.isDirectory(dir.resolve("split/checkpoints/checkpoint-2")));
        try (SentenceEncoder fresh = TinyModels.tinyBert()) {
            // a new process would start from the base model: the checkpoint brings everything back
            TrainingResult rest = trainer(fresh, dir.resolve("split"), 0).resumeFromLatestCheckpoint();
            assertEquals(4, rest.globalSteps());
            Map<String, INDArray> resumed = fresh.encoder().weights().asMap();
            double worst = 0;
            for (Map.Entry<String, INDArray> e : straight.entrySet()) {
                worst = Math.max(worst, e.getValue().sub(resumed.get(e.getKey())).amaxNumber().doubleValue());
            }
            System.out.println("max |uninterrupted - resumed| = " + worst);
            assertTrue(worst <= 1e-6, "resumed weights differ by " + worst);
        }
        assertTrue(Files.exists(dir.resolve("split/README.md")), "model card");
        assertTrue(Files.exists(dir.resolve("split/training_loss.png")), "loss plot");
        assertTrue(Files.exists(dir.resolve("split/model.safetensors")), "final model");
    }
}
