package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.Datasets;
import org.sentence4j.trainer.data.LabelMapping;
import org.sentence4j.trainer.evaluation.BinaryClassificationEvaluator;

/**
 * A short fine-tune of the real default model (all-MiniLM-L6-v2) with MultipleNegativesRankingLoss on
 * (premise, entailed hypothesis, contradicted hypothesis) triplets built from the SNLI dev files in
 * {@code testdata/datasets}, read unmodified: the training loss (measured without dropout on the training
 * triplets) falls, and on held-out premises the average precision of cosine similarity at telling entailed
 * from contradicted hypotheses rises.
 */
class SnliFineTuneTest {

    /** One (premise, entailment, contradiction) triplet per premise that has both, in file order. */
    static Dataset triplets() {
        Path snli = TestData.datasets("snli");
        Dataset pairs = Datasets.lineFiles().name("snli-dev").column("premise", snli.resolve("s1.dev"))
                .column("hypothesis", snli.resolve("s2.dev")).label("label", snli.resolve("labels.dev"))
                .labelMapping(LabelMapping.nli()).trimText(true).read();
        int entailment = LabelMapping.nli().id("entailment").getAsInt();
        int contradiction = LabelMapping.nli().id("contradiction").getAsInt();
        Map<String, String[]> byPremise = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            String[] t = byPremise.computeIfAbsent(pairs.text(0, i), k -> new String[2]);
            int label = pairs.classLabel(i);
            if (label == entailment && t[0] == null) {
                t[0] = pairs.text(1, i);
            } else if (label == contradiction && t[1] == null) {
                t[1] = pairs.text(1, i);
            }
        }
        List<String> a = new ArrayList<>();
        List<String> p = new ArrayList<>();
        List<String> n = new ArrayList<>();
        byPremise.forEach((premise, t) -> {
            if (t[0] != null && t[1] != null) {
                a.add(premise);
                p.add(t[0]);
                n.add(t[1]);
            }
        });
        return Dataset.builder("snli-triplets").column("anchor", a).column("positive", p).column("negative", n).build();
    }

    /** The loss on the first {@code n} triplets in batches of 16, embeddings without dropout. */
    private static double trainingLoss(SentenceEncoder model, Dataset d, SentenceLoss loss, int n) {
        EmbeddingLossRunner runner = new EmbeddingLossRunner(DataType.FLOAT);
        double sum = 0;
        int batches = 0;
        for (int s = 0; s + 16 <= n; s += 16) {
            sum += runner.value(loss, LossBatch.of(
                    model.encode(d.column("anchor").subList(s, s + 16), EncodeOptions.defaults()),
                    model.encode(d.column("positive").subList(s, s + 16), EncodeOptions.defaults()),
                    model.encode(d.column("negative").subList(s, s + 16), EncodeOptions.defaults()))).loss();
            batches++;
        }
        return sum / batches;
    }

    @Test
    void trainingLossFallsAndHeldOutAveragePrecisionRises(@TempDir Path dir) throws Exception {
        Dataset all = triplets();
        assertTrue(all.size() > 2000, "SNLI dev gives " + all.size() + " triplets");
        int[] trainRows = new int[192];
        for (int i = 0; i < trainRows.length; i++) {
            trainRows[i] = i;
        }
        Dataset train = all.select(trainRows).withName("snli-train");
        int[] heldRows = new int[300];
        for (int i = 0; i < heldRows.length; i++) {
            heldRows[i] = all.size() - 1 - i;
        }
        Dataset held = all.select(heldRows);
        // held-out premises with their entailed (1) and contradicted (0) hypothesis: average precision of cosine
        List<String> s1 = new ArrayList<>(held.column("anchor"));
        s1.addAll(held.column("anchor"));
        List<String> s2 = new ArrayList<>(held.column("positive"));
        s2.addAll(held.column("negative"));
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < 2 * held.size(); i++) {
            labels.add(i < held.size() ? 1 : 0);
        }
        BinaryClassificationEvaluator evaluator = BinaryClassificationEvaluator.builder(s1, s2, labels).name("snli-held-out").build();
        SentenceLoss loss = LossRegistry.defaults().create("MultipleNegativesRankingLoss", Map.of());
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            double lossBefore = trainingLoss(model, train, loss, 64);
            TrainingArguments args = TrainingArguments.builder(dir).numTrainEpochs(1).batchSize(16).learningRate(5e-5)
                    .warmupRatio(0.1).batchSampler(BatchSamplers.NO_DUPLICATES).loggingSteps(4).saveSteps(0).seed(3).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args).train(train, loss).evaluator(evaluator).build().train();
            double lossAfter = trainingLoss(model, train, loss, 64);
            double before = r.initialMetrics().get(evaluator.primaryMetric());
            double after = r.finalMetrics().get(evaluator.primaryMetric());
            System.out.printf("MNRL on SNLI triplets: training loss %.4f -> %.4f, held-out average precision %.4f -> %.4f, %d steps in %.1f s%n",
                    lossBefore, lossAfter, before, after, r.globalSteps(), r.seconds());
            assertTrue(lossAfter < lossBefore, "training loss did not fall: " + lossBefore + " -> " + lossAfter);
            assertTrue(after > before, "held-out average precision did not rise: " + before + " -> " + after);
        }
    }
}
