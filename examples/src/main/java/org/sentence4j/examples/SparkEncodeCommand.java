package org.sentence4j.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.sentence4j.trainer.data.TextFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sentence4j spark-encode --master <url> --input <file or folder> --output <Parquet folder>
 * [--text-column text] [--model <dir>] [--batch-size 32] [--partitions N]}: every row of the input with an
 * {@code embedding} column added, written as Parquet, the rows in input order.
 *
 * <p>Input by extension: {@code .txt} (one text per line; the rows get {@code id}, the line number from 0, and
 * the text column), {@code .jsonl}/{@code .json}, {@code .csv}/{@code .tsv} with a header row, {@code .parquet};
 * a folder of Parquet or JSON Lines part files. With {@code --model} (a folder, or a name in the local Hugging Face
 * cache), the folder is shipped to the executors
 * with the job (they need not see this machine's disk); without, the embedded all-MiniLM-L6-v2.
 */
@Command(name = "spark-encode", description = "Encode every row of a file or folder on Spark executors; write Parquet with an embedding column.")
final class SparkEncodeCommand implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "<url>",
            description = "Spark master: local[*], local[N], local-cluster[W,C,MB], spark://host:port, ... (default ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--input", required = true, paramLabel = "<file or folder>",
            description = ".txt, .jsonl/.json, .csv/.tsv with a header, .parquet, or a folder of Parquet or JSON Lines part files.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "<Parquet folder>", description = "A new folder.")
    Path output;

    @Option(names = "--text-column", defaultValue = "text", description = "The column holding the texts (default ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--model", paramLabel = "<dir or org/name>",
            description = "A model folder or a name in the local Hugging Face cache (default: the embedded all-MiniLM-L6-v2).")
    String modelOption;

    @Option(names = "--batch-size", defaultValue = "32", description = "Texts per forward pass (> 0; default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", defaultValue = "0", description = "Repartition the rows into N partitions (>= 0, 0: as read).")
    int partitions;

    @Option(names = "--truncate-dim", defaultValue = "0", description = "Keep the first K dimensions (>= 0, 0: all).")
    int truncateDim;

    @Option(names = "--executor-offheap", defaultValue = "4G", paramLabel = "<size>",
            description = "Off-heap memory cap of each executor, e.g. 4G (default ${DEFAULT-VALUE}).")
    String executorOffheap;

    @Override
    public Integer call() throws IOException {
        Checks.sparkMaster("--master", master);
        Checks.inputPath("--input", input);
        Checks.notBlank("--output", output.toString());
        if (Files.exists(output)) {
            throw new UsageException("--output " + output + " exists; give a new folder");
        }
        Checks.outputFolder("--output", output);
        Checks.notBlank("--text-column", textColumn);
        Checks.positive("--batch-size", batchSize);
        Checks.atLeast("--partitions", partitions, 0);
        Checks.atLeast("--truncate-dim", truncateDim, 0);
        Checks.size("--executor-offheap", executorOffheap);
        Path model = modelOption != null ? Path.of(Checks.notBlank("--model", modelOption)) : null;
        if (model != null && !Files.isDirectory(model)) {
            // a Hugging Face name: the snapshot folder in the local hub cache, shipped like any folder
            var cache = org.sentence4j.graphs.io.HubCache.fromEnvironment();
            model = org.sentence4j.graphs.io.HubCache.isRepoId(modelOption) ? cache.snapshot(modelOption, "main").orElse(null) : null;
            if (model == null) {
                throw new UsageException("--model " + modelOption + " is neither a model folder nor a model in"
                        + " the Hugging Face cache " + cache.root());
            }
        }
        String format = format(input);
        if (!Files.isDirectory(input) && !format.equals("parquet")) {
            // Spark would replace undecodable bytes silently: refuse them here, with the line
            long bad = TextFiles.firstUndecodableLine(input, StandardCharsets.UTF_8);
            if (bad > 0) {
                throw new UsageException("--input " + input + ":" + bad + ": is not valid UTF-8 text (save it as UTF-8)");
            }
        }
        SparkEncodeJob.run(this, model, format);
        return 0;
    }

    /** The input's format from its extension or, for a folder, from its part files. */
    static String format(Path input) throws IOException {
        if (Files.isDirectory(input)) {
            try (Stream<Path> files = Files.list(input)) {
                var names = files.map(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)).toList();
                if (names.stream().anyMatch(n -> n.endsWith(".parquet"))) {
                    return "parquet";
                }
                if (names.stream().anyMatch(n -> n.endsWith(".json") || n.endsWith(".jsonl"))) {
                    return "json";
                }
            }
            throw new UsageException("--input folder " + input + " holds no .parquet or .json/.jsonl part files");
        }
        String n = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".txt")) {
            return "text";
        }
        if (n.endsWith(".jsonl") || n.endsWith(".json")) {
            return "json";
        }
        if (n.endsWith(".csv")) {
            return "csv";
        }
        if (n.endsWith(".tsv") || n.endsWith(".tab")) {
            return "tsv";
        }
        if (n.endsWith(".parquet")) {
            return "parquet";
        }
        throw new UsageException("--input " + input + ": unsupported file type; give .txt, .jsonl, .json, .csv, .tsv,"
                + " .parquet or a folder of Parquet or JSON Lines files");
    }
}
