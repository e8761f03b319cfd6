package org.sentence4j.graphs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.sentence4j.graphs.TestData;

class SentenceTokenizerTest {

    private static final String JAR_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private static SentenceTokenizer jar;
    private static SentenceTokenizer folder;

    @BeforeAll
    static void load() throws IOException {
        jar = SentenceTokenizer.fromResource(JAR_TOKENIZER, 256, false);
        folder = SentenceTokenizer.fromFile(
                TestData.stModels().resolve("tiny-bert-mean").resolve("tokenizer.json"), 256, false);
    }

    @AfterAll
    static void close() {
        jar.close();
        folder.close();
    }

    @Test
    void knownSentences() {
        assertArrayEquals(new long[]{101, 1037, 2158, 2003, 5983, 2833, 1012, 102}, jar.encode("A man is eating food."));
        assertArrayEquals(new long[]{101, 1037, 2158, 2003, 5983, 1037, 3538, 1997, 7852, 1012, 102},
                jar.encode("A man is eating a piece of bread."));
        assertArrayEquals(new String[]{"[CLS]", "a", "man", "is", "eating", "food", ".", "[SEP]"},
                jar.tokens("A man is eating food."));
    }

    /**
     * What the GIST losses' guide model is given: the same vocabulary means the ids can be shared; otherwise
     * the batch is decoded (special tokens and padding left out, truncation kept) and re-tokenized.
     */
    @Test
    void vocabularyComparisonAndDecodeForRetokenizing() throws IOException {
        assertTrue(jar.sameVocabulary(folder), "the st-models tokenizer is all-MiniLM-L6-v2's");
        try (SentenceTokenizer shortOne = SentenceTokenizer.fromResource(JAR_TOKENIZER, 6, false);
             SentenceTokenizer other = SentenceTokenizer.fromBytes(
                     "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\", \"max_input_chars_per_word\": 100, \"vocab\": {\"[UNK]\": 0, \"a\": 1}}}"
                             .getBytes(StandardCharsets.UTF_8), "inline", 8, false)) {
            assertTrue(shortOne.sameVocabulary(jar), "the length limit is not part of the vocabulary");
            assertFalse(other.sameVocabulary(jar));
            TokenBatch batch = shortOne.tokenize(List.of("A man is eating a piece of bread.", "Café naïve"));
            assertEquals(List.of("a man is eating", "cafe naive"), jar.decode(batch));
        }
    }

    @Test
    void readmeExamples() {
        for (SentenceTokenizer t : List.of(jar, folder)) {
            assertArrayEquals(new String[]{"[CLS]", "cafe", "naive", "[SEP]"}, t.tokens("Café naïve"));
            assertArrayEquals(new long[]{101, 1855, 100, 100, 100, 100, 100, 100, 100, 102}, t.encode("我爱自然语言处理"));
            assertArrayEquals(new long[]{101, 102}, t.encode(""));
            assertArrayEquals(new long[]{101, 102}, t.encode("   "));
            assertArrayEquals(new long[]{101, 102}, t.encode("\t\n"));
        }
    }

    @Test
    void reproducesEveryExpectedInputIdsLine() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = Files.readAllLines(TestData.stModels().resolve("expected.jsonl"),
                StandardCharsets.UTF_8);
        assertEquals(63, lines.size());
        int checked = 0;
        int longOnes = 0;
        List<String> texts = new ArrayList<>();
        List<long[]> expectedIds = new ArrayList<>();
        for (String line : lines) {
            JsonNode row = mapper.readTree(line);
            String text = row.get("text").asText();
            long[] expected = new long[row.get("input_ids").size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = row.get("input_ids").get(i).asLong();
            }
            assertArrayEquals(expected, folder.encode(text), "text: " + text);
            // the jar's tokenizer.json is the same tokenizer once its own truncation/padding are overridden
            assertArrayEquals(expected, jar.encode(text), "jar tokenizer, text: " + text);
            if (expected.length == 256) {
                longOnes++;
            }
            texts.add(text);
            expectedIds.add(expected);
            checked++;
        }
        assertEquals(63, checked);
        assertEquals(6, longOnes, "two texts x three folders are truncated to exactly 256 ids");

        // the same rows as one padded batch
        TokenBatch batch = folder.tokenize(texts.subList(0, 21));
        assertEquals(256, batch.sequenceLength());
        for (int r = 0; r < 21; r++) {
            long[] ids = batch.inputIds().getRow(r).toLongVector();
            long[] mask = batch.attentionMask().getRow(r).toLongVector();
            long[] want = expectedIds.get(r);
            assertArrayEquals(want, Arrays.copyOf(ids, want.length));
            for (int j = 0; j < 256; j++) {
                assertEquals(j < want.length ? 1 : 0, mask[j]);
                if (j >= want.length) {
                    assertEquals(0, ids[j], "padding id");
                }
            }
        }
    }

    @Test
    void jarTokenizerTruncatesAt256NotItsOwn128() throws IOException {
        String longText = "word ".repeat(600);
        long[] ids = jar.encode(longText);
        assertEquals(256, ids.length);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[255]);
        // and no fixed padding to 128 for short texts
        assertEquals(8, jar.encode("A man is eating food.").length);
        try (SentenceTokenizer t = SentenceTokenizer.fromResource(JAR_TOKENIZER, 512, false)) {
            assertEquals(512, t.encode(longText).length);
        }
        try (SentenceTokenizer t = SentenceTokenizer.fromResource(JAR_TOKENIZER, 1000, false)) {
            // above DJL's default model length of 512: still honoured
            assertEquals(602, t.encode(longText).length);
        }
    }

    @Test
    void batchesArePaddedToTheLongest() {
        TokenBatch b = jar.tokenize(List.of("A man is eating food.", "A man is eating a piece of bread.", ""));
        assertEquals(3, b.batchSize());
        assertEquals(11, b.sequenceLength());
        assertEquals(DataType.LONG, b.inputIds().dataType());
        assertEquals(DataType.LONG, b.attentionMask().dataType());
        assertEquals(DataType.LONG, b.tokenTypeIds().dataType());
        assertArrayEquals(new long[]{101, 1037, 2158, 2003, 5983, 2833, 1012, 102, 0, 0, 0},
                b.inputIds().getRow(0).toLongVector());
        assertArrayEquals(new long[]{1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, b.attentionMask().getRow(0).toLongVector());
        assertArrayEquals(new long[]{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, b.attentionMask().getRow(2).toLongVector());
        assertEquals(0, b.tokenTypeIds().sumNumber().longValue());
        assertEquals(8 + 11 + 2, b.attentionMask().sumNumber().longValue());
        assertThrows(IllegalArgumentException.class, () -> jar.tokenize(List.of()));
    }

    @Test
    void doLowerCaseLowercasesBeforeACasedTokenizer() throws IOException {
        // a cased variant of the same tokenizer: BertNormalizer with lowercase false
        String json = new String(SentenceTokenizer.readResource(JAR_TOKENIZER), StandardCharsets.UTF_8);
        String cased = json.replaceFirst("\"lowercase\": true", "\"lowercase\": false");
        assertFalse(json.equals(cased));
        byte[] bytes = cased.getBytes(StandardCharsets.UTF_8);
        try (SentenceTokenizer plain = SentenceTokenizer.fromBytes(bytes, "cased", 128, false);
             SentenceTokenizer lower = SentenceTokenizer.fromBytes(bytes, "cased", 128, true)) {
            assertEquals(100, plain.encode("Man")[1], "'Man' is not in the uncased vocabulary");
            assertArrayEquals(jar.encode("A Man"), lower.encode("A Man"));
            assertTrue(lower.doLowerCase());
            assertEquals(128, lower.maxSeqLength());
        }
    }

    @Test
    void tokenizerJsonOverridesKeepEveryOtherByte() throws IOException {
        byte[] original = SentenceTokenizer.readResource(JAR_TOKENIZER);
        TokenizerJson t = TokenizerJson.parse(original, JAR_TOKENIZER);
        assertFalse(t.truncationAndPaddingOff());
        byte[] off = t.withoutTruncationAndPadding();
        TokenizerJson o = TokenizerJson.parse(off, "off");
        assertTrue(o.truncationAndPaddingOff());
        assertEquals(((ObjectNode) t.root()).without(List.of("truncation", "padding")),
                ((ObjectNode) o.root()).without(List.of("truncation", "padding")));
        assertArrayEquals(off, o.withoutTruncationAndPadding(), "idempotent");
        assertTrue(t.lowercases());
        assertEquals(0L, t.padId());
        assertEquals(101L, t.tokenId("[CLS]").orElseThrow());
        // the folder copy (written by Python with both off) is the jar copy with both switched off, byte for byte
        byte[] folderBytes = Files.readAllBytes(
                TestData.stModels().resolve("tiny-bert-mean").resolve("tokenizer.json"));
        assertEquals(TokenizerJson.parse(folderBytes, "folder").root(), o.root());
        assertArrayEquals(folderBytes, off);
        assertThrows(IOException.class, () -> TokenizerJson.parse("{}".getBytes(StandardCharsets.UTF_8), "x"));
        assertThrows(IOException.class, () -> SentenceTokenizer.fromResource("no-such-tokenizer.json", 8, false));
        Path none = Path.of("no", "such", "tokenizer.json");
        assertThrows(IOException.class, () -> SentenceTokenizer.fromFile(none, 8, false));
    }
}
