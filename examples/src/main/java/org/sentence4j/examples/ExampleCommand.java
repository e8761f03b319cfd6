package org.sentence4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.sentence4j.examples.training.TrainingExample;
import org.sentence4j.examples.training.TrainingExamples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./sentence4j example} lists the training examples; {@code ./sentence4j example <name> [--output <dir>]
 * [--max-steps N] [--eval-rows N]} runs one: evaluate, fine-tune the embedded all-MiniLM-L6-v2, evaluate, save.
 */
@Command(name = "example", description = "List the training examples, or run one: real data, evaluation before and after,"
        + " the model saved with its card.")
final class ExampleCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "<name>", description = "The example to run (none: list them).")
    String name;

    @Option(names = "--output", paramLabel = "<dir>", description = "Where the trained model goes (default: output/example-<name>).")
    Path output;

    @Option(names = "--max-steps", description = "Train this many steps instead of the example's own count (> 0).")
    Long maxSteps;

    @Option(names = "--eval-rows", description = "Evaluate on this many rows instead of the example's own count (> 0).")
    Integer evalRows;

    @Override
    public Integer call() throws IOException {
        if (name == null) {
            if (output != null || maxSteps != null || evalRows != null) {
                throw new UsageException("give the example's name before its options; ./sentence4j example lists them");
            }
            System.out.println("training examples (./sentence4j example <name> [--output <dir>] [--max-steps N] [--eval-rows N]):");
            int width = TrainingExamples.all().stream().mapToInt(e -> e.name().length()).max().orElse(1);
            for (TrainingExample e : TrainingExamples.all()) {
                System.out.printf("  %-" + width + "s %s%n", e.name(), e.summary());
            }
            return 0;
        }
        TrainingExample example = TrainingExamples.named(name).orElseThrow(() -> new UsageException(
                "unknown example '" + name + "'; known: "
                        + TrainingExamples.all().stream().map(TrainingExample::name).collect(Collectors.joining(", "))));
        long steps = maxSteps == null ? 0 : Checks.positive("--max-steps", maxSteps.longValue());
        int rows = evalRows == null ? 0 : Checks.positive("--eval-rows", evalRows.intValue());
        Path target = Checks.outputFolder("--output", output != null ? output : Path.of("output/example-" + example.name()))
                .toAbsolutePath();
        example.run(target, steps, rows, System.out);
        return 0;
    }
}
