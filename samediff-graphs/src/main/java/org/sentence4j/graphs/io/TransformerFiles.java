package org.sentence4j.graphs.io;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Transformer module's {@code config.json} and {@code tokenizer_config.json} exactly as a folder held them.
 *
 * <p>Why keep the bytes: those files carry many keys sentence4j does not compute with (token names, ids of
 * special tokens, the tokenizer class that transformers rebuilds the tokenizer with, architecture-specific
 * settings); writing them back unchanged is the only way a saved folder loads in Python as the original did.
 * Either may be null (a model built in Java, e.g. the embedded ONNX models, has neither: the BERT files are
 * generated on save).
 *
 * @param configJson          the bytes of config.json, or null
 * @param tokenizerConfigJson the bytes of tokenizer_config.json, or null
 */
public record TransformerFiles(byte[] configJson, byte[] tokenizerConfigJson) {

    /** No original files. */
    public static final TransformerFiles NONE = new TransformerFiles(null, null);

    public TransformerFiles {
        configJson = configJson == null ? null : configJson.clone();
        tokenizerConfigJson = tokenizerConfigJson == null ? null : tokenizerConfigJson.clone();
    }

    @Override
    public byte[] configJson() {
        return configJson == null ? null : configJson.clone();
    }

    @Override
    public byte[] tokenizerConfigJson() {
        return tokenizerConfigJson == null ? null : tokenizerConfigJson.clone();
    }

    /**
     * The padding token named by tokenizer_config.json ({@code pad_token}, a string or an added-token object), if
     * any: what transformers pads with, which matters where position ids count from the padding id.
     */
    public Optional<String> padToken() {
        if (tokenizerConfigJson == null) {
            return Optional.empty();
        }
        try {
            JsonNode pad = PyJson.MAPPER.readTree(tokenizerConfigJson).get("pad_token");
            if (pad == null || pad.isNull()) {
                return Optional.empty();
            }
            return Optional.of(pad.isObject() ? pad.path("content").asText() : pad.asText());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
