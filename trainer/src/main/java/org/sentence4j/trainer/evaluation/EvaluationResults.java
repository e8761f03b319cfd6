package org.sentence4j.trainer.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The evaluation history of a training run as one JSON file: an array of records
 * {@code {"step": 500, "epoch": 0.5, "metrics": {"sts-dev_pearson_cosine": 0.81, ...}}}, one per evaluation,
 * in the order written.
 *
 * <p>Each {@link #append} rewrites the whole file through a temporary file in the same folder and a rename, so a
 * crash or a reader never sees a half-written file. Undefined metrics (NaN, e.g. a correlation when the model gives
 * every pair the same score) are written as the string {@code "NaN"} and read back as NaN.
 */
public final class EvaluationResults {

    /** One evaluation: the optimizer step and (possibly fractional) epoch it was run at, and the metrics. */
    public record Entry(long step, double epoch, Map<String, Double> metrics) {
        public Entry {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    /** Results kept in {@code file} (e.g. {@code output/eval_results.json}); it need not exist yet. */
    public EvaluationResults(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("EvaluationResults: file is null");
        }
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /**
     * Adds a record to the file, creating it (and its folders) if needed.
     *
     * @throws UncheckedIOException if the file cannot be read or written, or is not such a results file
     */
    public synchronized void append(long step, double epoch, Map<String, Double> metrics) {
        if (metrics == null) {
            throw new IllegalArgumentException("EvaluationResults: metrics is null");
        }
        ArrayNode records = readArray();
        ObjectNode record = records.addObject();
        record.put("step", step);
        record.put("epoch", epoch);
        ObjectNode m = record.putObject("metrics");
        metrics.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("EvaluationResults: null metric key or value (" + k + ")");
            }
            m.put(k, v);
        });
        writeAtomically(records);
    }

    /** All records so far, oldest first; empty if the file does not exist. */
    public synchronized List<Entry> read() {
        List<Entry> out = new ArrayList<>();
        for (JsonNode r : readArray()) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : r.path("metrics").properties()) {
                JsonNode v = e.getValue();
                metrics.put(e.getKey(), v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText()));
            }
            out.add(new Entry(r.path("step").asLong(), r.path("epoch").asDouble(), metrics));
        }
        return out;
    }

    private ArrayNode readArray() {
        if (!Files.exists(file)) {
            return JSON.createArrayNode();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || root.isMissingNode()) {
                return JSON.createArrayNode();
            }
            if (!root.isArray()) {
                throw new UncheckedIOException(new IOException(file + " is not an evaluation results file (a JSON array)"));
            }
            return (ArrayNode) root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read evaluation results " + file, e);
        }
    }

    private void writeAtomically(ArrayNode records) {
        Path dir = file.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            JSON.writeValue(tmp.toFile(), records);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write evaluation results " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original error matters more
                }
            }
        }
    }
}
