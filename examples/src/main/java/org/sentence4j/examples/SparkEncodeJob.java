package org.sentence4j.examples;

import java.nio.file.Path;
import java.util.Locale;

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
 * The Spark side of {@link SparkEncodeCommand}, in a class of its own: the command classes are inspected by the
 * option parser for every command, and Spark's jars are on the class path only for the {@code spark-*} commands.
 */
final class SparkEncodeJob {

    private SparkEncodeJob() {
    }

    /** Encodes the checked command's input with the model folder (null: the embedded model) in {@code format}. */
    static void run(SparkEncodeCommand command, Path model, String format) throws java.io.IOException {
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder()
                .config(SparkSetup.conf(command.master, "sentence4j spark-encode", command.executorOffheap))
                .getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Dataset<Row> rows = read(spark, sc, command.input, format, command.textColumn);
            if (command.partitions > 0) {
                rows = rows.repartition(command.partitions);
            }
            ModelSource source = model == null ? ModelSource.defaultModel() : ModelSource.shipped(sc, ModelBundle.of(model));
            SparkEncoder encoder;
            try {
                encoder = SparkEncoder.builder(source).textColumn(command.textColumn).batchSize(command.batchSize)
                        .truncateDim(command.truncateDim).build();
                encoder.encode(rows).write().parquet(command.output.toString());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            } catch (Exception e) {
                // a bad row (a null text) fails its task; Spark wraps the cause in its own (checked) SparkException
                for (Throwable c = e; c != null; c = c.getCause()) {
                    if (c instanceof IllegalArgumentException bad) {
                        throw new UsageException(bad.getMessage());
                    }
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException("spark-encode: " + e.getMessage(), e);
            }
            Dataset<Row> written = spark.read().parquet(command.output.toString());
            long n = written.count();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "encoded %d texts in %.1f s (%.0f texts/s, Spark start included) to %s%n", n, seconds,
                    n / seconds, command.output.toAbsolutePath());
        } finally {
            spark.stop();
        }
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
