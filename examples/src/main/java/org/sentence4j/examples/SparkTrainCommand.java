package org.sentence4j.examples;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./sentence4j spark-train --master <url> --tasks <W> <every option of train>}: {@code train}, with each
 * step's forward and backward passes split over W Spark tasks ({@link SparkTrainSetup}); the loss, the
 * optimizer, checkpoints and evaluation stay on this driver, and the result equals {@code train}'s.
 */
@Command(name = "spark-train", description = "train, with each step's forward and backward passes split over Spark tasks; the same result.")
final class SparkTrainCommand implements Callable<Integer> {

    @Mixin
    TrainOptions options;

    @Option(names = "--master", defaultValue = "local[2]", paramLabel = "<url>",
            description = "Spark master: local[N], local-cluster[W,C,MB], spark://host:port, ... (default ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--tasks", defaultValue = "2", description = "Spark tasks each step is split over (> 0; default ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--executor-offheap", defaultValue = "4G", paramLabel = "<size>",
            description = "Off-heap memory cap of each executor, e.g. 4G (default ${DEFAULT-VALUE}).")
    String executorOffheap;

    @Override
    public Integer call() throws java.io.IOException {
        Checks.sparkMaster("--master", master);
        Checks.positive("--tasks", tasks);
        Checks.size("--executor-offheap", executorOffheap);
        TrainCommand.train("spark-train", options, new SparkTrainSetup(master, tasks, executorOffheap));
        return 0;
    }
}
