package org.sentence4j.graphs.bert;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.pooling.DenseLayer;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * The architecture of a BERT-family encoder, as read from a Hugging Face {@code config.json}.
 *
 * @param vocabSize             {@code vocab_size}
 * @param hiddenSize            {@code hidden_size}
 * @param numHiddenLayers       {@code num_hidden_layers}
 * @param numAttentionHeads     {@code num_attention_heads}
 * @param intermediateSize      {@code intermediate_size}
 * @param maxPositionEmbeddings {@code max_position_embeddings}
 * @param typeVocabSize         {@code type_vocab_size}
 * @param layerNormEps          {@code layer_norm_eps}
 * @param hiddenAct             {@code hidden_act} (only the exact erf {@code gelu} is supported)
 * @param hiddenDropoutProb     {@code hidden_dropout_prob}
 * @param attentionDropoutProb  {@code attention_probs_dropout_prob}
 * @param architecture          which member of the family ({@link EncoderArchitecture}): position ids, token
 *                              types, relative attention bias, tensor names
 * @param padTokenId            the padding id that position ids count from (RoBERTa, XLM-R, MPNet); unused by BERT
 * @param relativeAttentionBuckets rows of MPNet's relative-position table ({@code relative_attention_num_buckets});
 *                              0 for the others
 * @param dense                 the Dense modules after pooling, in order (their parameters are trained and saved
 *                              with the encoder's; see {@link DenseLayer}); empty for most models
 * @param modern                ModernBERT's layer kinds and rotary bases; null for the post-LayerNorm family
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                         int intermediateSize, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
                         String hiddenAct, double hiddenDropoutProb, double attentionDropoutProb,
                         EncoderArchitecture architecture, int padTokenId, int relativeAttentionBuckets,
                         List<DenseLayer> dense, ModernBertSettings modern) {

    public BertConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        }
        dense = List.copyOf(dense);
        if (architecture == null) {
            throw new IllegalArgumentException("architecture is required");
        }
        if (architecture.modernBlock() != (modern != null)) {
            throw new IllegalArgumentException(architecture.modelClass() + (modern == null ? " needs" : " takes no")
                    + " ModernBERT settings");
        }
        if (modern != null && modern.globalLayers().size() != numHiddenLayers) {
            throw new IllegalArgumentException("layer_types names " + modern.globalLayers().size() + " layers, but there are "
                    + numHiddenLayers);
        }
        if (architecture.tokenTypes() && typeVocabSize < 1) {
            throw new IllegalArgumentException(architecture.modelClass() + " needs type_vocab_size >= 1, not " + typeVocabSize);
        }
        if (architecture.relativeAttentionBias() && relativeAttentionBuckets < EncoderArchitecture.MPNET_NUM_BUCKETS) {
            throw new IllegalArgumentException("relative_attention_num_buckets must be at least "
                    + EncoderArchitecture.MPNET_NUM_BUCKETS + ", not " + relativeAttentionBuckets);
        }
        if (architecture.paddingOffsetPositions() && (padTokenId < 0 || padTokenId >= maxPositionEmbeddings)) {
            throw new IllegalArgumentException("pad_token_id " + padTokenId + " is outside the position table of "
                    + maxPositionEmbeddings + " rows");
        }
    }

    /** A BERT ({@code BertModel}) configuration. */
    public BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads, int intermediateSize,
                      int maxPositionEmbeddings, int typeVocabSize, double layerNormEps, String hiddenAct,
                      double hiddenDropoutProb, double attentionDropoutProb) {
        this(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, maxPositionEmbeddings,
                typeVocabSize, layerNormEps, hiddenAct, hiddenDropoutProb, attentionDropoutProb, EncoderArchitecture.BERT,
                0, 0, List.of(), null);
    }

    /** The same encoder with these Dense modules after pooling. */
    public BertConfig withDense(List<DenseLayer> layers) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenAct, hiddenDropoutProb, attentionDropoutProb,
                architecture, padTokenId, relativeAttentionBuckets, layers, modern);
    }

    /**
     * The same encoder with {@code layers} transformer layers (the weights must be chosen to match: see
     * {@code SentenceTransformerModelFiles.withLayers}); not for ModernBERT, whose layer kinds are per layer.
     */
    public BertConfig withNumHiddenLayers(int layers) {
        if (modern != null) {
            throw new IllegalArgumentException("ModernBERT's layers have kinds of their own (global or local attention); "
                    + "dropping layers is supported for the BERT family only");
        }
        if (layers < 1) {
            throw new IllegalArgumentException("a model needs at least one transformer layer, not " + layers);
        }
        return new BertConfig(vocabSize, hiddenSize, layers, numAttentionHeads, intermediateSize,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenAct, hiddenDropoutProb, attentionDropoutProb,
                architecture, padTokenId, relativeAttentionBuckets, dense, modern);
    }

    /** The same sizes as another architecture of the family. */
    public BertConfig withArchitecture(EncoderArchitecture arch, int padTokenId, int relativeAttentionBuckets) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                maxPositionEmbeddings, arch.tokenTypes() ? Math.max(1, typeVocabSize) : 0, layerNormEps, hiddenAct,
                hiddenDropoutProb, attentionDropoutProb, arch, padTokenId, relativeAttentionBuckets, dense, modern);
    }

    /**
     * The longest sequence the position table serves: all rows for absolute positions, fewer when positions start
     * past the padding id.
     */
    public int maxSequenceLength() {
        return architecture.paddingOffsetPositions() ? maxPositionEmbeddings - padTokenId - 1 : maxPositionEmbeddings;
    }

    /** Width of one attention head. */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** A clear error unless {@code numLayers} is between 0 and the number of transformer layers. */
    public void checkLayerCount(int numLayers) {
        if (numLayers < 0 || numLayers > numHiddenLayers) {
            throw new IllegalArgumentException("numLayers must be in [0, " + numHiddenLayers + "], not " + numLayers);
        }
    }

    /**
     * A clear error unless a batch fits this architecture: its length within the position table, its token
     * and token-type ids within their vocabularies (what would otherwise surface as an index error deep in
     * ND4J, or silently read another row).
     */
    public void checkBatch(TokenBatch batch) {
        if (batch.sequenceLength() > maxSequenceLength()) {
            throw new IllegalArgumentException("sequence length " + batch.sequenceLength() + " exceeds the "
                    + maxSequenceLength() + " positions of max_position_embeddings " + maxPositionEmbeddings
                    + "; truncate when tokenising");
        }
        requireInRange("token id", batch.inputIds(), vocabSize);
        if (architecture.tokenTypes()) {
            requireInRange("token type id", batch.tokenTypeIds(), typeVocabSize);
        }
    }

    /** A clear error unless every id is in [0, size). */
    static void requireInRange(String what, INDArray ids, long size) {
        if (ids.length() == 0) {
            return;
        }
        long min = ids.minNumber().longValue();
        long max = ids.maxNumber().longValue();
        if (min < 0 || max >= size) {
            throw new IllegalArgumentException(what + "s must be in [0, " + size + "), found " + (min < 0 ? min : max));
        }
    }
}
