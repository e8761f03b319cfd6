package org.sentence4j.examples.training;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.SentenceTransformerTrainer;
import org.sentence4j.trainer.TrainingArguments;
import org.sentence4j.trainer.TrainingResult;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.Evaluator;
import org.sentence4j.trainer.evaluation.SequentialEvaluator;

/**
 * One runnable fine-tuning example for a row of the loss table: real data of the row's format, the evaluator
 * that suits the task run before and after training, the row's recommended loss, the model saved with its card,
 * and the metric printed before → after. Each example only says what differs ({@link #prepare}: data, loss,
 * evaluator, batch size, steps); {@link #run} is the same for all, so an example is small enough to copy into a
 * project.
 */
public abstract class TrainingExample {

    /** Opens a model: the one trained (default: the embedded all-MiniLM-L6-v2) or a GIST guide. */
    @FunctionalInterface
    public interface ModelSource {
        SentenceEncoder open() throws IOException;
    }

    /**
     * What {@link #prepare} chose: the training data, the loss, the evaluator and the example's defaults; then,
     * where an example needs them, the model to train, a guide model (GIST), a batch sampler (null: the
     * trainer's default) and a report of how the data were made (null: none), printed before training.
     */
    public record Plan(Dataset train, SentenceLoss loss, Evaluator evaluator, int batchSize, int defaultSteps,
                       double learningRate, ModelSource model, ModelSource guide, BatchSamplers sampler, String report) {

        /** A plan that trains the default model with the trainer's default sampler. */
        public Plan(Dataset train, SentenceLoss loss, Evaluator evaluator, int batchSize, int defaultSteps,
                    double learningRate) {
            this(train, loss, evaluator, batchSize, defaultSteps, learningRate, SentenceEncoder::defaultModel, null, null, null);
        }

        /** The same plan training another model (e.g. a distillation student). */
        public Plan withModel(ModelSource m) {
            return new Plan(train, loss, evaluator, batchSize, defaultSteps, learningRate, m, guide, sampler, report);
        }

        /** The same plan with a guide model (GISTEmbedLoss). */
        public Plan withGuide(ModelSource g) {
            return new Plan(train, loss, evaluator, batchSize, defaultSteps, learningRate, model, g, sampler, report);
        }

        /** The same plan with a batch sampler (e.g. GROUP_BY_LABEL for the batch triplet losses). */
        public Plan withSampler(BatchSamplers s) {
            return new Plan(train, loss, evaluator, batchSize, defaultSteps, learningRate, model, guide, s, report);
        }

        /** The same plan with a report of how its data were made (e.g. hard-negative mining's statistics). */
        public Plan withReport(String r) {
            return new Plan(train, loss, evaluator, batchSize, defaultSteps, learningRate, model, guide, sampler, r);
        }
    }

    /** What a run printed: the evaluator's primary metric before and after, the steps and the seconds. */
    public record Outcome(String metric, double before, double after, long steps, double seconds, Path output) {
    }

    /** The name on the command line ({@code ./sentence4j example <name>}). */
    public abstract String name();

    /** The row of the loss table, the data and the loss, in one line (the listing and the README table). */
    public abstract String summary();

    /**
     * The data, loss and evaluator of this example.
     *
     * @param data     the repository's datasets
     * @param evalRows how many held-out rows the evaluator reads (0: the example's default)
     */
    protected abstract Plan prepare(ExampleData data, int evalRows) throws IOException;

    /**
     * Evaluates, trains for {@code maxSteps} steps (0: the example's default), evaluates again, saves the model
     * with its card into {@code output} and prints the metric before and after to {@code out}.
     */
    public Outcome run(Path output, long maxSteps, int evalRows, PrintStream out) throws IOException {
        Path work = java.nio.file.Files.createTempDirectory("sentence4j-example");
        try {
            return run(output, maxSteps, evalRows, out, ExampleData.in(work));
        } finally {
            try (var files = java.nio.file.Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Outcome run(Path output, long maxSteps, int evalRows, PrintStream out, ExampleData data) throws IOException {
        Plan plan = prepare(data, evalRows);
        long steps = maxSteps > 0 ? maxSteps : plan.defaultSteps();
        TrainingArguments.Builder args = TrainingArguments.builder(output).maxSteps(steps).batchSize(plan.batchSize())
                .learningRate(plan.learningRate()).warmupRatio(0.1).loggingSteps(Math.max(1, (int) (steps / 10)))
                .saveSteps(0).seed(42);
        if (plan.sampler() != null) {
            args.batchSampler(plan.sampler());
        }
        out.printf(Locale.ROOT, "%s: %s%n%d training rows, %s, batch %d, %d steps, learning rate %.0e; evaluator %s%n",
                name(), summary(), plan.train().size(), plan.loss().name(), plan.batchSize(), steps, plan.learningRate(),
                plan.evaluator().primaryMetric());
        if (plan.report() != null) {
            out.println(plan.report().stripTrailing());
        }
        try (SentenceEncoder model = plan.model().open();
             SentenceEncoder guide = plan.guide() == null ? null : plan.guide().open()) {
            SentenceTransformerTrainer.Builder trainer = SentenceTransformerTrainer.builder(model, args.build())
                    .baseModel("sentence-transformers/all-MiniLM-L6-v2")
                    .train(plan.train(), plan.loss()).evaluator(plan.evaluator()).log(System.err).showProgressBar(true);
            if (guide != null) {
                trainer.guide(guide);
            }
            TrainingResult r = trainer.build().train();
            if (plan.evaluator() instanceof SequentialEvaluator parts) {
                // one line per part (each dimension, each layer count), then the combined score
                for (Evaluator part : parts.evaluators()) {
                    String key = part.primaryMetric();
                    out.printf(Locale.ROOT, "  %s: %.4f -> %.4f (%+.4f)%n", key, r.initialMetrics().get(key),
                            r.finalMetrics().get(key), r.finalMetrics().get(key) - r.initialMetrics().get(key));
                }
            }
            String key = plan.evaluator().primaryMetric();
            double before = r.initialMetrics().get(key);
            double after = r.finalMetrics().get(key);
            out.printf(Locale.ROOT, "%s: %.4f -> %.4f (%+.4f) after %d steps in %.0f s%n", key, before, after,
                    after - before, r.globalSteps(), r.seconds());
            out.println("model and model card: " + output.toAbsolutePath());
            return new Outcome(key, before, after, r.globalSteps(), r.seconds(), output);
        }
    }
}
