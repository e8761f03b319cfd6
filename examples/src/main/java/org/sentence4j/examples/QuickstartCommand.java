package org.sentence4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The project's main job, {@code ./sentence4j quickstart [--output <dir>]}: fine-tunes the embedded
 * all-MiniLM-L6-v2 with MultipleNegativesRankingLoss on the support-ticket pairs shipped in this module,
 * evaluates on the shipped held-out scored pairs before and after, saves the model with its card, and prints
 * where it went and the metric before and after.
 */
@Command(name = "quickstart", description = {"Fine-tune the embedded all-MiniLM-L6-v2 on the shipped support-ticket pairs;"
        + " print the held-out metric before and after."})
final class QuickstartCommand implements Callable<Integer> {

    private static final String DATA = "data/support-tickets/";

    @Option(names = "--output", defaultValue = "output/quickstart-model", paramLabel = "<dir>",
            description = "Where the model, its card and logs go (default ${DEFAULT-VALUE}).")
    Path outputOption;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the pairs (> 0; default ${DEFAULT-VALUE}).")
    double epochs;

    @Option(names = "--batch-size", defaultValue = "16", description = "Pairs per batch (> 0; default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "5e-5", description = "Peak learning rate (> 0; default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        Path output = Checks.outputFolder("--output", outputOption).toAbsolutePath();
        Checks.positive("--epochs", epochs);
        Checks.positive("--batch-size", batchSize);
        Checks.positive("--lr", lr);
        Path data = Files.createTempDirectory("sentence4j-quickstart");
        try {
            Path train = copy(DATA + "train.jsonl", data);
            Path eval = copy(DATA + "eval.tsv", data);
            Dataset pairs = Datasets.jsonLines(train).name("support-tickets").read();
            Dataset held = Datasets.tsv(eval).name("support-tickets-eval").header(true).quoting(false)
                    .column("sentence1", "sentence1").column("sentence2", "sentence2").label("score", "score").read();
            Evaluator evaluator = TrainCommand.evaluator(held, "support-tickets-eval");
            SentenceLoss loss = LossRegistry.defaults().create("MultipleNegativesRankingLoss", java.util.Map.of());
            TrainingArguments targs = TrainingArguments.builder(output).numTrainEpochs(epochs)
                    .batchSize(batchSize).learningRate(lr).warmupRatio(0.1)
                    .batchSampler(BatchSamplers.NO_DUPLICATES).loggingSteps(5).saveSteps(20).seed(seed).build();
            System.out.println("Fine-tuning all-MiniLM-L6-v2 on " + pairs.size() + " support-ticket pairs ("
                    + "MultipleNegativesRankingLoss), evaluating on " + held.size() + " held-out scored pairs.");
            try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
                TrainingResult r = SentenceTransformerTrainer.builder(model, targs).baseModel("sentence-transformers/all-MiniLM-L6-v2")
                        .log(System.err).showProgressBar(true)
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
        return 0;
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
