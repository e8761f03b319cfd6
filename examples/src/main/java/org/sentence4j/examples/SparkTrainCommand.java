package org.sentence4j.examples;

import java.util.Set;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sentence4j.spark.SparkSetup;
import org.sentence4j.spark.train.SparkStepRunner;
import org.sentence4j.spark.train.StepTiming;

/**
 * {@code ./sentence4j spark-train --master <url> --tasks <W> <every option of train>}: {@code train}, with each
 * step's forward and backward passes split over W Spark tasks ({@link SparkStepRunner}); the loss, the
 * optimizer, checkpoints and evaluation stay on this driver, and the result equals {@code train}'s.
 */
final class SparkTrainCommand {

    static final Set<String> OPTIONS = Set.of("master", "tasks", "executor-offheap");

    private SparkTrainCommand() {
    }

    static void run(String[] args) throws java.io.IOException {
        TrainCommand.run("spark-train", args, OPTIONS, (o, model, trainer) -> {
            String master = o.get("master", "local[2]");
            int tasks = o.getInt("tasks", 2);
            if (tasks <= 0) {
                throw new Options.UsageException("spark-train: --tasks must be > 0, not " + tasks);
            }
            SparkSession spark = SparkSession.builder()
                    .config(SparkSetup.conf(master, "sentence4j spark-train", o.get("executor-offheap", "4G"))).getOrCreate();
            SparkStepRunner runner = SparkStepRunner.builder(JavaSparkContext.fromSparkContext(spark.sparkContext()), model)
                    .tasks(tasks).build();
            trainer.stepRunner(runner);
            return () -> {
                try {
                    summary(runner);
                    runner.close();
                } finally {
                    spark.stop();
                }
            };
        });
    }

    /** Median per-step figures: where a distributed step's time goes. */
    private static void summary(SparkStepRunner runner) {
        var t = runner.timings();
        if (t.isEmpty()) {
            return;
        }
        double[] total = t.stream().mapToDouble(StepTiming::totalMs).sorted().toArray();
        double[] embed = t.stream().mapToDouble(StepTiming::embedJobMs).sorted().toArray();
        double[] loss = t.stream().mapToDouble(StepTiming::lossMs).sorted().toArray();
        double[] back = t.stream().mapToDouble(StepTiming::backwardJobMs).sorted().toArray();
        double[] bc = t.stream().mapToDouble(StepTiming::broadcastMs).sorted().toArray();
        System.out.printf(java.util.Locale.ROOT, "distributed steps: %d over %d task(s); median ms per step: total %.0f,"
                        + " broadcast %.0f, embedding job %.0f, loss on driver %.0f, backward job + treeAggregate %.0f%n",
                t.size(), runner.tasks(), total[total.length / 2], bc[bc.length / 2], embed[embed.length / 2],
                loss[loss.length / 2], back[back.length / 2]);
    }
}
