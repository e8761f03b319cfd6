package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.trainer.checkpoint.CheckpointManager;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;

/**
 * A run interrupted after a checkpoint and resumed ends as an uninterrupted run (encoder weights, the loss's
 * classifier and every logged loss) to the last bits of float32: with
 * dropout on, several epochs, gradient accumulation, warm-up and decay, and a loss with its own parameters
 * (Matryoshka over SoftmaxLoss would not fit; SoftmaxLoss alone trains a classifier).
 */
class ResumeTest {

    /**
     * How far the two runs may differ. On the scalar kernels ({@code -Dsentence4j.eager.noVectorKernels=true}) they
     * are bit-identical (0.0, three runs out of three); with the vector kernels, which of the runs' kernel calls
     * happen before the JIT compiles them decides the last bit of some sums (the vector API's interpreted and
     * compiled forms round differently: see ConcurrentEncodeTest), measured up to 8.7e-8 on the weights, in about
     * every other run. A resume that restored any state wrongly (optimizer moments, schedule, sampler position,
     * dropout seeds, the classifier) differs by 1e-4 or more: the non-vacuity checks below show training moves
     * every compared array by more than that.
     */
    private static final double LAST_BITS = 1e-6;

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

    private static SentenceLoss softmaxLoss() {
        return LossRegistry.defaults().create(LossSpec.of("SoftmaxLoss", Map.of("embedding_dimension", 32, "num_labels", 3)));
    }

    private static SentenceTransformerTrainer trainer(SentenceEncoder model, SentenceLoss loss, Path out, long stopAfter) {
        TrainingArguments args = TrainingArguments.builder(out).numTrainEpochs(4).batchSize(4).gradientAccumulationSteps(2)
                .learningRate(2e-3).warmupRatio(0.3).weightDecay(0.01).batchSampler(BatchSamplers.DEFAULT).loggingSteps(1)
                .saveSteps(0).evalBeforeTraining(false).seed(5).build();
        return SentenceTransformerTrainer.builder(model, args).stopAfterStep(stopAfter).train(data(), loss).build();
    }

    /** A copy of every encoder weight (the model's arrays are trained in place and freed with the model). */
    private static Map<String, INDArray> weights(SentenceEncoder model) {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        model.encoder().weights().asMap().forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    /** A copy of the SoftmaxLoss classifier's parameters, by upstream name. */
    private static Map<String, INDArray> classifier(SentenceLoss loss) {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        ((AbstractSentenceLoss) loss).parameterValues().forEach((k, v) -> copy.put(k, v.dup()));
        assertEquals(java.util.Set.of("classifier.weight", "classifier.bias"), copy.keySet());
        return copy;
    }

    /** max over tensors of max |a - b| (the key sets must match). */
    private static double maxDifference(Map<String, INDArray> a, Map<String, INDArray> b) {
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        for (Map.Entry<String, INDArray> e : a.entrySet()) {
            worst = Math.max(worst, e.getValue().sub(b.get(e.getKey())).amaxNumber().doubleValue());
        }
        return worst;
    }

    @Test
    void interruptedAndResumedEqualsUninterrupted(@TempDir Path dir) throws Exception {
        Map<String, INDArray> initial;
        Map<String, INDArray> straight;
        Map<String, INDArray> straightClassifier;
        TrainingResult uninterrupted;
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            initial = weights(model);
            SentenceLoss loss = softmaxLoss();
            uninterrupted = trainer(model, loss, dir.resolve("straight"), 0).train();
            straight = weights(model);
            straightClassifier = classifier(loss);
        }
        assertEquals(4, uninterrupted.globalSteps(), "4 epochs of 3 batches, 2 batches per step (floor, as Hugging Face): 4 optimizer steps");
        Map<String, INDArray> splitClassifier;
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            SentenceLoss loss = softmaxLoss();
            TrainingResult first = trainer(model, loss, dir.resolve("split"), 2).train();
            assertEquals(2, first.globalSteps());
            splitClassifier = classifier(loss);
        }
        Path checkpoint = dir.resolve("split/checkpoints/checkpoint-2");
        assertTrue(Files.isDirectory(checkpoint));
        // the checkpoint holds the classifier as it was when the first half stopped
        Map<String, INDArray> saved = new LinkedHashMap<>();
        CheckpointManager.load(checkpoint).lossParameters().forEach((k, v) -> saved.put(k.substring(k.lastIndexOf('/') + 1), v));
        assertEquals(0.0, maxDifference(splitClassifier, saved), 0.0, "classifier in the checkpoint");
        try (SentenceEncoder fresh = TinyModels.tinyBert()) {
            // a new process would start from the base model and a fresh classifier: the checkpoint brings both back
            SentenceLoss loss = softmaxLoss();
            TrainingResult rest = trainer(fresh, loss, dir.resolve("split"), 0).resumeFromLatestCheckpoint();
            assertEquals(4, rest.globalSteps());
            double worst = maxDifference(straight, weights(fresh));
            double classifierWorst = maxDifference(straightClassifier, classifier(loss));
            System.out.println("max |uninterrupted - resumed|: weights " + worst + ", classifier " + classifierWorst);
            assertEquals(0.0, worst, LAST_BITS, "resumed encoder weights equal the uninterrupted run's");
            assertEquals(0.0, classifierWorst, LAST_BITS, "resumed classifier equals the uninterrupted run's");
            // and so is every logged loss after the interruption
            assertEquals(uninterrupted.log().size(), rest.log().size());
            for (int i = 0; i < rest.log().size(); i++) {
                assertEquals(uninterrupted.log().get(i).loss(), rest.log().get(i).loss(),
                        LAST_BITS * Math.max(1.0, Math.abs(uninterrupted.log().get(i).loss())), "logged loss " + i);
            }
        }
        // the comparisons above are not vacuous: training moved the encoder and the classifier, and the classifier
        // kept moving after the interruption
        assertTrue(maxDifference(initial, straight) > 1e-4, "the encoder weights moved");
        assertTrue(maxDifference(splitClassifier, straightClassifier) > 1e-4, "the classifier moved after step 2");
        // the classifier before training: a fresh loss prepared on any batch starts from the same seeded values
        SentenceLoss untrained = softmaxLoss();
        new EmbeddingLossRunner(DataType.FLOAT).prepare(untrained, LossBatch.of(Nd4j.rand(DataType.FLOAT, 2, 32),
                Nd4j.rand(DataType.FLOAT, 2, 32)).withLabels(Nd4j.createFromArray(0.0, 1.0)));
        assertTrue(maxDifference(classifier(untrained), splitClassifier) > 1e-4, "the classifier moved in the first two steps");
        assertTrue(Files.exists(dir.resolve("split/README.md")), "model card");
        assertTrue(Files.exists(dir.resolve("split/training_loss.png")), "loss plot");
        assertTrue(Files.exists(dir.resolve("split/model.safetensors")), "final model");
    }
}
