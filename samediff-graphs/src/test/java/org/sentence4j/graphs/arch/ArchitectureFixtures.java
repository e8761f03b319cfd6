package org.sentence4j.graphs.arch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sentence4j.graphs.TestData;

/**
 * The folders of {@code testdata/fixtures/st-architectures} (written by sentence-transformers 6.0.1) and their
 * expected outputs ({@code expected/<folder>.jsonl}, one JSON record per line, {@code kind} says which).
 */
public final class ArchitectureFixtures {

    /** The folders of the encoder architectures beyond BERT, and BERT with a Dense module. */
    public static final List<String> FOLDERS = List.of("tiny-xlm-roberta-mean", "tiny-roberta-cls", "tiny-mpnet-mean",
            "tiny-distilbert-mean", "tiny-modernbert-mean", "tiny-bert-dense");

    private ArchitectureFixtures() {
    }

    public static Path folder(String name) {
        return TestData.fixtures("st-architectures").resolve(name);
    }

    /** The records of one kind ({@code meta}, {@code text}, {@code batch}, {@code similarity}, {@code hidden_states}). */
    public static List<JsonNode> records(String name, String kind) {
        Path file = TestData.fixtures("st-architectures").resolve("expected").resolve(name + ".jsonl");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode n = json.readTree(line);
                if (n.path("kind").asText().equals(kind)) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(file + " has no '" + kind + "' records");
        }
        return out;
    }

    public static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    public static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
