package org.sentence4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sentence4j.spark.ModelBundle;
import org.sentence4j.spark.ModelSource;
import org.sentence4j.spark.SparkEncoder;
import org.sentence4j.spark.SparkSetup;

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
final class SparkEncodeCommand {

    static final Set<String> OPTIONS = Set.of("master", "input", "output", "text-column", "model", "batch-size", "partitions",
            "truncate-dim", "executor-offheap");

    private SparkEncodeCommand() {
    }

    static void run(String[] args) throws IOException {
        Options o = Options.parse("spark-encode", args, OPTIONS);
        Path input = Path.of(o.require("input"));
        Path output = Path.of(o.require("output"));
        String textColumn = o.get("text-column", "text");
        int batchSize = o.getInt("batch-size", 32);
        int partitions = o.getInt("partitions", 0);
        int truncateDim = o.getInt("truncate-dim", 0);
        if (batchSize <= 0) {
            throw new Options.UsageException("spark-encode: --batch-size must be > 0, not " + batchSize);
        }
        if (partitions < 0 || truncateDim < 0) {
            throw new Options.UsageException("spark-encode: --partitions and --truncate-dim must be >= 0");
        }
        if (!Files.exists(input)) {
            throw new Options.UsageException("spark-encode: input not found: " + input);
        }
        if (Files.exists(output)) {
            throw new Options.UsageException("spark-encode: output " + output + " exists; give a new folder");
        }
        Path model = o.has("model") ? Path.of(o.get("model", null)) : null;
        if (model != null && !Files.isDirectory(model)) {
            // a Hugging Face name: the snapshot folder in the local hub cache, shipped like any folder
            String name = o.get("model", null);
            var cache = org.sentence4j.graphs.io.HubCache.fromEnvironment();
            model = org.sentence4j.graphs.io.HubCache.isRepoId(name) ? cache.snapshot(name, "main").orElse(null) : null;
            if (model == null) {
                throw new Options.UsageException("spark-encode: --model " + name + " is neither a model folder nor a model in"
                        + " the Hugging Face cache " + cache.root());
            }
        }
        String format = format(input);
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder()
                .config(SparkSetup.conf(o.get("master", "local[*]"), "sentence4j spark-encode", o.get("executor-offheap", "4G")))
                .getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Dataset<Row> rows = read(spark, sc, input, format, textColumn);
            if (partitions > 0) {
                rows = rows.repartition(partitions);
            }
            ModelSource source = model == null ? ModelSource.defaultModel() : ModelSource.shipped(sc, ModelBundle.of(model));
            SparkEncoder encoder;
            try {
                encoder = SparkEncoder.builder(source).textColumn(textColumn).batchSize(batchSize).truncateDim(truncateDim).build();
                encoder.encode(rows).write().parquet(output.toString());
            } catch (IllegalArgumentException e) {
                throw new Options.UsageException("spark-encode: " + e.getMessage());
            } catch (Exception e) {
                // a bad row (a null text) fails its task; Spark wraps the cause in its own (checked) SparkException
                for (Throwable c = e; c != null; c = c.getCause()) {
                    if (c instanceof IllegalArgumentException bad) {
                        throw new Options.UsageException("spark-encode: " + bad.getMessage());
                    }
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException("spark-encode: " + e.getMessage(), e);
            }
            Dataset<Row> written = spark.read().parquet(output.toString());
            long n = written.count();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "encoded %d texts in %.1f s (%.0f texts/s, Spark start included) to %s%n", n, seconds,
                    n / seconds, output.toAbsolutePath());
        } finally {
            spark.stop();
        }
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
            throw new Options.UsageException("spark-encode: folder " + input + " holds no .parquet or .json/.jsonl part files");
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
        throw new Options.UsageException("spark-encode: unsupported input " + input
                + "; give .txt, .jsonl, .json, .csv, .tsv, .parquet or a folder of Parquet or JSON Lines files");
    }

    private static Dataset<Row> read(SparkSession spark, JavaSparkContext sc, Path input, String format, String textColumn) {
        String path = input.toString();
        return switch (format) {
            case "text" -> {
                // line numbers as ids: zipWithIndex keeps the file's order across partitions
                JavaRDD<Row> lines = sc.textFile(path).zipWithIndex().map(t -> RowFactory.create(t._2(), t._1()));
                StructType schema = new StructType().add("id", DataTypes.LongType, false).add(textColumn, DataTypes.StringType, false);
                yield spark.createDataFrame(lines, schema);
            }
            case "json" -> spark.read().json(path);
            case "csv" -> spark.read().option("header", "true").option("multiLine", "true").csv(path);
            case "tsv" -> spark.read().option("header", "true").option("sep", "\t").csv(path);
            default -> spark.read().parquet(path);
        };
    }
}
