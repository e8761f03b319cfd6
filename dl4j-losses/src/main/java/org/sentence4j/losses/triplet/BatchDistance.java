package org.sentence4j.losses.triplet;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.LossInputException;

/**
 * The all-pairs distance functions of the batch triplet losses (sentence-transformers'
 * {@code BatchHardTripletLossDistanceFunction}): each maps the embeddings X [B,D] of one batch to the
 * distance matrix D [B,B] between every two of its rows.
 */
public enum BatchDistance {

    /**
     * Euclidean distance, from the Gram matrix as upstream computes it:
     * {@code D²[i][j] = G[i][i] − 2 G[i][j] + G[j][j]}, clamped at 0, then a square root whose gradient is 0
     * where {@code D²} is exactly 0. Taking the squared norms from the diagonal of the same Gram matrix makes
     * the diagonal of D exactly 0 (so a row's distance to itself never receives a gradient), and the
     * memory is O(B²) instead of the O(B²·D) of a direct difference.
     */
    EUCLIDEAN("euclidean_distance", "eucledian_distance"),

    /** {@code 1 − cos_sim(X, X)} (rows normalised with eps 1e-12); the diagonal is about 0 but not forced. */
    COSINE("cosine_distance");

    /** The Python class holding these functions; config values are {@code <PREFIX>.<function name>}. */
    public static final String PREFIX = "BatchHardTripletLossDistanceFunction";

    private final String functionName;
    private final String[] aliases;

    BatchDistance(String functionName, String... aliases) {
        this.functionName = functionName;
        this.aliases = aliases;
    }

    /** The v6 function name, e.g. {@code euclidean_distance}. */
    public String functionName() {
        return functionName;
    }

    /** The value reported in {@code config()}: {@code BatchHardTripletLossDistanceFunction.euclidean_distance}. */
    public String pythonName() {
        return PREFIX + "." + functionName;
    }

    /**
     * Looks a distance up by its qualified or bare function name (also the pre-v6 misspelling
     * {@code eucledian_distance}, which v6 keeps as an alias) or by the enum name.
     */
    public static BatchDistance fromName(String name, String loss) {
        String n = name == null ? "" : name.trim();
        String bare = n.startsWith(PREFIX + ".") ? n.substring(PREFIX.length() + 1) : n;
        for (BatchDistance d : values()) {
            if (d.functionName.equals(bare) || d.name().equalsIgnoreCase(bare)
                    || Arrays.asList(d.aliases).contains(bare)) {
                return d;
            }
        }
        throw new LossInputException(loss + ": unknown distance_metric '" + name + "'. Known: "
                + Arrays.stream(values()).map(BatchDistance::pythonName).collect(Collectors.joining(", "))
                + " (the alias " + PREFIX + ".eucledian_distance is accepted as well).");
    }

    /**
     * The embeddings the distance is a function of: {@code x} itself (euclidean), or its rows normalised with
     * eps 1e-12 (cosine). Differentiable; {@link #miningMatrix} and {@link #pairGradient} work on these rows.
     */
    public SDVariable base(SameDiff sd, SDVariable x) {
        return this == COSINE ? SdMath.l2Normalize(sd, x) : x;
    }

    /**
     * The matrix M [B,B] of the rows of {@code b} [B,D] (from {@link #base}) with {@code D = toDistance(M)}, in
     * one matrix product, for mining (forward only). Euclidean: the squared distances
     * {@code sq_i + sq_j − 2 b_i·b_j} (the formula of {@link #matrix}), as {@code [b, sq, 1]·[−2b, 1, sq]ᵀ};
     * cosine: {@code 1 − n_i·n_j} as {@code [n, 1]·[−n, 1]ᵀ}. The terms are summed inside the product, so the
     * entries can differ from {@link #matrix}'s in the last bits (the diagonal is not exactly 0 either; mining
     * never looks at it). {@link #toDistance} is monotone, so a row's maximum or minimum over any set of columns
     * can be taken on M.
     */
    public SDVariable miningMatrix(SameDiff sd, SDVariable b) {
        SDVariable ones = sd.onesLike(b.sum(true, 1));
        switch (this) {
            case EUCLIDEAN: {
                SDVariable sq = b.mul(b).sum(true, 1);
                return SdMath.matmulTransposed(sd, sd.concat(1, b, sq, ones), sd.concat(1, b.mul(-2.0), ones, sq));
            }
            case COSINE:
                return SdMath.matmulTransposed(sd, sd.concat(1, b, ones), sd.concat(1, b.neg(), ones));
            default:
                throw new IllegalStateException(name());
        }
    }

    /**
     * The distance from an entry of {@link #miningMatrix}: {@code sqrt(max(v, 0))} (the value of
     * {@link SdMath#safeSqrt}; forward only, so its gradient does not matter), or v itself.
     */
    public SDVariable toDistance(SameDiff sd, SDVariable v) {
        return this == EUCLIDEAN ? sd.math.sqrt(SdMath.relu(sd, v)) : v;
    }

    /**
     * The gradient of {@code Σ_i w_i · D(b_i, o_i)} with respect to the rows b_i (first) and o_i (second), given
     * the rows b [B,D], their partners o [B,D], the distances d = D(b_i, o_i) [B,1] and the weights w [B,1].
     * Euclidean: {@code ±w (b − o) / d}, 0 where d = 0 (the zero gradient of {@link SdMath#safeSqrt}). Cosine:
     * {@code −w·o} and {@code −w·b}.
     */
    public SDVariable[] pairGradient(SameDiff sd, SDVariable b, SDVariable o, SDVariable d, SDVariable w) {
        if (this == COSINE) {
            return new SDVariable[] {o.mul(w).neg(), b.mul(w).neg()};
        }
        SDVariable zero = d.lte(0.0).castTo(d.dataType());
        SDVariable scale = w.mul(zero.rsub(1.0)).mul(SdMath.reciprocal(sd, d.add(zero)));
        SDVariable g = b.sub(o).mul(scale);
        return new SDVariable[] {g, g.neg()};
    }

    /** The [B,B] distance matrix between the rows of {@code x} [B,D]. */
    public SDVariable matrix(SameDiff sd, SDVariable x) {
        switch (this) {
            case EUCLIDEAN: {
                SDVariable gram = SdMath.matmulTransposed(sd, x, x);
                SDVariable sq = sd.math.diagPart(gram);
                // (sq_j − 2 G_ij) + sq_i: for i = j this is (a − 2a) + a, exactly 0 in floating point.
                SDVariable d2 = sd.expandDims(sq, 0).sub(gram.mul(2.0)).add(sd.expandDims(sq, 1));
                return SdMath.safeSqrt(sd, d2);
            }
            case COSINE: {
                SDVariable n = SdMath.l2Normalize(sd, x);
                return SdMath.matmulTransposed(sd, n, n).rsub(1.0);
            }
            default:
                throw new IllegalStateException(name());
        }
    }
}
