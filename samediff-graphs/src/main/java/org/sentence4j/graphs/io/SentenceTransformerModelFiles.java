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
 * @param weights       the encoder weights, Hugging Face names, PyTorch layout, plus the source's pooler if it had
 *                      one (not a parameter: never trained, written back as read; see {@link PoolerTensors})
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

    /**
     * The same model with other encoder weights (e.g. after training). The pooler is not trained: when
     * {@code newWeights} has none, this model's is kept, so that the folder saved from them holds the source's.
     */
    public SentenceTransformerModelFiles withWeights(BertWeights newWeights) {
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> tensors = new java.util.LinkedHashMap<>(newWeights.asMap());
        for (String name : org.sentence4j.graphs.bert.BertTensorNames.poolerShapes(config).keySet()) {
            if (!tensors.containsKey(name) && weights.contains(name)) {
                tensors.put(name, weights.get(name));
            }
        }
        return new SentenceTransformerModelFiles(config, new BertWeights(tensors), tokenizerJson, pooling, normalize,
                maxSeqLength, doLowerCase, prompts, originals);
    }

    /**
     * A smaller model that keeps only the transformer layers {@code keep} (indices into this model's layers,
     * strictly increasing), renumbered 0, 1, ...; embeddings, pooler, pooling, Dense modules and tokenizer unchanged.
     * This is how sentence-transformers' distillation example makes a student from its teacher (deleting
     * layers of {@code auto_model.encoder.layer}): the student starts close to the teacher and trains fast.
     * An original {@code config.json} is kept with its {@code num_hidden_layers} changed, so the saved folder
     * loads in transformers as the smaller model.
     */
    public SentenceTransformerModelFiles withLayers(int... keep) {
        if (keep == null || keep.length == 0) {
            throw new IllegalArgumentException("keep at least one transformer layer");
        }
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] < 0 || keep[i] >= config.numHiddenLayers()) {
                throw new IllegalArgumentException("layer " + keep[i] + " does not exist: the model has layers 0 to "
                        + (config.numHiddenLayers() - 1));
            }
            if (i > 0 && keep[i] <= keep[i - 1]) {
                throw new IllegalArgumentException("the layers to keep must be strictly increasing: "
                        + java.util.Arrays.toString(keep));
            }
        }
        BertConfig smaller = config.withNumHiddenLayers(keep.length);
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> tensors = new java.util.LinkedHashMap<>();
        String layerPrefix = "encoder.layer.";
        weights.asMap().forEach((name, value) -> {
            if (!name.startsWith(layerPrefix)) {
                tensors.put(name, value);
                return;
            }
            int dot = name.indexOf('.', layerPrefix.length());
            int layer = Integer.parseInt(name.substring(layerPrefix.length(), dot));
            for (int i = 0; i < keep.length; i++) {
                if (keep[i] == layer) {
                    tensors.put(layerPrefix + i + name.substring(dot), value);
                }
            }
        });
        TransformerFiles kept = originals;
        if (originals.configJson() != null) {
            try {
                com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                        PyJson.MAPPER.readTree(originals.configJson());
                json.put("num_hidden_layers", keep.length);
                kept = new TransformerFiles((PyJson.dumps(json, 2, true, true) + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), originals.tokenizerConfigJson());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot rewrite the model's config.json: " + e.getMessage(), e);
            }
        }
        return new SentenceTransformerModelFiles(smaller, new BertWeights(tensors), tokenizerJson, pooling, normalize,
                maxSeqLength, doLowerCase, prompts, kept);
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
