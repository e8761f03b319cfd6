package org.sentence4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.sentence4j.examples.training.TrainingExample;
import org.sentence4j.examples.training.TrainingExamples;

/**
 * {@code ./sentence4j example} lists the training examples; {@code ./sentence4j example <name> [--output <dir>]
 * [--max-steps N] [--eval-rows N]} runs one: evaluate, fine-tune the embedded all-MiniLM-L6-v2, evaluate, save.
 */
final class ExampleCommand {

    static final Set<String> OPTIONS = Set.of("output", "max-steps", "eval-rows");

    private ExampleCommand() {
    }

    static void run(String[] args) throws IOException {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.out.println("training examples (./sentence4j example <name> [--output <dir>] [--max-steps N] [--eval-rows N]):");
            int width = TrainingExamples.all().stream().mapToInt(e -> e.name().length()).max().orElse(1);
            for (TrainingExample e : TrainingExamples.all()) {
                System.out.printf("  %-" + width + "s %s%n", e.name(), e.summary());
            }
            return;
        }
        TrainingExample example = TrainingExamples.named(args[0]).orElseThrow(() -> new Options.UsageException(
                "example: unknown example '" + args[0] + "'; known: "
                        + TrainingExamples.all().stream().map(TrainingExample::name).collect(Collectors.joining(", "))));
        Options o = Options.parse("example", Arrays.copyOfRange(args, 1, args.length), OPTIONS);
        int steps = o.getInt("max-steps", 0);
        int evalRows = o.getInt("eval-rows", 0);
        if (steps < 0 || evalRows < 0) {
            throw new Options.UsageException("example: --max-steps and --eval-rows must be >= 0 (0: the example's default)");
        }
        Path output = Path.of(o.get("output", "output/example-" + example.name())).toAbsolutePath();
        example.run(output, steps, evalRows, System.out);
    }
}
