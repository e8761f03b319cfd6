package org.sentence4j.graphs.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Hugging Face {@code tokenizer.json}: the raw bytes plus the few facts this project reads from it (normalizer
 * flags, special tokens, padding id).
 */
public final class TokenizerJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final byte[] bytes;
    private final JsonNode root;

    private TokenizerJson(byte[] bytes, JsonNode root) {
        this.bytes = bytes;
        this.root = root;
    }

    /**
     * Parses a tokenizer.json.
     *
     * @param source named in the error message
     * @throws IOException when the bytes are not a tokenizers JSON object with a {@code model}
     */
    public static TokenizerJson parse(byte[] bytes, String source) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IOException(source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("model")) {
            throw new IOException(source + " is not a Hugging Face tokenizers file (no \"model\" key)");
        }
        return new TokenizerJson(bytes.clone(), root);
    }

    /** The bytes as read. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public JsonNode root() {
        return root.deepCopy();
    }

    /**
     * The vocabulary: the model's {@code vocab} (a token-to-id object for WordPiece and BPE, a list of
     * pieces for Unigram) and the added tokens. Two tokenizers with equal vocabularies give token ids that
     * mean the same thing, which is what decides whether a guide model can read another model's ids.
     */
    public JsonNode vocabulary() {
        com.fasterxml.jackson.databind.node.ObjectNode v = MAPPER.createObjectNode();
        v.set("vocab", root.path("model").path("vocab").deepCopy());
        v.set("added_tokens", root.path("added_tokens").deepCopy());
        return v;
    }

    /** True when neither truncation nor padding is configured in the file. */
    public boolean truncationAndPaddingOff() {
        return isNull(root.get("truncation")) && isNull(root.get("padding"));
    }

    /**
     * The same file with its top-level {@code truncation} and {@code padding} set to {@code null}; every other byte
     * is kept (the two values are replaced in place, so the file's own formatting survives). The bytes are
     * returned unchanged when both are already null.
     */
    public byte[] withoutTruncationAndPadding() throws IOException {
        if (truncationAndPaddingOff()) {
            return bytes.clone();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        try (JsonParser p = new JsonFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("tokenizer.json is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                int start = (int) p.currentTokenLocation().getCharOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getCharOffset();
                if ((field.equals("truncation") || field.equals("padding")) && value != JsonToken.VALUE_NULL) {
                    out.append(text, copied, start).append("null");
                    copied = end;
                }
            }
        }
        out.append(text, copied, text.length());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The BertNormalizer's (or a Lowercase normalizer's) lowercasing; false for other normalizers. */
    public boolean lowercases() {
        return normalizerFlag("lowercase").orElse(false);
    }

    /**
     * A boolean of the normalizer ({@code lowercase}, {@code handle_chinese_chars}, {@code strip_accents}) when the
     * normalizer is a BertNormalizer (possibly inside a Sequence); empty when absent or null.
     */
    public Optional<Boolean> normalizerFlag(String key) {
        JsonNode bert = bertNormalizer();
        if (bert == null) {
            JsonNode n = root.get("normalizer");
            if (key.equals("lowercase") && n != null && hasType(n, "Lowercase")) {
                return Optional.of(true);
            }
            return Optional.empty();
        }
        JsonNode v = bert.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asBoolean());
    }

    /** True when the normalizer is (or contains) a BertNormalizer. */
    public boolean hasBertNormalizer() {
        return bertNormalizer() != null;
    }

    private JsonNode bertNormalizer() {
        JsonNode n = root.get("normalizer");
        if (n == null || n.isNull()) {
            return null;
        }
        if ("BertNormalizer".equals(n.path("type").asText())) {
            return n;
        }
        if ("Sequence".equals(n.path("type").asText())) {
            for (JsonNode c : n.path("normalizers")) {
                if ("BertNormalizer".equals(c.path("type").asText())) {
                    return c;
                }
            }
        }
        return null;
    }

    private static boolean hasType(JsonNode n, String type) {
        if (type.equals(n.path("type").asText())) {
            return true;
        }
        for (JsonNode c : n.path("normalizers")) {
            if (type.equals(c.path("type").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The id of a token: an added (special) token first, then the model's vocabulary. */
    public Optional<Long> tokenId(String token) {
        for (JsonNode t : root.path("added_tokens")) {
            if (token.equals(t.path("content").asText(null))) {
                return Optional.of(t.path("id").asLong());
            }
        }
        JsonNode v = root.path("model").path("vocab");
        if (v.isObject() && v.has(token)) {
            return Optional.of(v.get(token).asLong());
        }
        return Optional.empty();
    }

    /** True when the token is one of the file's added tokens. */
    public boolean hasAddedToken(String token) {
        for (JsonNode t : root.path("added_tokens")) {
            if (token.equals(t.path("content").asText(null))) {
                return true;
            }
        }
        return false;
    }

    /** The model's unknown token ({@code model.unk_token}), if it has one. */
    public Optional<String> unkToken() {
        JsonNode u = root.path("model").get("unk_token");
        return u == null || u.isNull() ? Optional.empty() : Optional.of(u.asText());
    }

    /**
     * The id used to pad: the file's padding {@code pad_id} if padding is configured, else the id of {@code [PAD]},
     * else of {@code <pad>}, else 0 (padding positions are masked out, so the value only has to be a valid id).
     */
    public long padId() {
        JsonNode padding = root.get("padding");
        if (!isNull(padding) && padding.has("pad_id")) {
            return padding.get("pad_id").asLong();
        }
        return tokenId("[PAD]").or(() -> tokenId("<pad>")).orElse(0L);
    }

    private static boolean isNull(JsonNode n) {
        return n == null || n.isNull();
    }
}
