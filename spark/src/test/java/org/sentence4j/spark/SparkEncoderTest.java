package org.sentence4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.TestData;

/**
 * Distributed encoding on two executor JVMs equals encoding in this process, row for row, with the rows'
 * order and other columns kept, over the distinct sentences of STS Benchmark test (~2,700 real texts) in many
 * partitions.
 */
class SparkEncoderTest {

    private static List<String> texts;
    private static INDArray local;

    @BeforeAll
    static void encodeLocally() throws IOException {
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String line : Files.readAllLines(TestData.root().resolve("datasets/stsbenchmark/sts-test.csv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            distinct.add(f[5]);
            distinct.add(f[6]);
        }
        texts = new ArrayList<>(distinct);
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            local = model.encode(texts, EncodeOptions.defaults().withBatchSize(32));
        }
    }

    private static Dataset<Row> frame(SparkSession spark, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create((long) i, texts.get(i)));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("text", DataTypes.StringType, false);
        return spark.createDataFrame(rows, schema).repartition(partitions).sortWithinPartitions("id");
    }

    @Test
    void equalsLocalEncodingAndKeepsRowsInOrder() {
        SparkSession spark = SparkCluster.session();
        Dataset<Row> input = frame(spark, 7);
        List<Row> before = input.collectAsList();
        Dataset<Row> out = SparkEncoder.builder(ModelSource.defaultModel()).batchSize(32).rowsPerBlock(300).build().encode(input);
        assertEquals(List.of("id", "text", "embedding"), List.of(out.schema().fieldNames()));
        List<Row> after = out.collectAsList();
        assertEquals(texts.size(), after.size());
        assertTrue(texts.size() > 2000, "a few thousand texts: " + texts.size());
        double worst = 0;
        for (int i = 0; i < after.size(); i++) {
            Row r = after.get(i);
            // same rows in the same order, other columns untouched
            assertEquals(before.get(i).getLong(0), r.getLong(0));
            assertEquals(before.get(i).getString(1), r.getString(1));
            int id = (int) r.getLong(0);
            List<Float> e = r.getList(2);
            assertEquals(local.size(1), e.size());
            for (int d = 0; d < e.size(); d++) {
                worst = Math.max(worst, Math.abs(e.get(d) - local.getFloat(id, d)));
            }
        }
        System.out.println("spark-encoded " + after.size() + " texts in 7 partitions; max |spark - local| = " + worst);
        assertTrue(worst <= 1e-6, "distributed embeddings equal local ones within 1e-6: " + worst);
    }

    @Test
    void shippedModelEqualsFolderModel(@TempDir Path dir) throws IOException {
        SparkSession spark = SparkCluster.session();
        Path folder = dir.resolve("model");
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            model.save(folder);
        }
        // a fixed subset (limit() may pick other rows each time the plan runs)
        Dataset<Row> input = frame(spark, 3).filter("id < 200");
        List<Row> shipped = SparkEncoder.builder(ModelSource.shipped(SparkCluster.context(), ModelBundle.of(folder))).build()
                .encode(input).orderBy("id").collectAsList();
        List<Row> byPath = SparkEncoder.builder(ModelSource.folder(folder.toString())).build().encode(input).orderBy("id")
                .collectAsList();
        assertEquals(200, shipped.size());
        for (int i = 0; i < shipped.size(); i++) {
            int id = (int) shipped.get(i).getLong(0);
            assertEquals(id, byPath.get(i).getLong(0));
            List<Float> a = shipped.get(i).getList(2);
            List<Float> b = byPath.get(i).getList(2);
            for (int d = 0; d < a.size(); d++) {
                assertEquals(local.getFloat(id, d), a.get(d), 1e-6);
                assertEquals(local.getFloat(id, d), b.get(d), 1e-6);
            }
        }
    }

    @Test
    void badColumnsAreNamed() {
        SparkSession spark = SparkCluster.session();
        Dataset<Row> input = frame(spark, 1);
        SparkEncoder wrong = SparkEncoder.builder(ModelSource.defaultModel()).textColumn("sentence").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrong.encode(input));
        assertTrue(e.getMessage().contains("'sentence'") && e.getMessage().contains("[id, text]"), e.getMessage());
        SparkEncoder ids = SparkEncoder.builder(ModelSource.defaultModel()).textColumn("id").build();
        e = assertThrows(IllegalArgumentException.class, () -> ids.encode(input));
        assertTrue(e.getMessage().contains("bigint"), e.getMessage());
        SparkEncoder taken = SparkEncoder.builder(ModelSource.defaultModel()).embeddingColumn("id").build();
        e = assertThrows(IllegalArgumentException.class, () -> taken.encode(input));
        assertTrue(e.getMessage().contains("already has a column 'id'"), e.getMessage());
    }
}
