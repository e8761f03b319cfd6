package org.sentence4j.examples;

import java.io.IOException;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sentence4j spark-bench [--master local-cluster[2,1,3072]] [--tasks 2] [--batch 32] [--steps 6]}: the
 * options and their checks; {@link SparkBench} does the measuring (Spark's classes stay out of this class, which the
 * option parser inspects for every command).
 */
@Command(name = "spark-bench", description = "What a distributed step pays (serialization, broadcast, treeAggregate, per-row task costs), as JSON.")
final class SparkBenchCommand implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local-cluster[2,1,3072]", paramLabel = "<url>",
            description = "Spark master (default ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--tasks", defaultValue = "2", description = "Tasks per step (> 0; default ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--batch", defaultValue = "32", description = "Rows per step (> 0; default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "6", description = "Training steps timed (>= 2; default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--rounds", defaultValue = "5", description = "Repetitions of each communication measurement (> 0; default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--executor-offheap", defaultValue = "4G", paramLabel = "<size>",
            description = "Off-heap memory cap of each executor, e.g. 4G (default ${DEFAULT-VALUE}).")
    String executorOffheap;

    @Override
    public Integer call() throws IOException {
        Checks.sparkMaster("--master", master);
        Checks.positive("--tasks", tasks);
        Checks.positive("--batch", batch);
        Checks.atLeast("--steps", steps, 2);
        Checks.positive("--rounds", rounds);
        Checks.size("--executor-offheap", executorOffheap);
        SparkBench.run(master, tasks, batch, steps, rounds, executorOffheap);
        return 0;
    }
}
