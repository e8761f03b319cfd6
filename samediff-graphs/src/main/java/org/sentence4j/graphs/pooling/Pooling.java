package org.sentence4j.graphs.pooling;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;

/**
 * sentence-transformers' {@code Pooling} module as a SameDiff fragment: token embeddings [B, T, H] and an
 * attention mask [B, T] (1 = real token) in, a sentence embedding [B, modes x H] out.
 *
 * <p>Semantics follow {@code sentence_transformers.models.Pooling.forward}: padding never contributes;
 * several modes are concatenated in sentence-transformers' fixed order (cls, max, mean,
 * mean_sqrt_len_tokens, weightedmean, lasttoken: the {@link PoolingMode} declaration order), whatever the
 * order of the configuration list. Everything is arithmetic on the mask (no gather, no where), so every
 * mode has a gradient and works with dynamic batch and sequence length.
 *
 * <p>{@code include_prompt = false} is the caller's business: it zeroes the prompt positions of the mask
 * it passes here.
 */
public final class Pooling {

    /** sentence-transformers' floor for the token count of mean pooling. */
    static final double MIN_COUNT = 1e-9;
    /** Value given to padding before max pooling, as sentence-transformers' -1e9. */
    static final double PADDING_FOR_MAX = -1e9;

    private Pooling() {
    }

    /** The pooled embedding for {@code config}'s modes, concatenated along dimension 1. */
    public static SDVariable pool(SameDiff sd, SDVariable tokens, SDVariable mask, PoolingConfig config) {
        SDVariable positions = positions(mask);
        List<SDVariable> parts = new ArrayList<>();
        for (PoolingMode mode : new TreeSet<>(config.modes())) {
            parts.add(pool(sd, tokens, mask, positions, mode));
        }
        return parts.size() == 1 ? parts.get(0) : sd.concat(1, parts.toArray(new SDVariable[0]));
    }

    /** One mode: [B, T, H] and [B, T] (in the data type of the tokens) to [B, H]. */
    public static SDVariable pool(SameDiff sd, SDVariable tokens, SDVariable mask, PoolingMode mode) {
        return pool(sd, tokens, mask, positions(mask), mode);
    }

    private static SDVariable pool(SameDiff sd, SDVariable tokens, SDVariable mask, SDVariable positions,
                                   PoolingMode mode) {
        switch (mode) {
            case CLS:
                return selectToken(sd, tokens, positions.eq(1.0).castTo(mask.dataType()));
            case MAX: {
                SDVariable m = column(sd, mask);
                return tokens.mul(m).add(m.rsub(1.0).mul(PADDING_FOR_MAX)).max(1);
            }
            case MEAN:
                return weightedAverage(sd, tokens, mask);
            case MEAN_SQRT_LEN_TOKENS: {
                SDVariable count = sd.math.max(mask.sum(true, 1), sd.constant(MIN_COUNT).castTo(mask.dataType()));
                return tokens.mul(column(sd, mask)).sum(1).mul(sd.math.pow(count, -0.5));
            }
            case WEIGHTED_MEAN:
                return weightedAverage(sd, tokens, mask.mul(positions));
            case LAST_TOKEN: {
                // the highest position holding a real token: right or left padding alike, as upstream's
                // flip-and-argmax; a row without any real token pools to zeros (upstream: token 0)
                SDVariable ranked = mask.mul(positions);
                return selectToken(sd, tokens, SdMath.equalTo(ranked, ranked.max(true, 1)).mul(mask));
            }
            default:
                throw new IllegalArgumentException("unsupported pooling mode " + mode);
        }
    }

    /** {@code sum_t w[b,t] x[b,t,:] / max(sum_t w[b,t], 1e-9)}; division by a reciprocal product (see SdMath). */
    private static SDVariable weightedAverage(SameDiff sd, SDVariable tokens, SDVariable weights) {
        SDVariable total = sd.math.max(weights.sum(true, 1), sd.constant(MIN_COUNT).castTo(weights.dataType()));
        return tokens.mul(column(sd, weights)).sum(1).mul(SdMath.reciprocal(sd, total));
    }

    /** The token at the position where the one-hot [B, T] selection is 1. */
    private static SDVariable selectToken(SameDiff sd, SDVariable tokens, SDVariable oneHot) {
        return tokens.mul(column(sd, oneHot)).sum(1);
    }

    /** 1, 2, ..., T in every row, shaped and typed like the mask (a cumulative sum: T is dynamic). */
    private static SDVariable positions(SDVariable mask) {
        SameDiff sd = mask.getSameDiff();
        return sd.cumsum(mask.mul(0.0).add(1.0), false, false, 1);
    }

    /** [B, T] to [B, T, 1] for broadcasting over the hidden dimension. */
    private static SDVariable column(SameDiff sd, SDVariable x) {
        return SdMath.insertAxis(sd, x, 2, 2);
    }
}
