package org.sentence4j.graphs.bert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.pooling.Pooling;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.sd.SdMath;

import static org.sentence4j.graphs.bert.BertTensorNames.*;

/**
 * Writes the activations of one {@link EncoderGraph} into a SameDiff graph whose parameter variables
 * already exist. Hugging Face's {@code BertModel} forward, module by module, with dynamic batch B and
 * sequence length T. Hidden states are kept flat as [B*T, H] so that every dense layer is a single 2-D
 * matrix product; attention reshapes to [B, heads, T, head] and runs as batched products (no loop over
 * heads). Linear weights stay in PyTorch's [out, in] layout and are used through a transposed product.
 */
final class BertGraphBuilder {

    /** Added to the attention scores of padding keys: exp underflows to exactly 0 in float32 and float64. */
    private static final double MASKED_SCORE = SdMath.NEG_LARGE;

    private final SameDiff sd;
    private final BertConfig config;
    private final Function<String, SDVariable> param;
    private final DataType dataType;
    private final String prefix;
    private final Map<String, SDVariable> dropout = new LinkedHashMap<>();

    /** Sizes read from the input at run time: [B, T, H], [B, T], [B*T, H]-compatible pieces. */
    private SDVariable shapeBTH;
    private SDVariable batchSize;
    private SDVariable seqLen;

    BertGraphBuilder(SameDiff sd, BertConfig config, Function<String, SDVariable> param, DataType dataType,
                     String prefix) {
        this.sd = sd;
        this.config = config;
        this.param = param;
        this.dataType = dataType;
        this.prefix = prefix;
    }

    EncoderGraph build(int numLayers, boolean training, PoolingConfig pooling, boolean normalize) {
        int h = config.hiddenSize();
        SDVariable input = sd.placeHolder(prefix + "input_embeddings", dataType, -1, -1, h);
        SDVariable mask = sd.placeHolder(prefix + "attention_mask", dataType, -1, -1);
        SDVariable types = sd.placeHolder(prefix + "token_type_ids", DataType.INT64, -1, -1);
        shapeBTH = sd.shape(input);
        batchSize = sd.slice(shapeBTH, new int[] {0}, 1);
        seqLen = sd.slice(shapeBTH, new int[] {1}, 1);
        if (training) {
            DropoutMasks.sites(config, numLayers, -1, -1).forEach((site, shape) ->
                    dropout.put(site, sd.placeHolder(prefix + "dropout/" + site, dataType, shape)));
        }

        List<SDVariable> hidden = new ArrayList<>();
        SDVariable x = embeddings(input, types);
        hidden.add(x);
        SDVariable attentionBias = attentionBias(mask);
        for (int l = 0; l < numLayers; l++) {
            x = layer(l, x, attentionBias);
            hidden.add(x);
        }

        List<SDVariable> pooled = new ArrayList<>();
        SDVariable tokenEmbeddings = null;
        for (int i = 0; i <= numLayers; i++) {
            boolean last = i == numLayers;
            SDVariable tokens = sd.reshape(hidden.get(i), shapeBTH);
            SDVariable p = Pooling.pool(sd, tokens, mask, pooling);
            if (normalize) {
                p = SdMath.l2Normalize(sd, p);
            }
            pooled.add(p.rename(prefix + (last ? "sentence_embedding" : "layer_embedding." + i)));
            if (last) {
                tokenEmbeddings = tokens.rename(prefix + "token_embeddings");
            }
        }
        return new EncoderGraph(prefix, numLayers, training, input, mask, types, dropout, tokenEmbeddings,
                pooled.get(numLayers), pooled);
    }

    /** word + position + token type, LayerNorm, dropout; returns [B*T, H]. */
    private SDVariable embeddings(SDVariable input, SDVariable types) {
        int h = config.hiddenSize();
        // positions 0..T-1: a slice of the table with the run-time length (gather has no usable gradient)
        SDVariable sliceSize = sd.concat(0, seqLen, constLong(h));
        SDVariable position = sd.slice(param.apply(POSITION_EMBEDDINGS), constLong(0, 0), sliceSize);
        // token types: one-hot rows times the table, a product whose gradient works
        SDVariable oneHot = sd.oneHot(types, config.typeVocabSize(), -1, 1.0, 0.0, dataType);
        SDVariable typeRows = sd.mmul(sd.reshape(oneHot, -1, config.typeVocabSize()), param.apply(TOKEN_TYPE_EMBEDDINGS));
        SDVariable sum = sd.reshape(input.add(position), -1, h).add(typeRows);
        SDVariable x = layerNorm(sum, EMBEDDINGS_LAYER_NORM_WEIGHT, EMBEDDINGS_LAYER_NORM_BIAS);
        return dropHidden(x, DropoutMasks.EMBEDDINGS);
    }

    /** One {@code BertLayer}: self-attention block then feed-forward block, each with residual + LayerNorm. */
    private SDVariable layer(int l, SDVariable x, SDVariable attentionBias) {
        SDVariable context = selfAttention(l, x, attentionBias);
        SDVariable attended = dense(context, attentionOutput(l, "weight"), attentionOutput(l, "bias"));
        attended = layerNorm(dropHidden(attended, DropoutMasks.attentionOutput(l)).add(x),
                attentionLayerNorm(l, "weight"), attentionLayerNorm(l, "bias"));
        SDVariable inner = SdMath.geluErf(sd, dense(attended, intermediate(l, "weight"), intermediate(l, "bias")));
        SDVariable out = dense(inner, output(l, "weight"), output(l, "bias"));
        return layerNorm(dropHidden(out, DropoutMasks.output(l)).add(attended),
                outputLayerNorm(l, "weight"), outputLayerNorm(l, "bias"));
    }

    /**
     * Multi-head self-attention of layer l on [B*T, H]; returns the concatenated heads [B*T, H]. Q, K and V
     * come from one product with the three weights stacked ([3H, H]), split by a reshape to
     * [B, T, 3, heads, head] and an unstack.
     */
    private SDVariable selfAttention(int l, SDVariable x, SDVariable attentionBias) {
        int heads = config.numAttentionHeads();
        int headSize = config.headSize();
        SDVariable w = sd.concat(0, param.apply(query(l, "weight")), param.apply(key(l, "weight")),
                param.apply(value(l, "weight")));
        SDVariable b = sd.concat(0, param.apply(query(l, "bias")), param.apply(key(l, "bias")),
                param.apply(value(l, "bias")));
        SDVariable qkv = sd.mmul(x, w, false, true, false).add(b);
        SDVariable split = sd.reshape(qkv, sd.concat(0, batchSize, seqLen, constLong(3, heads, headSize)));
        SDVariable[] qkvHeads = sd.unstack(sd.permute(split, 2, 0, 3, 1, 4), 0, 3); // 3 x [B, heads, T, head]
        SDVariable scores = sd.mmul(qkvHeads[0], qkvHeads[1], false, true, false)
                .div(Math.sqrt(headSize)).add(attentionBias);
        SDVariable probs = sd.nn.softmax(scores, 3);
        SDVariable site = dropout.get(DropoutMasks.attentionProbs(l));
        if (site != null) {
            probs = probs.mul(site);
        }
        SDVariable context = sd.permute(sd.mmul(probs, qkvHeads[2]), 0, 2, 1, 3); // [B, T, heads, head]
        return sd.reshape(context, -1, config.hiddenSize());
    }

    /** (1 - mask) * -1e9 as [B, 1, 1, T], added to the scores of every query and head. */
    private SDVariable attentionBias(SDVariable mask) {
        SDVariable bias = mask.rsub(1.0).mul(MASKED_SCORE);
        return sd.reshape(bias, sd.concat(0, batchSize, constLong(1, 1), seqLen));
    }

    /** {@code x W^T + b} with W in PyTorch's [out, in] layout. */
    private SDVariable dense(SDVariable x, String weight, String bias) {
        return sd.mmul(x, param.apply(weight), false, true, false).add(param.apply(bias));
    }

    /**
     * LayerNorm over the hidden dimension. With an epsilon of 1e-10 or less (BERT, MiniLM: 1e-12) this is
     * libnd4j's fused {@code layer_norm}, whose forward and gradient agree with the hand-written form to 1e-12
     * in float64 for activations of ordinary size; it normalises by {@code std + ~1e-12} instead of
     * {@code sqrt(var + eps)}, which differs only for rows whose variance is within a few orders of magnitude
     * of eps (never for hidden states). It replaces nine element-wise ops and their nine backward ops per
     * LayerNorm. A larger epsilon is honoured exactly by {@link SdMath#layerNorm}.
     */
    private SDVariable layerNorm(SDVariable x, String gamma, String beta) {
        if (config.layerNormEps() <= 1e-10 && !Boolean.getBoolean("sentence4j.encoder.exactLayerNorm")) {
            return sd.nn.layerNorm(x, param.apply(gamma), param.apply(beta), false, 1);
        }
        return SdMath.layerNorm(sd, x, param.apply(gamma), param.apply(beta), config.layerNormEps(), 1);
    }

    /** Inverted dropout on a flat [B*T, H] activation, when the graph has a mask for this site. */
    private SDVariable dropHidden(SDVariable x, String siteName) {
        SDVariable site = dropout.get(siteName);
        return site == null ? x : x.mul(sd.reshape(site, -1, config.hiddenSize()));
    }

    /** A constant INT64 vector, the type of {@code sd.shape}, for assembling run-time shapes. */
    private SDVariable constLong(long... values) {
        return sd.constant(Nd4j.createFromArray(values)).castTo(shapeBTH.dataType());
    }
}
