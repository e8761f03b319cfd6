package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.step.DatasetStep;

/**
 * The held-out dataset's loss ({@code eval_loss}, Hugging Face's {@code eval_dataset}): computed with the
 * training loss in evaluation mode (no dropout: the same value twice), reported before, during and after
 * training, and it falls while a loss is fitted on the same distribution.
 */
class EvalLossTest {

    private static Dataset pairs(String name, int n, int offset) {
        List<String> a = new ArrayList<>();
        List<String> p = new ArrayList<>();
        String[] w = {"cat", "dog", "car", "train", "apple", "pear", "river", "mountain", "blue", "red", "tea", "bread"};
        for (int i = offset; i < offset + n; i++) {
            a.add("where is the " + w[i % w.length] + " number " + i);
            p.add("the " + w[i % w.length] + " " + i + " is here");
        }
        return Dataset.builder(name).column("anchor", a).column("positive", p).build();
    }

    @Test
    void evalLossIsDeterministicReportedAndFalls(@TempDir Path dir) throws Exception {
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            var loss = LossRegistry.defaults().create("MultipleNegativesRankingLoss", Map.of());
            Dataset train = pairs("train", 48, 0);
            Dataset heldOut = pairs("held-out", 16, 100);
            DatasetStep step = new DatasetStep(model, train, loss, null, "probe");
            DatasetStep held = new DatasetStep(model, heldOut, step.graph(), null, 42L);
            assertEquals(held.evaluate(8), held.evaluate(8), 0.0, "no dropout: the same value twice");

            TrainingArguments args = TrainingArguments.builder(dir).numTrainEpochs(3).batchSize(8).learningRate(2e-3)
                    .batchSampler(BatchSamplers.NO_DUPLICATES).loggingSteps(2).evalSteps(6).saveSteps(0).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args).train(train, loss).evalDataset(heldOut).build().train();
            double before = r.initialMetrics().get("eval_loss");
            double after = r.finalMetrics().get("eval_loss");
            assertTrue(after < before, "eval_loss " + before + " -> " + after);
            assertTrue(r.log().stream().filter(e -> e.metrics().containsKey("eval_loss")).count() >= 3, "before, during, after");
        }
    }

    @Test
    void aHeldOutDatasetOfAnotherFormatIsRefused(@TempDir Path dir) throws Exception {
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            var loss = LossRegistry.defaults().create("MultipleNegativesRankingLoss", Map.of());
            Dataset single = Dataset.builder("single").column("sentence", List.of("a b", "c d")).build();
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(1).batchSize(4).saveSteps(0).build();
            var trainer = SentenceTransformerTrainer.builder(model, args).train(pairs("train", 8, 0), loss).evalDataset(single).build();
            LossInputException e = assertThrows(LossInputException.class, trainer::train);
            assertTrue(e.getMessage().contains("single") && e.getMessage().contains("takes 2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SentenceTransformerTrainer.builder(model, args)
                    .train(pairs("train", 8, 0), loss).evalDataset("nope", single).build());
        }
    }
}
