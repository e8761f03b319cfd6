package org.sentence4j.graphs.io;

import java.io.IOException;
import java.util.Objects;

import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertWeights;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.text.SentenceTokenizer;

/**
 * Everything a sentence-transformers model folder (Transformer, Pooling, optional Normalize) holds, in this
 * project's types: what {@link SentenceTransformerFolder} loads and saves and {@link DefaultModel} provides.
 *
 * @param config        the encoder architecture ({@code config.json})
 * @param weights       the encoder weights, Hugging Face names, PyTorch layout (no pooler)
 * @param tokenizerJson the bytes of the Hugging Face {@code tokenizer.json}
 * @param pooling       the Pooling module
 * @param normalize     whether a Normalize module follows the pooling (unit-length embeddings)
 * @param maxSeqLength  inputs are truncated to this many tokens, {@code [CLS]} and {@code [SEP]} included
 * @param doLowerCase   sentence-transformers' {@code do_lower_case}: lowercase texts before tokenizing (on top of
 *                      whatever the tokenizer's normalizer does)
 * @param prompts       the prompts, default prompt name and similarity function of
 *                      {@code config_sentence_transformers.json}
 * @param originals     the Transformer module's {@code config.json} and {@code tokenizer_config.json} as read
 *                      (written back on save), or {@link TransformerFiles#NONE} for a model that came without them
 */
public record SentenceTransformerModelFiles(BertConfig config, BertWeights weights, byte[] tokenizerJson,
                                            PoolingConfig pooling, boolean normalize, int maxSeqLength,
                                            boolean doLowerCase, PromptConfig prompts, TransformerFiles originals) {

    /** A model with prompts and no original transformer files (a BERT model: they are generated on save). */
    public SentenceTransformerModelFiles(BertConfig config, BertWeights weights, byte[] tokenizerJson, PoolingConfig pooling,
                                         boolean normalize, int maxSeqLength, boolean doLowerCase, PromptConfig prompts) {
        this(config, weights, tokenizerJson, pooling, normalize, maxSeqLength, doLowerCase, prompts, TransformerFiles.NONE);
    }

    /** A model without prompts of its own ({@link PromptConfig#defaults()}). */
    public SentenceTransformerModelFiles(BertConfig config, BertWeights weights, byte[] tokenizerJson, PoolingConfig pooling,
                                         boolean normalize, int maxSeqLength, boolean doLowerCase) {
        this(config, weights, tokenizerJson, pooling, normalize, maxSeqLength, doLowerCase, PromptConfig.defaults());
    }

    public SentenceTransformerModelFiles {
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(originals, "originals");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        Objects.requireNonNull(pooling, "pooling");
        tokenizerJson = tokenizerJson.clone();
        if (maxSeqLength < 2) {
            throw new IllegalArgumentException("maxSeqLength must be at least 2 ([CLS] and [SEP]): " + maxSeqLength);
        }
        if (pooling.embeddingDimension() != config.hiddenSize()) {
            throw new IllegalArgumentException("the pooling's embedding dimension " + pooling.embeddingDimension()
                    + " differs from the encoder's hidden size " + config.hiddenSize());
        }
    }

    /** The same model with other encoder weights (e.g. after training). */
    public SentenceTransformerModelFiles withWeights(BertWeights newWeights) {
        return new SentenceTransformerModelFiles(config, newWeights, tokenizerJson, pooling, normalize, maxSeqLength,
                doLowerCase, prompts, originals);
    }

    /** A copy of the tokenizer.json bytes. */
    @Override
    public byte[] tokenizerJson() {
        return tokenizerJson.clone();
    }

    /** A new tokenizer for this model (truncation at {@link #maxSeqLength()}, {@link #doLowerCase()}); close it. */
    public SentenceTokenizer newTokenizer() throws IOException {
        return SentenceTokenizer.fromBytes(tokenizerJson, "tokenizer.json", maxSeqLength, doLowerCase,
                originals.padToken().orElse(null));
    }

    /** Width of the sentence embedding. */
    public int embeddingDimension() {
        return config.dense().isEmpty() ? pooling.outputDimension() : config.dense().get(config.dense().size() - 1).out();
    }
}
