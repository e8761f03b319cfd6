package org.sentence4j.graphs.bert;

import org.nd4j.linalg.api.ndarray.INDArray;
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
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                         int intermediateSize, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
                         String hiddenAct, double hiddenDropoutProb, double attentionDropoutProb) {

    public BertConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        }
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
        if (batch.sequenceLength() > maxPositionEmbeddings) {
            throw new IllegalArgumentException("sequence length " + batch.sequenceLength() + " exceeds max_position_embeddings "
                    + maxPositionEmbeddings + "; truncate when tokenising");
        }
        requireInRange("token id", batch.inputIds(), vocabSize);
        requireInRange("token type id", batch.tokenTypeIds(), typeVocabSize);
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
