package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.TestData;

/**
 * {@code ./sentence4j spark-encode} and {@code spark-train} end to end on a real Spark ({@code local[2]}: two task
 * threads in this JVM; the README shows both on {@code local-cluster}, and the spark module's tests run the same
 * code on two executor JVMs): spark-encode's Parquet rows equal {@code encode}'s embeddings in input order, and
 * spark-train's saved model equals {@code train}'s.
 */
class SparkCommandsTest {

    private static List<String> stsTexts(int n) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.root().resolve("datasets/stsbenchmark/sts-test.csv"), StandardCharsets.UTF_8)) {
            if (texts.size() < n) {
                texts.add(line.split("\t")[5]);
            }
        }
        return texts;
    }

    @Test
    void sparkEncodeEqualsEncodeInInputOrder(@TempDir Path dir) throws Exception {
        List<String> texts = stsTexts(300);
        Path input = dir.resolve("texts.txt");
        Files.write(input, texts, StandardCharsets.UTF_8);
        Path local = dir.resolve("local.jsonl");
        Cli.ok("encode", "--input", input.toString(), "--output", local.toString());
        Path parquet = dir.resolve("embedded");
        Cli.ok("spark-encode", "--master", "local[2]", "--input", input.toString(), "--output", parquet.toString(),
                "--partitions", "3");
        ObjectMapper json = new ObjectMapper();
        List<String> localLines = Files.readAllLines(local, StandardCharsets.UTF_8);
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            List<Row> rows = spark.read().parquet(parquet.toString()).orderBy("id").collectAsList();
            assertEquals(texts.size(), rows.size());
            double worst = 0;
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                assertEquals(i, r.getLong(r.fieldIndex("id")), "line numbers as ids");
                assertEquals(texts.get(i), r.getString(r.fieldIndex("text")));
                JsonNode expected = json.readTree(localLines.get(i)).get("embedding");
                List<Float> e = r.getList(r.fieldIndex("embedding"));
                assertEquals(expected.size(), e.size());
                for (int d = 0; d < e.size(); d++) {
                    worst = Math.max(worst, Math.abs(e.get(d) - expected.get(d).floatValue()));
                }
            }
            System.out.println("spark-encode vs encode over " + rows.size() + " texts: max difference " + worst);
            assertTrue(worst <= 1e-6, "spark-encode equals encode within 1e-6: " + worst);
        } finally {
            spark.stop();
        }
    }

    @Test
    void sparkEncodeRejectsBadInputBeforeWork(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("texts.txt");
        Files.write(input, List.of("one", "two"), StandardCharsets.UTF_8);
        Cli.Result missing = Cli.fails("spark-encode", "--input", dir.resolve("nope.txt").toString(), "--output", dir.resolve("o").toString());
        assertTrue(missing.err().contains("nope.txt: not found"), missing::toString);
        Files.createDirectories(dir.resolve("exists"));
        Cli.Result exists = Cli.fails("spark-encode", "--input", input.toString(), "--output", dir.resolve("exists").toString());
        assertTrue(exists.err().contains("exists"), exists::toString);
        Cli.Result format = Cli.fails("spark-encode", "--input", Files.writeString(dir.resolve("t.xml"), "<a/>").toString(), "--output", dir.resolve("o").toString());
        assertTrue(format.err().contains("unsupported file type"), format::toString);
        Path jsonl = Files.writeString(dir.resolve("t.jsonl"), "{\"text\": \"one\"}\n{\"text\": \"two\"}\n");
        Cli.Result column = Cli.fails("spark-encode", "--master", "local[1]", "--input", jsonl.toString(), "--text-column", "sentence", "--output",
                dir.resolve("o2").toString());
        assertTrue(column.err().contains("no text column 'sentence'"), column::toString);
        Path nullText = Files.writeString(dir.resolve("n.jsonl"), "{\"text\": \"one\"}\n{\"text\": null}\n");
        Cli.Result empty = Cli.fails("spark-encode", "--master", "local[1]", "--input", nullText.toString(), "--output", dir.resolve("o4").toString());
        assertTrue(empty.err().contains("a row has no text (null in column 'text')"), empty::toString);
        Cli.Result batch = Cli.fails("spark-encode", "--input", input.toString(), "--output", dir.resolve("o3").toString(), "--batch-size", "0");
        assertTrue(batch.err().contains("--batch-size"), batch::toString);
    }

    @Test
    void sparkTrainEqualsTrain(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pairs.jsonl");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("data/support-tickets/train.jsonl")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(48).toList();
            Files.write(data, lines, StandardCharsets.UTF_8);
        }
        String[] common = {"--data", data.toString(), "--loss", "MultipleNegativesRankingLoss", "--max-steps", "3",
                "--batch-size", "8", "--lr", "1e-4", "--seed", "3", "--save-steps", "0"};
        Path local = dir.resolve("local");
        Cli.ok(Cli.concat(Cli.concat(new String[] {"train"}, common), "--output", local.toString()));
        Path spark = dir.resolve("spark");
        Cli.ok(Cli.concat(Cli.concat(new String[] {"spark-train"}, common), "--output", spark.toString(), "--master", "local[2]", "--tasks", "2"));
        try (SentenceEncoder a = SentenceEncoder.load(local); SentenceEncoder b = SentenceEncoder.load(spark);
             SentenceEncoder base = SentenceEncoder.defaultModel()) {
            double diff = 0;
            double moved = 0;
            // the trained parameters (the saved pooler is not one: the embedded model has none to compare with)
            for (String name : org.sentence4j.graphs.bert.BertTensorNames.names(a.encoder().config())) {
                INDArray w = a.encoder().weights().get(name);
                diff = Math.max(diff, w.sub(b.encoder().weights().get(name)).amaxNumber().doubleValue());
                moved = Math.max(moved, w.sub(base.encoder().weights().get(name)).amaxNumber().doubleValue());
            }
            System.out.printf("spark-train vs train: max weight difference %.3g (training moved weights by up to %.3g)%n", diff, moved);
            assertTrue(moved > 4e-5, "training moved the weights: " + moved);
            assertTrue(diff <= 1e-5, "spark-train equals train: " + diff);
        }
        assertTrue(Files.readString(spark.resolve("README.md")).contains("MultipleNegativesRankingLoss"), "model card written");
    }
}
