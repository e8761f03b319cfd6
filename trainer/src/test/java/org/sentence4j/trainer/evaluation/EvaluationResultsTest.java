package org.sentence4j.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationResultsTest {

    @TempDir
    Path dir;

    @Test
    void appendsRecordsAsAJsonArray() throws IOException {
        Path file = dir.resolve("run/eval/results.json"); // folders created on demand
        EvaluationResults results = new EvaluationResults(file);
        assertEquals(List.of(), results.read());

        Map<String, Double> first = new LinkedHashMap<>();
        first.put("sts-dev_pearson_cosine", 0.5);
        first.put("sts-dev_spearman_cosine", 0.25);
        results.append(0, 0.0, first);
        results.append(500, 0.5, Map.of("sts-dev_spearman_cosine", 0.75));

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertTrue(root.isArray());
        assertEquals(2, root.size());
        JsonNode r0 = root.get(0);
        assertEquals(List.of("step", "epoch", "metrics"), iterable(r0.fieldNames()));
        assertEquals(0, r0.get("step").asLong());
        assertEquals(0.0, r0.get("epoch").asDouble());
        assertEquals(List.of("sts-dev_pearson_cosine", "sts-dev_spearman_cosine"),
                iterable(r0.get("metrics").fieldNames()));
        assertEquals(0.25, r0.get("metrics").get("sts-dev_spearman_cosine").asDouble());
        assertEquals(500, root.get(1).get("step").asLong());
        assertEquals(0.5, root.get(1).get("epoch").asDouble());

        List<EvaluationResults.Entry> back = results.read();
        assertEquals(new EvaluationResults.Entry(0, 0.0, first), back.get(0));
        assertEquals(new EvaluationResults.Entry(500, 0.5, Map.of("sts-dev_spearman_cosine", 0.75)), back.get(1));
        // no temporary files left behind
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
        // a new writer on the same file continues it
        new EvaluationResults(file).append(1000, 1.0, Map.of("x", 1.0));
        assertEquals(3, results.read().size());
    }

    @Test
    void nanIsWrittenAsAStringAndReadBack() throws IOException {
        Path file = dir.resolve("results.json");
        EvaluationResults results = new EvaluationResults(file);
        results.append(10, 0.1, Map.of("spearman_cosine", Double.NaN));
        assertTrue(Files.readString(file).contains("\"NaN\""), Files.readString(file));
        assertTrue(Double.isNaN(results.read().get(0).metrics().get("spearman_cosine")));
    }

    @Test
    void refusesAFileThatIsNotAResultsArray() throws IOException {
        Path file = dir.resolve("other.json");
        Files.writeString(file, "{\"step\": 1}");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new EvaluationResults(file).append(1, 1, Map.of("a", 1.0)));
        assertTrue(e.getMessage().contains("not an evaluation results file"), e.getMessage());
        assertEquals("{\"step\": 1}", Files.readString(file)); // untouched
    }

    @Test
    void writesWhatAnEvaluatorReturns() {
        StandInEmbedders.Fixed model = new StandInEmbedders.Fixed().angle("a", 0).angle("b", 30).angle("c", 90);
        TripletEvaluator ev = TripletEvaluator.builder(List.of("a"), List.of("b"), List.of("c")).name("dev").build();
        EvaluationResults results = new EvaluationResults(dir.resolve("eval.json"));
        results.append(3, 0.25, ev.evaluate(model));
        assertEquals(1.0, results.read().get(0).metrics().get(ev.primaryMetric()));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
