package org.sentence4j.graphs.bert;

import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * One instance of the encoder inside a SameDiff graph (one text column, or the inference branch): its
 * placeholders and its outputs. Feed it with {@link BertEncoder#feed}.
 *
 * @param prefix             the name prefix of its activations and placeholders
 * @param numLayers          how many transformer layers it runs
 * @param training           whether it has dropout-mask placeholders
 * @param inputEmbeddings    placeholder [B, T, H]: the word embeddings of the ids, looked up outside the graph
 * @param attentionMask      placeholder [B, T], 1 for real tokens, in the encoder's data type
 * @param tokenTypeIds       placeholder [B, T], INT64
 * @param dropoutInputs      placeholder of each dropout site ({@link DropoutMasks} site names), empty without dropout
 * @param tokenEmbeddings    the last hidden state [B, T, H] (sentence-transformers' {@code token_embeddings})
 * @param sentenceEmbedding  pooled (and, if configured, L2-normalised) embedding [B, D]
 * @param layerEmbeddings    the same pooling applied to every hidden state: index 0 is the embedding layer's
 *                           output, index {@code numLayers} is {@code sentenceEmbedding}
 */
public record EncoderGraph(String prefix, int numLayers, boolean training, SDVariable inputEmbeddings,
                           SDVariable attentionMask, SDVariable tokenTypeIds, Map<String, SDVariable> dropoutInputs,
                           SDVariable tokenEmbeddings, SDVariable sentenceEmbedding, List<SDVariable> layerEmbeddings) {

    public EncoderGraph {
        dropoutInputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dropoutInputs));
        layerEmbeddings = List.copyOf(layerEmbeddings);
    }
}
