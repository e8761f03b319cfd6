package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;

/**
 * Each architecture trains through the one trainer: MultipleNegativesRankingLoss steps on STS Benchmark pairs
 * change every parameter tensor (MPNet's relative-position table and Dense modules included), the saved folder
 * keeps the architecture's own files (config.json byte for byte, its tensor names, the Dense folder) and loads
 * back to the same embeddings; AdaptiveLayerLoss (per-layer inputs) runs on each as well.
 */
class ArchitectureTrainingTest {

    private static final List<String> FOLDERS = List.of("tiny-xlm-roberta-mean", "tiny-roberta-cls", "tiny-mpnet-mean",
            "tiny-distilbert-mean", "tiny-bert-dense");

    private static Path folder(String name) {
        return org.sentence4j.graphs.TestData.fixtures("st-architectures").resolve(name);
    }

    private static Dataset stsPairs(int n) throws Exception {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.datasets("stsbenchmark").resolve("sts-train.csv"))) {
            String[] f = line.split("\t");
            if (f.length >= 7 && Double.parseDouble(f[4]) >= 4.0 && a.size() < n) {
                a.add(f[5]);
                b.add(f[6]);
            }
        }
        return Dataset.builder("sts-pairs").column("anchor", a).column("positive", b).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-xlm-roberta-mean", "tiny-roberta-cls", "tiny-mpnet-mean", "tiny-distilbert-mean",
            "tiny-modernbert-mean", "tiny-bert-dense"})
    void trainsSavesAndLoadsBack(String name, @TempDir Path dir) throws Exception {
        Dataset pairs = stsPairs(16);
        List<String> probe = List.of("A man is playing a guitar.", "Ein Hund läuft im Park.", "");
        Path out = dir.resolve("out");
        INDArray trained;
        try (SentenceEncoder model = SentenceEncoder.load(folder(name))) {
            Map<String, INDArray> before = new LinkedHashMap<>();
            model.encoder().weights().asMap().forEach((k, v) -> before.put(k, v.dup()));
            TrainingArguments args = TrainingArguments.builder(out).maxSteps(3).batchSize(4).learningRate(1e-3)
                    .loggingSteps(1).saveSteps(0).seed(5).batchSampler(BatchSamplers.NO_DUPLICATES)
                    .evalBeforeTraining(false).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args)
                    .train(pairs, LossRegistry.defaults().create(LossSpec.of("MultipleNegativesRankingLoss"))).build().train();
            assertTrue(r.log().stream().allMatch(h -> Double.isFinite(h.loss())), name + ": finite losses");
            model.encoder().weights().asMap().forEach((k, v) -> {
                if (k.startsWith("pooler.")) {
                    // the checkpoint's pooler is no parameter: carried to the saved folder as read, never trained
                    assertTrue(v.sub(before.get(k)).amaxNumber().doubleValue() == 0, name + ": " + k + " untouched by training");
                } else if (!k.startsWith("embeddings.word_embeddings") && !k.startsWith("embeddings.position_embeddings")) {
                    // every tensor moves (word and position tables move only in the rows used: checked below)
                    assertTrue(v.sub(before.get(k)).amaxNumber().doubleValue() > 0, name + ": " + k + " was trained");
                }
            });
            assertTrue(model.encoder().weights().get("embeddings.word_embeddings.weight")
                    .sub(before.get("embeddings.word_embeddings.weight")).amaxNumber().doubleValue() > 0);
            trained = model.encode(probe, EncodeOptions.defaults());
        }
        // the saved folder: the architecture's own config.json, and the same embeddings
        assertArrayEquals(Files.readAllBytes(folder(name).resolve("config.json")), Files.readAllBytes(out.resolve("config.json")),
                name + ": config.json written back unchanged");
        String card = Files.readString(out.resolve("README.md"));
        String modelClass = new com.fasterxml.jackson.databind.ObjectMapper().readTree(folder(name).resolve("config.json").toFile())
                .get("architectures").get(0).asText();
        assertTrue(card.contains("**Architecture:** " + modelClass), name + ": the card names " + modelClass);
        if (name.contains("dense")) {
            assertTrue(card.contains("Dense 24→12 Tanh"), "the card lists the Dense module");
            assertTrue(Files.isRegularFile(out.resolve("2_Dense/model.safetensors")) && Files.isRegularFile(out.resolve("3_Normalize/config.json")));
        }
        try (SentenceEncoder reloaded = SentenceEncoder.load(out)) {
            INDArray again = reloaded.encode(probe, EncodeOptions.defaults());
            double diff = again.sub(trained).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-6, name + ": saved and reloaded model gives the trained embeddings: " + diff);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-mpnet-mean", "tiny-distilbert-mean", "tiny-modernbert-mean", "tiny-bert-dense"})
    void layerLossesRunOnEachArchitecture(String name, @TempDir Path dir) throws Exception {
        Dataset pairs = stsPairs(8);
        try (SentenceEncoder model = SentenceEncoder.load(folder(name))) {
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(2).batchSize(4).learningRate(1e-3)
                    .loggingSteps(1).saveSteps(0).seed(5).batchSampler(BatchSamplers.NO_DUPLICATES)
                    .evalBeforeTraining(false).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args).train(pairs, LossRegistry.defaults().create(
                    new LossSpec("AdaptiveLayerLoss", Map.of("n_layers_per_step", -1), LossSpec.of("MultipleNegativesRankingLoss"))))
                    .build().train();
            assertTrue(r.log().stream().allMatch(h -> Double.isFinite(h.loss())), name + ": finite losses");
        }
    }

    /**
     * GradCache on each architecture: one CachedMultipleNegativesRankingLoss step in mini-batches of 3 (not dividing
     * the 8 rows) gives the plain loss's value and gradients, dropout on (the chunks draw the plain step's masks).
     * Compared per step, not after AdamW: Adam turns the rounding noise of gradients that are zero in exact
     * arithmetic (the attention key bias) into full-size updates.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-mpnet-mean", "tiny-distilbert-mean", "tiny-modernbert-mean", "tiny-xlm-roberta-mean",
            "tiny-bert-dense"})
    void gradCacheEqualsThePlainLoss(String name) throws Exception {
        Dataset pairs = stsPairs(8);
        try (SentenceEncoder model = SentenceEncoder.load(folder(name))) {
            List<org.sentence4j.graphs.text.TokenBatch> columns = List.of(
                    model.tokenizer().tokenize(pairs.column("anchor")), model.tokenizer().tokenize(pairs.column("positive")));
            org.sentence4j.trainer.step.StepResult plain = step(model, LossSpec.of("MultipleNegativesRankingLoss"), columns);
            org.sentence4j.trainer.step.StepResult cached = step(model,
                    LossSpec.of("CachedMultipleNegativesRankingLoss", Map.of("mini_batch_size", 3)), columns);
            double largest = plain.gradients().values().stream().mapToDouble(g -> g.amaxNumber().doubleValue()).max().orElse(0);
            double worst = 0;
            String where = null;
            for (String k : plain.gradients().keySet()) {
                INDArray g = plain.gradients().get(k);
                if (k.endsWith("attention.self.key.bias")) {
                    // 0 in exact arithmetic (softmax ignores a shift shared by all keys): both are rounding noise
                    assertTrue(g.amaxNumber().doubleValue() <= 1e-6 * largest
                            && cached.gradients().get(k).amaxNumber().doubleValue() <= 1e-6 * largest, k + " is noise");
                    continue;
                }
                double scale = Math.max(1e-6 * largest, g.amaxNumber().doubleValue());
                double d = g.sub(cached.gradients().get(k)).amaxNumber().doubleValue() / scale;
                if (d > worst) {
                    worst = d;
                    where = k;
                }
            }
            System.out.printf("%s: GradCache vs plain MNRL, max relative gradient difference %.2e (%s), loss %.8f vs %.8f%n",
                    name, worst, where, plain.loss(), cached.loss());
            org.junit.jupiter.api.Assertions.assertEquals(plain.loss(), cached.loss(), 1e-5 * Math.abs(plain.loss()), name);
            assertTrue(worst <= 5e-5, name + ": GradCache gradients = plain gradients, max relative difference " + worst);
        }
    }

    private static org.sentence4j.trainer.step.StepResult step(SentenceEncoder model, LossSpec spec,
                                                               List<org.sentence4j.graphs.text.TokenBatch> columns) {
        org.sentence4j.trainer.step.TrainingGraph graph = new org.sentence4j.trainer.step.TrainingGraph(model.encoder(),
                LossRegistry.defaults().create(spec), spec.name(), columns.size(), null, 0);
        org.sentence4j.trainer.step.StepResult r = graph.step(columns, null, null, 7, new java.util.Random(1));
        Map<String, INDArray> copy = new LinkedHashMap<>();
        r.gradients().forEach((k, v) -> copy.put(k, v.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup()));
        return new org.sentence4j.trainer.step.StepResult(r.loss(), r.components(), copy);
    }

    /** TSDAE's decoder exists for BERT only: another architecture is refused by name before training starts. */
    @org.junit.jupiter.api.Test
    void tsdaeNamesTheArchitectureItCannotDecode(@TempDir Path dir) throws Exception {
        Dataset sentences = Dataset.builder("s").column("text", List.of("a first sentence here", "and a second one",
                "the third sentence", "number four")).build();
        try (SentenceEncoder model = SentenceEncoder.load(folder("tiny-roberta-cls"))) {
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(1).batchSize(2).saveSteps(0).build();
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> SentenceTransformerTrainer.builder(model, args).train(sentences,
                            LossRegistry.defaults().create(LossSpec.of("DenoisingAutoEncoderLoss"))).build().train());
            assertTrue(e.getMessage().contains("RobertaModel") && e.getMessage().contains("BERT"), e.getMessage());
        }
    }
}
