package org.sentence4j.graphs.bert;

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
}
