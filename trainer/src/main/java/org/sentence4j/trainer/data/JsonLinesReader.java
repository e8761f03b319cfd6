package org.sentence4j.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON Lines file: one JSON object per line. The columns are the keys of the first object in order
 * (or those given to {@link #select(String...)}), and every line must have the same keys. {@code label} or
 * {@code score} holds the labels: numbers, lists of numbers (vector labels of one width), or texts with a
 * {@link LabelMapping}; every other value must be a text. Blank lines are skipped.
 */
public final class JsonLinesReader extends DatasetReader<JsonLinesReader> {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;
    private List<String> selected;

    JsonLinesReader(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** Reads only these keys, in this order (other keys are ignored); {@code label}/{@code score} among them is the label column. */
    public JsonLinesReader select(String... keys) {
        if (keys.length == 0) {
            throw new IllegalArgumentException("select needs at least one key");
        }
        this.selected = List.of(keys);
        return this;
    }

    @Override
    public Dataset read() {
        List<String> keys = selected;
        List<String> inputs = null;
        String labelKey = null;
        List<List<String>> texts = new ArrayList<>();
        LabelCollector labels = null;
        int rows = 0;
        long lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, charset)) {
            String line;
            while (rows < limit && (line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1) {
                    line = stripBom(line);
                }
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw DatasetException.at(file, lineNo, "is not valid JSON: " + e.getOriginalMessage(), e);
                }
                if (!node.isObject()) {
                    throw DatasetException.at(file, lineNo, "is a JSON " + node.getNodeType().name().toLowerCase()
                            + ", not an object");
                }
                if (inputs == null) {
                    if (keys == null) {
                        keys = new ArrayList<>();
                        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                            keys.add(it.next());
                        }
                    }
                    inputs = new ArrayList<>();
                    for (String k : keys) {
                        if (Dataset.isLabelColumn(k)) {
                            if (labelKey != null) {
                                throw DatasetException.at(file, lineNo, "has both '" + labelKey + "' and '" + k
                                        + "'; only one may hold labels (use select(...))");
                            }
                            labelKey = k;
                        } else {
                            inputs.add(k);
                        }
                    }
                    if (inputs.isEmpty()) {
                        throw DatasetException.at(file, lineNo, "has no input field besides the label field");
                    }
                    for (int c = 0; c < inputs.size(); c++) {
                        texts.add(new ArrayList<>());
                    }
                    if (labelKey != null) {
                        labels = labelCollector(labelKey, file);
                    }
                }
                if (selected == null && node.size() != keys.size()) {
                    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                        String k = it.next();
                        if (!keys.contains(k)) {
                            throw DatasetException.at(file, lineNo, "unexpected field '" + k + "'; the first row has "
                                    + keys + " (use select(...) to read only some fields)");
                        }
                    }
                }
                for (int c = 0; c < inputs.size(); c++) {
                    String k = inputs.get(c);
                    JsonNode v = node.get(k);
                    if (v == null || v.isNull()) {
                        throw DatasetException.at(file, lineNo, "missing field '" + k + "'");
                    }
                    if (!v.isTextual()) {
                        throw DatasetException.at(file, lineNo, "field '" + k + "' is a JSON "
                                + v.getNodeType().name().toLowerCase() + ", not a text");
                    }
                    texts.get(c).add(text(v.textValue(), "field '" + k + "'", file, lineNo));
                }
                if (labels != null) {
                    labels.addJson(node.get(labelKey), lineNo);
                }
                rows++;
            }
        } catch (IOException e) {
            throw ioError(file, lineNo + 1, e);
        }
        if (rows == 0) {
            throw DatasetException.inFile(file, "has no rows", null);
        }
        LabelColumn lc = labels == null ? null : labels.finish();
        List<String> notes = new ArrayList<>();
        notes.add("read " + rows + " rows from " + file.getFileName() + " (JSON Lines)");
        notes.addAll(labelNotes(lc));
        return Dataset.of(nameOr(file), file, inputs, texts, lc, notes);
    }
}
