package org.sentence4j.losses.similarity;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.LossInputException;

/**
 * The similarity functions of sentence-transformers, under their Python names, in one place for every loss.
 *
 * <p>All-pairs functions map x [n,D] and y [m,D] to a matrix S [n,m] with {@code S[i][j] = s(x_i, y_j)};
 * row-aligned ("pairwise_") functions map two [n,D] matrices to a vector [n] with {@code s[i] = s(x_i, y_i)}.
 * Distances are negated so that larger always means more similar.
 */
public enum SimilarityFunction {
    /** Cosine similarity of every pair (rows normalised with eps 1e-12, then a matrix product). */
    COS_SIM("cos_sim", Kind.ALL_PAIRS),
    /** Dot product of every pair. */
    DOT_SCORE("dot_score", Kind.ALL_PAIRS),
    /** Negated Euclidean distance of every pair. */
    EUCLIDEAN_SIM("euclidean_sim", Kind.ALL_PAIRS),
    /** Negated Manhattan distance of every pair. */
    MANHATTAN_SIM("manhattan_sim", Kind.ALL_PAIRS),
    /** Cosine similarity of aligned rows. */
    PAIRWISE_COS_SIM("pairwise_cos_sim", Kind.ROW_ALIGNED),
    /** Dot product of aligned rows. */
    PAIRWISE_DOT_SCORE("pairwise_dot_score", Kind.ROW_ALIGNED),
    /** Negated Euclidean distance of aligned rows. */
    PAIRWISE_EUCLIDEAN_SIM("pairwise_euclidean_sim", Kind.ROW_ALIGNED),
    /** Negated Manhattan distance of aligned rows. */
    PAIRWISE_MANHATTAN_SIM("pairwise_manhattan_sim", Kind.ROW_ALIGNED),
    /** AnglE's angle similarity of aligned rows (absolute real+imaginary sum of the complex quotient). */
    PAIRWISE_ANGLE_SIM("pairwise_angle_sim", Kind.ROW_ALIGNED);

    /** Whether a function compares every pair or aligned rows. */
    public enum Kind { ALL_PAIRS, ROW_ALIGNED }

    private final String pythonName;
    private final Kind kind;

    SimilarityFunction(String pythonName, Kind kind) {
        this.pythonName = pythonName;
        this.kind = kind;
    }

    /** The sentence-transformers function name, as reported in {@code config()}. */
    public String pythonName() {
        return pythonName;
    }

    public Kind kind() {
        return kind;
    }

    /** Looks a function up by its Python name (or enum name); unknown names list the known ones. */
    public static SimilarityFunction fromName(String name) {
        for (SimilarityFunction f : values()) {
            if (f.pythonName.equals(name) || f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new LossInputException("Unknown similarity function '" + name + "'. Known: "
                + Arrays.stream(values()).map(SimilarityFunction::pythonName).collect(Collectors.joining(", ")) + ".");
    }

    /** Looks a function up and checks it is of the kind a loss needs. */
    public static SimilarityFunction fromName(String name, Kind required, String loss) {
        SimilarityFunction f = fromName(name);
        if (f.kind != required) {
            throw new LossInputException(loss + " needs " + (required == Kind.ALL_PAIRS ? "an all-pairs" : "a row-aligned (pairwise_)")
                    + " similarity function, but got '" + name + "'. Choose one of: "
                    + Arrays.stream(values()).filter(v -> v.kind == required).map(SimilarityFunction::pythonName)
                    .collect(Collectors.joining(", ")) + ".");
        }
        return f;
    }

    /**
     * All-pairs [n,m] or row-aligned [n] similarities of x and y. {@code pairwise_angle_sim} needs the
     * embedding width when the graph is built; SameDiff does not know it for op outputs (such as the
     * runner's {@code placeholder * one}), so losses should call {@link #apply(SameDiff, SDVariable, SDVariable, long)}.
     */
    public SDVariable apply(SameDiff sd, SDVariable x, SDVariable y) {
        long[] shape = x.getShape();
        return apply(sd, x, y, shape != null && shape.length == 2 ? shape[1] : -1);
    }

    /** As {@link #apply(SameDiff, SDVariable, SDVariable)}, with the (static) embedding width {@code dim} of x and y. */
    public SDVariable apply(SameDiff sd, SDVariable x, SDVariable y, long dim) {
        return switch (this) {
            case COS_SIM -> SdMath.matmulTransposed(sd, SdMath.l2Normalize(sd, x), SdMath.l2Normalize(sd, y));
            case DOT_SCORE -> SdMath.matmulTransposed(sd, x, y);
            case EUCLIDEAN_SIM -> SdMath.pairwiseEuclidean(sd, x, y).neg();
            case MANHATTAN_SIM -> SdMath.pairwiseManhattan(sd, x, y).neg();
            case PAIRWISE_COS_SIM -> SdMath.rowDot(SdMath.l2Normalize(sd, x), SdMath.l2Normalize(sd, y));
            case PAIRWISE_DOT_SCORE -> SdMath.rowDot(x, y);
            case PAIRWISE_EUCLIDEAN_SIM -> SdMath.rowEuclidean(sd, x, y).neg();
            case PAIRWISE_MANHATTAN_SIM -> SdMath.rowManhattan(sd, x, y).neg();
            case PAIRWISE_ANGLE_SIM -> angle(sd, x, y, dim);
        };
    }

    /**
     * AnglE: split each vector in a real first half and an imaginary second half (odd widths get a zero
     * appended), then {@code |Σ(xr·yr + xm·ym) + Σ(xm·yr − xr·ym)| / (‖x‖·‖y‖)}.
     */
    private static SDVariable angle(SameDiff sd, SDVariable x, SDVariable y, long d) {
        if (d <= 0) {
            throw new LossInputException("pairwise_angle_sim needs the embedding width when the graph is built;"
                    + " pass it with apply(sd, x, y, dim).");
        }
        long half = (d + 1) / 2;
        SDVariable xr = sd.slice(x, new int[] {0, 0}, -1, (int) half);
        SDVariable yr = sd.slice(y, new int[] {0, 0}, -1, (int) half);
        SDVariable xm = sd.slice(x, new int[] {0, (int) half}, -1, (int) (d - half));
        SDVariable ym = sd.slice(y, new int[] {0, (int) half}, -1, (int) (d - half));
        // with an odd width the imaginary half is one shorter (its appended zero contributes nothing), so
        // it pairs with the first d - half real entries only; for even widths that is the whole real half
        SDVariable xrHead = sd.slice(x, new int[] {0, 0}, -1, (int) (d - half));
        SDVariable yrHead = sd.slice(y, new int[] {0, 0}, -1, (int) (d - half));
        SDVariable re = SdMath.rowDot(xr, yr).add(SdMath.rowDot(xm, ym));
        SDVariable im = SdMath.rowDot(xm, yrHead).sub(SdMath.rowDot(xrHead, ym));
        return sd.math.abs(re.add(im)).mul(SdMath.reciprocal(sd, x.norm2(1).mul(y.norm2(1))));
    }
}
