package org.sentence4j.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * A folder with prompts, as sentence-transformers 6.0.1 wrote it ({@code testdata/fixtures/st-architectures/
 * tiny-bert-prompts}: prompts {@code query: } and {@code passage: }, similarity {@code dot}): the prompt is put
 * before each text by name or as text, giving the library's token ids exactly and its embeddings within 1e-5;
 * the similarity matrix follows the folder's function; prompts, default prompt name and similarity function
 * survive a save and load; a wrong prompt name is named with the model's prompts.
 */
class PromptsTest {

    private static final Path FOLDER = TestData.fixtures("st-architectures").resolve("tiny-bert-prompts");
    private static final Path EXPECTED = TestData.fixtures("st-architectures").resolve("expected/tiny-bert-prompts.jsonl");

    private static List<JsonNode> records(String kind) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(EXPECTED, StandardCharsets.UTF_8)) {
            JsonNode n = json.readTree(line);
            if (n.path("kind").asText().equals(kind)) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void promptsByNameAndByTextMatchTheLibrary() throws IOException {
        List<JsonNode> prompted = records("prompt");
        assertEquals(16, prompted.size());
        try (SentenceEncoder model = SentenceEncoder.load(FOLDER)) {
            assertEquals(Map.of("query", "query: ", "document", "passage: "), model.prompts().prompts());
            assertEquals("dot", model.similarityFunction());
            double worst = 0;
            for (JsonNode r : prompted) {
                String text = r.get("text").asText();
                String name = r.get("prompt_name").asText();
                // token ids of prompt + text, exactly
                TokenBatch ids = model.tokenizer().tokenize(List.of(r.get("prompt").asText() + text));
                long[] got = ids.inputIds().castTo(DataType.INT64).toLongVector();
                JsonNode want = r.get("input_ids");
                assertEquals(want.size(), got.length, "token count of '" + name + "' + " + text);
                for (int t = 0; t < got.length; t++) {
                    assertEquals(want.get(t).asLong(), got[t], "token " + t + " of '" + name + "' + " + text);
                }
                INDArray byName = model.encode(List.of(text), EncodeOptions.defaults().withPromptName(name));
                INDArray byText = model.encode(List.of(text), EncodeOptions.defaults().withPrompt(r.get("prompt").asText()));
                JsonNode e = r.get("embedding_f32");
                for (int d = 0; d < e.size(); d++) {
                    worst = Math.max(worst, Math.abs(byName.getFloat(0, d) - (float) e.get(d).asDouble()));
                    assertEquals(byName.getFloat(0, d), byText.getFloat(0, d), 0f, "prompt by name = prompt by text");
                }
            }
            System.out.println("prompted embeddings: max |ours - sentence-transformers| = " + worst);
            assertTrue(worst <= 1e-5, "prompted embeddings within 1e-5: " + worst);
            // without a prompt (no default prompt name here) the embedding differs
            JsonNode first = prompted.get(0);
            INDArray plain = model.encode(List.of(first.get("text").asText()), EncodeOptions.defaults());
            double moved = 0;
            for (int d = 0; d < plain.size(1); d++) {
                moved = Math.max(moved, Math.abs(plain.getFloat(0, d) - (float) first.get("embedding_f32").get(d).asDouble()));
            }
            assertTrue(moved > 1e-3, "the prompt changes the embedding: " + moved);
        }
    }

    @Test
    void similarityFollowsTheModelsFunction() throws IOException {
        JsonNode r = records("prompt_similarity").get(0);
        assertEquals("dot", r.get("similarity_fn_name").asText());
        List<String> texts = new ArrayList<>();
        List<JsonNode> all = records("text");
        for (JsonNode i : r.get("texts_i")) {
            for (JsonNode t : all) {
                if (t.get("i").asInt() == i.asInt()) {
                    texts.add(t.get("text").asText());
                }
            }
        }
        assertEquals(r.get("texts_i").size(), texts.size(), "texts found by index");
        try (SentenceEncoder model = SentenceEncoder.load(FOLDER)) {
            INDArray q = model.encode(texts, EncodeOptions.defaults().withPromptName("query"));
            INDArray d = model.encode(texts, EncodeOptions.defaults().withPromptName("document"));
            INDArray s = model.similarity(q, d);
            JsonNode m = r.get("matrix_f32");
            for (int i = 0; i < m.size(); i++) {
                for (int j = 0; j < m.get(i).size(); j++) {
                    double want = m.get(i).get(j).asDouble();
                    assertEquals(want, s.getDouble(i, j), 1e-5 * Math.max(1, Math.abs(want)), "similarity " + i + "," + j);
                }
            }
        }
    }

    @Test
    void promptsSurviveSaveAndLoad(@TempDir Path dir) throws IOException {
        try (SentenceEncoder model = SentenceEncoder.load(FOLDER)) {
            model.save(dir.resolve("saved"));
        }
        JsonNode st = new ObjectMapper().readTree(dir.resolve("saved/config_sentence_transformers.json").toFile());
        assertEquals("query: ", st.get("prompts").get("query").asText());
        assertEquals("passage: ", st.get("prompts").get("document").asText());
        assertTrue(st.get("default_prompt_name").isNull());
        assertEquals("dot", st.get("similarity_fn_name").asText());
        try (SentenceEncoder back = SentenceEncoder.load(dir.resolve("saved"))) {
            assertEquals(Map.of("query", "query: ", "document", "passage: "), back.prompts().prompts());
            assertEquals("dot", back.similarityFunction());
        }
    }

    @Test
    void aWrongPromptNameIsNamedWithTheModelsPrompts() throws IOException {
        try (SentenceEncoder model = SentenceEncoder.load(FOLDER)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.encode(List.of("x"), EncodeOptions.defaults().withPromptName("search")));
            assertTrue(e.getMessage().contains("'search'") && e.getMessage().contains("query"), e.getMessage());
        }
    }

    /** The fixture folder saved to {@code copy}, with {@code from} replaced by {@code to} in one of its files. */
    private static Path savedWith(Path copy, String file, String from, String to) throws IOException {
        try (SentenceEncoder model = SentenceEncoder.load(FOLDER)) {
            model.save(copy);
        }
        Path edited = copy.resolve(file);
        String text = Files.readString(edited);
        assertTrue(text.contains(from), file + " holds " + from);
        Files.writeString(edited, text.replace(from, to));
        return edited;
    }

    @Test
    void aDefaultPromptNameAppliesWhenNoneIsGiven(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("with-default");
        Path cfg = savedWith(copy, "config_sentence_transformers.json", "\"default_prompt_name\": null",
                "\"default_prompt_name\": \"query\"");
        try (SentenceEncoder model = SentenceEncoder.load(copy)) {
            assertEquals("query", model.prompts().defaultPromptName());
            INDArray byDefault = model.encode(List.of("Hello world!"), EncodeOptions.defaults());
            INDArray byName = model.encode(List.of("Hello world!"), EncodeOptions.defaults().withPromptName("query"));
            INDArray none = model.encode(List.of("Hello world!"), EncodeOptions.defaults().withPrompt(""));
            assertEquals(0.0, byDefault.sub(byName).amaxNumber().doubleValue(), 0.0);
            assertTrue(byDefault.sub(none).amaxNumber().doubleValue() > 1e-3, "an explicit empty prompt overrides the default");
        }
        Files.writeString(cfg, Files.readString(cfg).replace("\"default_prompt_name\": \"query\"", "\"default_prompt_name\": \"nope\""));
        Exception e = assertThrows(Exception.class, () -> SentenceEncoder.load(copy));
        assertTrue(e.getMessage().contains("default_prompt_name 'nope'"), e.getMessage());
    }

    /**
     * The Pooling module with {@code include_prompt: false} (the fixture's records were made with the folder's
     * Pooling switched so): the prompt's tokens and the leading [CLS] are left out of the mean, and the folder
     * saved again keeps the setting.
     */
    @Test
    void includePromptFalseLeavesThePromptOutOfThePooledEmbedding(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("exclude");
        savedWith(copy, "1_Pooling/config.json", "\"include_prompt\": true", "\"include_prompt\": false");
        List<JsonNode> excluded = records("prompt_exclude");
        assertEquals(16, excluded.size());
        double worst = 0;
        try (SentenceEncoder model = SentenceEncoder.load(copy)) {
            assertTrue(!model.encoder().pooling().includePrompt(), "the copy's Pooling leaves prompts out");
            for (JsonNode r : excluded) {
                INDArray e = model.encode(List.of(r.get("text").asText()),
                        EncodeOptions.defaults().withPromptName(r.get("prompt_name").asText()));
                JsonNode want = r.get("embedding_f32");
                for (int d = 0; d < want.size(); d++) {
                    worst = Math.max(worst, Math.abs(e.getFloat(0, d) - (float) want.get(d).asDouble()));
                }
            }
            model.save(dir.resolve("again"));
        }
        System.out.println("include_prompt=false embeddings: max |ours - sentence-transformers| = " + worst);
        assertTrue(worst <= 1e-5, "include_prompt=false embeddings within 1e-5: " + worst);
        assertTrue(Files.readString(dir.resolve("again/1_Pooling/config.json")).contains("\"include_prompt\": false"));
    }
}
