package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sentence4j.graphs.TestData;

/** {@code ./sentence4j encode} on a real sentence-transformers folder, against the Python library's embeddings. */
class EncodeCommandTest {

    private static Path stModels() {
        return TestData.stModels();
    }

    @Test
    void writesOneJsonObjectPerTextInInputOrder(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> expected = Files.readAllLines(stModels().resolve("expected.jsonl"), StandardCharsets.UTF_8).stream()
                .map(l -> {
                    try {
                        return json.readTree(l);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .filter(n -> n.get("model").asText().equals("tiny-bert-cls") && !n.get("text").asText().contains("\n"))
                .toList();
        Path input = dir.resolve("texts.txt");
        Files.write(input, expected.stream().map(n -> n.get("text").asText()).toList(), StandardCharsets.UTF_8);
        Path output = dir.resolve("out/embeddings.jsonl");
        EncodeCommand.run(new String[] {"--model", stModels().resolve("tiny-bert-cls").toString(), "--input", input.toString(),
                "--output", output.toString(), "--batch-size", "3"});
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(expected.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode got = json.readTree(lines.get(i));
            assertEquals(expected.get(i).get("text").asText(), got.get("text").asText());
            JsonNode want = expected.get(i).get("embedding");
            assertEquals(want.size(), got.get("embedding").size());
            for (int d = 0; d < want.size(); d++) {
                assertEquals(want.get(d).asDouble(), got.get("embedding").get(d).asDouble(), 1e-5);
            }
        }
    }

    @Test
    void badCommandLinesSayWhatIsWrong(@TempDir Path dir) {
        Options.UsageException missing = assertThrows(Options.UsageException.class,
                () -> EncodeCommand.run(new String[] {"--output", dir.resolve("x").toString()}));
        assertTrue(missing.getMessage().contains("--input is required"), missing.getMessage());
        Options.UsageException nofile = assertThrows(Options.UsageException.class,
                () -> EncodeCommand.run(new String[] {"--input", dir.resolve("none.txt").toString(), "--output", "x"}));
        assertTrue(nofile.getMessage().contains("input file not found"), nofile.getMessage());
        Options.UsageException unknown = assertThrows(Options.UsageException.class,
                () -> EncodeCommand.run(new String[] {"--modle", "x"}));
        assertTrue(unknown.getMessage().contains("unknown option --modle"), unknown.getMessage());
    }

    /** {@code encode --model <folder>} for each architecture folder of st-architectures: the library's embeddings. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tiny-xlm-roberta-mean", "tiny-roberta-cls", "tiny-mpnet-mean",
            "tiny-distilbert-mean", "tiny-modernbert-mean", "tiny-bert-dense"})
    void eachArchitectureFolderEncodesAsTheLibrary(String folder, @TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path arch = TestData.fixtures("st-architectures");
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(arch.resolve("expected/" + folder + ".jsonl"), StandardCharsets.UTF_8)) {
            JsonNode n = json.readTree(l);
            if (n.get("kind").asText().equals("text") && !n.get("text").asText().contains("\n")
                    && !n.get("text").asText().contains("\r")) {
                rows.add(n);
            }
        }
        Path input = dir.resolve("texts.txt");
        Files.write(input, rows.stream().map(n -> n.get("text").asText()).toList(), StandardCharsets.UTF_8);
        Path output = dir.resolve("out.jsonl");
        EncodeCommand.run(new String[] {"--model", arch.resolve(folder).toString(), "--input", input.toString(),
                "--output", output.toString(), "--batch-size", "8"});
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(rows.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode got = json.readTree(lines.get(i)).get("embedding");
            JsonNode want = rows.get(i).get("embedding_f32");
            assertEquals(want.size(), got.size());
            for (int d = 0; d < want.size(); d++) {
                assertEquals(want.get(d).asDouble(), got.get(d).asDouble(), 1e-5, folder + " text " + i + " dim " + d);
            }
        }
    }

    /** {@code --prompt-name} with the prompts folder written by sentence-transformers: the library's prompted embeddings. */
    @Test
    void promptNameGivesTheLibrarysPromptedEmbeddings(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path arch = TestData.fixtures("st-architectures");
        List<JsonNode> prompted = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(arch.resolve("expected/tiny-bert-prompts.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode n = json.readTree(l);
            if (n.get("kind").asText().equals("prompt") && n.get("prompt_name").asText().equals("query")
                    && !n.get("text").asText().contains("\n")) {
                prompted.add(n);
            }
        }
        Path input = dir.resolve("texts.txt");
        Files.write(input, prompted.stream().map(n -> n.get("text").asText()).toList(), StandardCharsets.UTF_8);
        Path output = dir.resolve("query.jsonl");
        String model = arch.resolve("tiny-bert-prompts").toString();
        EncodeCommand.run(new String[] {"--model", model, "--input", input.toString(), "--output", output.toString(),
                "--prompt-name", "query"});
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(prompted.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode got = json.readTree(lines.get(i)).get("embedding");
            JsonNode want = prompted.get(i).get("embedding_f32");
            for (int d = 0; d < want.size(); d++) {
                assertEquals(want.get(d).asDouble(), got.get(d).asDouble(), 1e-5, "text " + i + " dim " + d);
            }
        }
        Options.UsageException both = org.junit.jupiter.api.Assertions.assertThrows(Options.UsageException.class,
                () -> EncodeCommand.run(new String[] {"--model", model, "--input", input.toString(), "--output",
                        dir.resolve("x.jsonl").toString(), "--prompt", "q: ", "--prompt-name", "query"}));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        Options.UsageException unknown = org.junit.jupiter.api.Assertions.assertThrows(Options.UsageException.class,
                () -> EncodeCommand.run(new String[] {"--model", model, "--input", input.toString(), "--output",
                        dir.resolve("y.jsonl").toString(), "--prompt-name", "search"}));
        assertTrue(unknown.getMessage().contains("'search'") && unknown.getMessage().contains("document"), unknown.getMessage());
    }
}
