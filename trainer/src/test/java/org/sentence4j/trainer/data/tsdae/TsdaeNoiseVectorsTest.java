package org.sentence4j.trainer.data.tsdae;

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
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.sentence4j.trainer.TestData;

/**
 * Every vector of a directory of TSDAE noise vectors (by default the repository's
 * {@code testdata/fixtures/tsdae-noise}, NLTK 3.10.3 and sentence-transformers 6.0.1; another directory in the
 * same format with {@code -Dfixtures.tsdae=<dir>}), one test per line, named after file and line:
 * <ul>
 *   <li>{@code tokenize.jsonl}: {@code tokens == tokenize(text)};</li>
 *   <li>{@code detokenize.jsonl}: {@code text == detokenize(tokens)};</li>
 *   <li>{@code roundtrip.jsonl}: {@code tokens == tokenize(text)} and {@code detokenized == detokenize(tokens)};</li>
 *   <li>{@code noise.jsonl}: {@code tokens == tokenize(text)}, one {@code keep} flag per token with at least
 *       one set, and {@code noisy == DenoisingNoise.applyMask(text, keep)}.</li>
 * </ul>
 * All four files must be there and hold vectors. The number of vectors passed per file is printed at the end.
 */
class TsdaeNoiseVectorsTest {

    static final List<String> FILES = List.of("tokenize.jsonl", "detokenize.jsonl", "roundtrip.jsonl", "noise.jsonl");
    /** The vectors per file of the repository's copy (shared/fixtures/tsdae-noise, public set). */
    static final Map<String, Integer> REPOSITORY_COUNTS = Map.of(
            "tokenize.jsonl", 323, "detokenize.jsonl", 356, "roundtrip.jsonl", 323, "noise.jsonl", 321);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TreebankWordTokenizer TOKENIZER = new TreebankWordTokenizer();
    private static final TreebankWordDetokenizer DETOKENIZER = new TreebankWordDetokenizer();
    private static final Map<String, AtomicInteger> PASSED = new TreeMap<>();
    private static Path directory;

    @TestFactory
    Stream<DynamicNode> everyVector() throws IOException {
        directory = TestData.tsdaeNoise();
        List<DynamicNode> files = new ArrayList<>();
        for (String file : FILES) {
            Path path = directory.resolve(file);
            if (!Files.isRegularFile(path)) {
                files.add(DynamicTest.dynamicTest(file, () -> {
                    throw new AssertionError(path + " is missing: a TSDAE vector directory holds " + FILES);
                }));
                continue;
            }
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            AtomicInteger passed = PASSED.computeIfAbsent(file, f -> new AtomicInteger());
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest(file + " holds vectors",
                    () -> assertTrue(lines.stream().anyMatch(l -> !l.isBlank()), path + " holds no vector")));
            IntStream.range(0, lines.size()).filter(i -> !lines.get(i).isBlank()).forEach(i -> {
                String where = file + ":" + (i + 1);
                tests.add(DynamicTest.dynamicTest(where + " " + preview(lines.get(i)), () -> {
                    check(file, where, JSON.readTree(lines.get(i)));
                    passed.incrementAndGet();
                }));
            });
            files.add(DynamicContainer.dynamicContainer(file, tests));
        }
        return files.stream();
    }

    @AfterAll
    static void summary() {
        StringBuilder sb = new StringBuilder("TSDAE noise vectors passed (" + directory + "):");
        PASSED.forEach((f, n) -> sb.append(' ').append(f).append(' ').append(n.get()).append(','));
        System.out.println(sb.substring(0, sb.length() - 1));
    }

    private static void check(String file, String where, JsonNode v) {
        switch (file) {
            case "tokenize.jsonl" -> assertEquals(strings(v.get("tokens")), TOKENIZER.tokenize(text(v, "text")),
                    () -> where + ": tokenize(" + quoted(text(v, "text")) + ")");
            case "detokenize.jsonl" -> assertEquals(text(v, "text"), DETOKENIZER.detokenize(strings(v.get("tokens"))),
                    () -> where + ": detokenize(" + v.get("tokens") + ")");
            case "roundtrip.jsonl" -> {
                List<String> tokens = strings(v.get("tokens"));
                assertEquals(tokens, TOKENIZER.tokenize(text(v, "text")),
                        () -> where + ": tokenize(" + quoted(text(v, "text")) + ")");
                assertEquals(text(v, "detokenized"), DETOKENIZER.detokenize(tokens),
                        () -> where + ": detokenize(" + v.get("tokens") + ")");
            }
            case "noise.jsonl" -> {
                List<String> tokens = strings(v.get("tokens"));
                assertEquals(tokens, TOKENIZER.tokenize(text(v, "text")),
                        () -> where + ": tokenize(" + quoted(text(v, "text")) + ")");
                JsonNode keepNode = v.get("keep");
                boolean[] keep = new boolean[keepNode.size()];
                boolean any = false;
                for (int i = 0; i < keep.length; i++) {
                    assertTrue(keepNode.get(i).isBoolean(), where + ": keep holds booleans");
                    keep[i] = keepNode.get(i).booleanValue();
                    any |= keep[i];
                }
                assertEquals(tokens.size(), keep.length, where + ": one keep flag per token");
                assertTrue(any, where + ": the noise keeps at least one word");
                assertEquals(text(v, "noisy"), DenoisingNoise.applyMask(text(v, "text"), keep),
                        () -> where + ": applyMask(" + quoted(text(v, "text")) + ", " + keepNode + ")");
            }
            default -> throw new IllegalArgumentException(file);
        }
    }

    /** The repository's copy is complete, whatever -Dfixtures.tsdae points at. */
    @Test
    void theRepositoryCopyHoldsEveryVector() throws IOException {
        Path dir = TestData.repositoryTsdaeNoise();
        for (String file : FILES) {
            long n = Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).count();
            assertEquals((long) REPOSITORY_COUNTS.get(file), n, dir.resolve(file).toString());
        }
        assertTrue(Files.isRegularFile(dir.resolve("rules.json")) && Files.isRegularFile(dir.resolve("README.md")));
    }

    @Test
    void aPropertyNamingNoDirectoryIsAnError(@TempDir Path tmp) {
        String before = System.getProperty(TestData.TSDAE_PROPERTY);
        String missing = tmp.resolve("no-such-dir").toString();
        System.setProperty(TestData.TSDAE_PROPERTY, missing);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, TestData::tsdaeNoise);
            assertTrue(e.getMessage().contains("-D" + TestData.TSDAE_PROPERTY + "=" + missing), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(TestData.TSDAE_PROPERTY);
            } else {
                System.setProperty(TestData.TSDAE_PROPERTY, before);
            }
        }
    }

    private static String text(JsonNode v, String field) {
        JsonNode n = v.get(field);
        if (n == null || !n.isTextual()) {
            throw new AssertionError("the vector has no text field '" + field + "': " + v);
        }
        return n.textValue();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(n -> out.add(n.textValue()));
        return out;
    }

    /** The vector's first text, short and with invisible characters escaped, for the test's display name. */
    private static String preview(String line) {
        try {
            JsonNode v = JSON.readTree(line);
            String t = v.has("text") ? v.get("text").textValue() : String.join(" ", strings(v.get("tokens")));
            String q = quoted(t);
            return q.length() > 60 ? q.substring(0, 57) + "...\"" : q;
        } catch (IOException | RuntimeException e) {
            return "(unreadable line)";
        }
    }

    /** {@code text} in quotes, with control, format, separator and other invisible characters as \\uXXXX. */
    static String quoted(String text) {
        StringBuilder sb = new StringBuilder("\"");
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean invisible = type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE || type == Character.UNASSIGNED
                    || (type == Character.SPACE_SEPARATOR && cp != ' ');
            if (invisible || cp == '"' || cp == '\\') {
                if (cp == '"' || cp == '\\') {
                    sb.append('\\').appendCodePoint(cp);
                } else {
                    for (char c : Character.toChars(cp)) {
                        sb.append(String.format("\\u%04X", (int) c));
                    }
                }
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }
}
