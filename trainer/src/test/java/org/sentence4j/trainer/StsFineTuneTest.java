package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.Datasets;
import org.sentence4j.trainer.evaluation.EmbeddingSimilarityEvaluator;

/**
 * A short fine-tune of the real default model (all-MiniLM-L6-v2) with MultipleNegativesRankingLoss on
 * high-score STS Benchmark training pairs read unmodified from {@code ../shared/datasets}: the training loss
 * (measured without dropout on the training pairs) falls and the Spearman correlation on held-out STSb dev
 * pairs rises.
 */
class StsFineTuneTest {

    private static final Path STSB = TinyModels.shared().resolve("datasets/stsbenchmark");

    private static Dataset highScorePairs(int limit) {
        return Datasets.tsv(STSB.resolve("sts-train.csv")).name("stsb-high").header(false).quoting(false).fieldCounts(7, 9)
                .column("anchor", 5).column("positive", 6).where(4, s -> Double.parseDouble(s) >= 4.0).limit(limit).read();
    }

    private static EmbeddingSimilarityEvaluator devEvaluator(int limit) {
        Dataset dev = Datasets.tsv(STSB.resolve("sts-dev.csv")).name("stsb-dev").header(false).quoting(false).fieldCounts(7, 9)
                .column("sentence1", 5).column("sentence2", 6).label("score", 4).labelScale(5).limit(limit).read();
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < dev.size(); i++) {
            scores.add(dev.label(i));
        }
        return EmbeddingSimilarityEvaluator.builder(dev.column("sentence1"), dev.column("sentence2"), scores).name("sts-dev").build();
    }

    /** MNRL on the first {@code n} training pairs in batches of 16, embeddings without dropout. */
    private static double trainingLoss(SentenceEncoder model, Dataset pairs, SentenceLoss loss, int n) {
        EmbeddingLossRunner runner = new EmbeddingLossRunner(DataType.FLOAT);
        double sum = 0;
        int batches = 0;
        for (int start = 0; start + 16 <= n; start += 16) {
            List<String> a = pairs.column("anchor").subList(start, start + 16);
            List<String> p = pairs.column("positive").subList(start, start + 16);
            INDArray ea = model.encode(a, EncodeOptions.defaults());
            INDArray ep = model.encode(p, EncodeOptions.defaults());
            sum += runner.value(loss, LossBatch.of(ea, ep)).loss();
            batches++;
        }
        return sum / batches;
    }

    @Test
    void trainingLossFallsAndHeldOutSpearmanRises(@TempDir Path dir) throws Exception {
        Dataset pairs = highScorePairs(480);
        EmbeddingSimilarityEvaluator dev = devEvaluator(400);
        SentenceLoss loss = LossRegistry.defaults().create("MultipleNegativesRankingLoss", Map.of());
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            double lossBefore = trainingLoss(model, pairs, loss, 128);
            TrainingArguments args = TrainingArguments.builder(dir).numTrainEpochs(1).batchSize(16).learningRate(5e-5)
                    .warmupRatio(0.1).batchSampler(BatchSamplers.NO_DUPLICATES).loggingSteps(5).saveSteps(0).seed(12).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args).train(pairs, loss).evaluator(dev).build().train();
            double lossAfter = trainingLoss(model, pairs, loss, 128);
            double before = r.initialMetrics().get(dev.primaryMetric());
            double after = r.finalMetrics().get(dev.primaryMetric());
            System.out.printf("MNRL on STSb pairs: training loss %.4f -> %.4f, sts-dev spearman %.4f -> %.4f, %d steps in %.1f s%n",
                    lossBefore, lossAfter, before, after, r.globalSteps(), r.seconds());
            assertTrue(lossAfter < lossBefore, "training loss did not fall: " + lossBefore + " -> " + lossAfter);
            assertTrue(after > before, "held-out Spearman did not rise: " + before + " -> " + after);
        }
    }
}
