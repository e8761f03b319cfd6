package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Cli.ok("encode", "--model", stModels().resolve("tiny-bert-cls").toString(), "--input", input.toString(),
                "--output", output.toString(), "--batch-size", "3");
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
        Cli.Result missing = Cli.fails("encode", "--output", dir.resolve("x").toString());
        assertTrue(missing.err().contains("Missing required option: '--input"), missing::toString);
        Cli.Result nofile = Cli.fails("encode", "--input", dir.resolve("none.txt").toString(), "--output", "x");
        assertTrue(nofile.err().contains("none.txt: file not found"), nofile::toString);
        Cli.Result unknown = Cli.fails("encode", "--modle", "x");
        assertTrue(unknown.err().contains("unknown option '--modle' (did you mean --model?)"), unknown::toString);
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
        Cli.ok("encode", "--model", arch.resolve(folder).toString(), "--input", input.toString(),
                "--output", output.toString(), "--batch-size", "8");
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
        Cli.ok("encode", "--model", model, "--input", input.toString(), "--output", output.toString(),
                "--prompt-name", "query");
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(prompted.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode got = json.readTree(lines.get(i)).get("embedding");
            JsonNode want = prompted.get(i).get("embedding_f32");
            for (int d = 0; d < want.size(); d++) {
                assertEquals(want.get(d).asDouble(), got.get(d).asDouble(), 1e-5, "text " + i + " dim " + d);
            }
        }
        Cli.Result both = Cli.fails("encode", "--model", model, "--input", input.toString(), "--output",
                dir.resolve("x.jsonl").toString(), "--prompt", "q: ", "--prompt-name", "query");
        assertTrue(both.err().contains("not both"), both::toString);
        Cli.Result unknown = Cli.fails("encode", "--model", model, "--input", input.toString(), "--output",
                dir.resolve("y.jsonl").toString(), "--prompt-name", "search");
        assertTrue(unknown.err().contains("'search'") && unknown.err().contains("document"), unknown::toString);
        // the output was opened before the model loaded (a location that cannot be written fails first) and is
        // removed again: a failed run leaves nothing behind
        try (var left = Files.list(dir)) {
            assertEquals(List.of("query.jsonl", "texts.txt"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
