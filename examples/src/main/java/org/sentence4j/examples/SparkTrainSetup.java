package org.sentence4j.examples;

import java.io.IOException;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.spark.SparkSetup;
import org.sentence4j.spark.train.SparkStepRunner;
import org.sentence4j.spark.train.StepTiming;
import org.sentence4j.trainer.SentenceTransformerTrainer;

/**
 * What {@code spark-train} adds to {@code train}: a Spark session and a {@link SparkStepRunner} that splits each
 * step over the tasks; closed (with a summary of where step time went) when training ends. A class of its own so
 * that Spark's classes stay out of the command classes the option parser inspects for every command.
 */
final class SparkTrainSetup implements TrainCommand.TrainerSetup {

    private final String master;
    private final int tasks;
    private final String executorOffheap;

    SparkTrainSetup(String master, int tasks, String executorOffheap) {
        this.master = master;
        this.tasks = tasks;
        this.executorOffheap = executorOffheap;
    }

    @Override
    public AutoCloseable apply(SentenceEncoder model, SentenceTransformerTrainer.Builder trainer) throws IOException {
        SparkSession spark = SparkSession.builder()
                .config(SparkSetup.conf(master, "sentence4j spark-train", executorOffheap)).getOrCreate();
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
