package org.sentence4j.examples;

import java.util.Arrays;
import java.util.List;

import org.sentence4j.graphs.sd.SameDiffOutput;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.table.LossTable;

/**
 * The command line behind the {@code ./sentence4j} launcher: {@code ./sentence4j <command> [options]}.
 */
public final class Sentence4j {

    private Sentence4j() {
    }

    public static void main(String[] args) {
        SameDiffOutput.quiet();
        try {
            run(args);
            if (org.sentence4j.graphs.eager.SectionTimer.enabled()) {
                System.err.println("time per section (-Dsentence4j.eager.profile=true):");
                System.err.print(org.sentence4j.graphs.eager.SectionTimer.summary());
            }
        } catch (Options.UsageException | IllegalArgumentException e) {
            // wrong options, and bad input named by the library (LossInputException and DatasetException are
            // IllegalArgumentExceptions too): the message, without a stack trace
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (java.io.IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(String[] args) throws java.io.IOException {
        if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
            usage();
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "demo" -> LossDemo.main(rest);
            case "quickstart" -> QuickstartCommand.run(rest);
            case "train" -> TrainCommand.run(rest);
            case "encode" -> EncodeCommand.run(rest);
            case "spark-encode" -> SparkEncodeCommand.run(rest);
            case "spark-train" -> SparkTrainCommand.run(rest);
            case "spark-bench" -> SparkBenchCommand.run(rest);
            case "bench" -> BenchCommand.run(rest);
            case "save-model" -> SaveModelCommand.run(rest);
            case "example" -> ExampleCommand.run(rest);
            case "losses" -> listLosses();
            default -> {
                System.err.println("Unknown command '" + args[0] + "'.");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.out.println("""
                usage: ./sentence4j <command> [options]

                commands:
                  quickstart  fine-tune the embedded all-MiniLM-L6-v2 on the shipped support-ticket pairs;
                           prints the held-out metric before and after [--output output/quickstart-model]
                  train    --data <file> --loss <LossName> [--loss-option key=value ...] [--base-loss <Name>]
                           [--model <dir>] [--guide <dir>: GIST losses] [--eval <file>] [--eval-data <held-out file in
                           the training format: eval_loss>] --output <dir> [--epochs N | --max-steps N]
                           [--batch-size 16] [--lr 5e-5] [--warmup-ratio 0.1] [--batch-sampler default|no_duplicates|
                           group_by_label] [--label-scale 5] [--save-steps 500] [--resume true]
                           [--prompt <text> | --column-prompt <column>=<text> ...] ...
                           data: .jsonl, .csv/.tsv with a header, or .txt (one sentence per line)
                  save-model [--model <dir or org/name>] --output <dir>: write a model (default: the embedded
                           all-MiniLM-L6-v2) as a sentence-transformers folder
                  example  [<name> [--output <dir>] [--max-steps N] [--eval-rows N]]: list the training examples, or
                           run one (real data, evaluation before and after, the model saved with its card)
                  demo     build one loss of each family on sample embeddings; print values and gradient norms
                  encode   [--model <dir>] --input <file, one text per line> --output <file.jsonl>
                           [--batch-size 32] [--truncate-dim K] [--prompt <text> | --prompt-name <name of one of the
                           model's prompts>]; no --model: the embedded all-MiniLM-L6-v2
                  spark-encode --master <url, e.g. local[*] or local-cluster[2,1,2048]> --input <file or Parquet/JSONL
                           folder> --output <Parquet folder> [--text-column text] [--model <dir>] [--batch-size 32]
                           [--partitions N]: every row with an embedding column, encoded on Spark executors
                  spark-train --master <url> --tasks <W> <every option of train>: train with each step split over W
                           Spark tasks; the same result as train
                  spark-bench [--master local-cluster[2,1,3072]] [--tasks 2] [--batch 32] [--steps 6]: what a
                           distributed step pays (serialization, broadcast, treeAggregate, per-row task costs) as JSON
                  bench    --mode encode|train --batch B --seq T [--iters 10] [--warmup 2] [--threads N] [--callers C or 1,2]
                           [--architecture bert|roberta|xlm-roberta|distilbert|mpnet|modernbert: random weights, MiniLM sizes]
                           time the default model; one JSON line (median/min/max ms, peak RSS, GFLOP/s)
                  losses   list the losses and the data formats they suit (the loss table)
                  help     this text
                """);
    }

    private static void listLosses() {
        System.out.println("Loss table (inputs -> labels -> losses):");
        for (LossTable.Row row : LossTable.rows()) {
            System.out.printf("  %-50s %-8s %s%n", row.inputs(), row.labels().name().toLowerCase(), String.join(", ", row.losses()));
        }
        System.out.println("  any format: " + String.join(", ", LossTable.MODIFIERS) + " (wrapping a loss that fits)");
        System.out.println("  any format, labels ignored: " + String.join(", ", LossTable.REGULARIZERS) + " (beside a primary loss)");
        System.out.println();
        var names = LossRegistry.defaults().names();
        System.out.println("Registered losses (" + names.size() + "): " + String.join(", ", names));
    }
}
