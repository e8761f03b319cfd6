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
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.Evaluator;

/**
 * One runnable fine-tuning example for a row of the loss table: real data of the row's format, the evaluator
 * that suits the task run before and after training, the row's recommended loss, the model saved with its card,
 * and the metric printed before → after. Each example only says what differs ({@link #prepare}: data, loss,
 * evaluator, batch size, steps); {@link #run} is the same for all, so an example is small enough to copy into a
 * project.
 */
public abstract class TrainingExample {

    /** What {@link #prepare} chose: the training data, the loss, the evaluator and the example's defaults. */
    public record Plan(Dataset train, SentenceLoss loss, Evaluator evaluator, int batchSize, int defaultSteps,
                       double learningRate) {
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
        TrainingArguments args = TrainingArguments.builder(output).maxSteps(steps).batchSize(plan.batchSize())
                .learningRate(plan.learningRate()).warmupRatio(0.1).loggingSteps(Math.max(1, (int) (steps / 10)))
                .saveSteps(0).seed(42).build();
        out.printf(Locale.ROOT, "%s: %s%n%d training rows, %s, batch %d, %d steps, learning rate %.0e; evaluator %s%n",
                name(), summary(), plan.train().size(), plan.loss().name(), plan.batchSize(), steps, plan.learningRate(),
                plan.evaluator().primaryMetric());
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            TrainingResult r = SentenceTransformerTrainer.builder(model, args)
                    .baseModel("sentence-transformers/all-MiniLM-L6-v2")
                    .train(plan.train(), plan.loss()).evaluator(plan.evaluator()).build().train();
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
