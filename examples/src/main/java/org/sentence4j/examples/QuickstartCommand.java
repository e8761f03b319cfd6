package org.sentence4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Set;

import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.SentenceTransformerTrainer;
import org.sentence4j.trainer.TrainingArguments;
import org.sentence4j.trainer.TrainingResult;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.Datasets;
import org.sentence4j.trainer.evaluation.Evaluator;

/**
 * The project's main job, {@code ./sentence4j quickstart [--output <dir>]}: fine-tunes the embedded
 * all-MiniLM-L6-v2 with MultipleNegativesRankingLoss on the support-ticket pairs shipped in this module,
 * evaluates on the shipped held-out scored pairs before and after, saves the model with its card, and prints
 * where it went and the metric before and after.
 */
final class QuickstartCommand {

    static final Set<String> OPTIONS = Set.of("output", "epochs", "batch-size", "lr", "seed");
    private static final String DATA = "data/support-tickets/";

    private QuickstartCommand() {
    }

    static void run(String[] args) throws IOException {
        Options o = Options.parse("quickstart", args, OPTIONS);
        Path output = Path.of(o.get("output", "output/quickstart-model")).toAbsolutePath();
        Path data = Files.createTempDirectory("sentence4j-quickstart");
        try {
            Path train = copy(DATA + "train.jsonl", data);
            Path eval = copy(DATA + "eval.tsv", data);
            Dataset pairs = Datasets.jsonLines(train).name("support-tickets").read();
            Dataset held = Datasets.tsv(eval).name("support-tickets-eval").header(true).quoting(false)
                    .column("sentence1", "sentence1").column("sentence2", "sentence2").label("score", "score").read();
            Evaluator evaluator = TrainCommand.evaluator(held, "support-tickets-eval");
            SentenceLoss loss = LossRegistry.defaults().create("MultipleNegativesRankingLoss", java.util.Map.of());
            TrainingArguments targs = TrainingArguments.builder(output).numTrainEpochs(o.getDouble("epochs", 1))
                    .batchSize(o.getInt("batch-size", 16)).learningRate(o.getDouble("lr", 5e-5)).warmupRatio(0.1)
                    .batchSampler(BatchSamplers.NO_DUPLICATES).loggingSteps(5).saveSteps(20).seed(o.getInt("seed", 42)).build();
            System.out.println("Fine-tuning all-MiniLM-L6-v2 on " + pairs.size() + " support-ticket pairs ("
                    + "MultipleNegativesRankingLoss), evaluating on " + held.size() + " held-out scored pairs.");
            try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
                TrainingResult r = SentenceTransformerTrainer.builder(model, targs).baseModel("sentence-transformers/all-MiniLM-L6-v2")
                        .train(pairs, loss).evaluator(evaluator).build().train();
                String key = evaluator.primaryMetric();
                double before = r.initialMetrics().get(key);
                double after = r.finalMetrics().get(key);
                System.out.printf(Locale.ROOT, "%n%s: %.4f before, %.4f after training (%+.4f)%n", key, before, after, after - before);
                System.out.printf(Locale.ROOT, "%d steps in %.0f s (%.2f steps/s); peak memory %.0f MB%n", r.globalSteps(), r.seconds(),
                        r.globalSteps() / r.seconds(), BenchCommand.peakRssMb());
                System.out.println("Model, model card (README.md), loss plot and evaluation results: " + output);
            }
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Path copy(String resource, Path dir) throws IOException {
        try (InputStream in = QuickstartCommand.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is missing from the examples jar");
            }
            Path target = dir.resolve(Path.of(resource).getFileName().toString());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
    }
}
