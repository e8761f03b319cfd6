package org.sentence4j.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Embeddings of real sentence-transformers 6.0.1 folders ({@code testdata/fixtures/st-models}) against the
 * embeddings the Python library computed for them, and a save/load round trip.
 */
class SentenceEncoderStModelsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** model name -> (texts, expected embeddings) in file order. */
    private static Map<String, List<JsonNode>> expected() throws Exception {
        Map<String, List<JsonNode>> byModel = new LinkedHashMap<>();
        for (String line : Files.readAllLines(TestData.stModels().resolve("expected.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode n = JSON.readTree(line);
            byModel.computeIfAbsent(n.get("model").asText(), k -> new ArrayList<>()).add(n);
        }
        return byModel;
    }

    @Test
    void everyFolderReproducesThePythonEmbeddings() throws Exception {
        Map<String, List<JsonNode>> expected = expected();
        assertEquals(3, expected.size());
        for (Map.Entry<String, List<JsonNode>> e : expected.entrySet()) {
            try (SentenceEncoder model = SentenceEncoder.load(TestData.stModels().resolve(e.getKey()))) {
                List<String> texts = e.getValue().stream().map(n -> n.get("text").asText()).toList();
                INDArray ours = model.encode(texts, EncodeOptions.defaults().withBatchSize(4));
                for (int i = 0; i < texts.size(); i++) {
                    JsonNode want = e.getValue().get(i).get("embedding");
                    assertEquals(want.size(), ours.size(1), e.getKey());
                    for (int d = 0; d < want.size(); d++) {
                        double diff = Math.abs(ours.getDouble(i, d) - want.get(d).asDouble());
                        final int row = i;
                        final int col = d;
                        assertTrue(diff <= 1e-5, () -> e.getKey() + " text " + row + " dim " + col + ": |diff| " + diff);
                    }
                }
            }
        }
    }

    @Test
    void aSavedModelLoadsBackWithIdenticalEmbeddings(@TempDir Path dir) throws Exception {
        List<String> texts = List.of("Hello world!", "A man is eating food.", "Café naïve", "");
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModels().resolve("tiny-bert-mean"))) {
            INDArray before = model.encode(texts, EncodeOptions.defaults());
            model.save(dir.resolve("copy"));
            try (SentenceEncoder copy = SentenceEncoder.load(dir.resolve("copy"))) {
                INDArray after = copy.encode(texts, EncodeOptions.defaults());
                assertArrayEquals(before.data().asFloat(), after.data().asFloat(), 0f, "bit-identical after save + load");
            }
        }
    }

    @Test
    void truncationKeepsTheLeadingDimensionsAndOrderIsKept() throws Exception {
        List<String> texts = List.of("short", "a much longer text with many more words in it", "mid length text");
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModels().resolve("tiny-bert-mean"))) {
            INDArray full = model.encode(texts, EncodeOptions.defaults());
            INDArray cut = model.encode(texts, EncodeOptions.defaults().withTruncateDim(8));
            assertEquals(8, cut.size(1));
            for (int i = 0; i < texts.size(); i++) {
                for (int d = 0; d < 8; d++) {
                    assertEquals(full.getFloat(i, d), cut.getFloat(i, d), 0f);
                }
                INDArray alone = model.encode(List.of(texts.get(i)), EncodeOptions.defaults());
                for (int d = 0; d < full.size(1); d++) {
                    assertEquals(alone.getFloat(0, d), full.getFloat(i, d), 1e-5f, "row " + i + " in input order");
                }
            }
            assertThrows(IllegalArgumentException.class, () -> model.encode(texts, EncodeOptions.defaults().withTruncateDim(33)));
        }
    }
}
