package org.sentence4j.losses.pair;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.LossInputException;

/**
 * The row-aligned distances of {@link ContrastiveLoss} and {@link OnlineContrastiveLoss}, as
 * sentence-transformers' {@code SiameseDistanceMetric}. EUCLIDEAN and MANHATTAN follow PyTorch's
 * {@code pairwise_distance}, which adds {@code 1e-6} to every component of {@code a − b} before the norm;
 * COSINE_DISTANCE is {@code 1 − cos} with PyTorch's norm clamp of {@code 1e-8}.
 */
public enum SiameseDistanceMetric {
    /** {@code ‖a − b + 1e-6‖₂}. */
    EUCLIDEAN,
    /** {@code ‖a − b + 1e-6‖₁}. */
    MANHATTAN,
    /** {@code 1 − cos(a, b)}. */
    COSINE_DISTANCE;

    /** PyTorch {@code pairwise_distance}'s epsilon, added to each component of the difference. */
    static final double PAIRWISE_DISTANCE_EPS = 1e-6;
    /** PyTorch {@code cosine_similarity}'s clamp of each norm. */
    static final double COSINE_EPS = 1e-8;

    /** The name sentence-transformers reports, e.g. {@code SiameseDistanceMetric.COSINE_DISTANCE}. */
    public String pythonName() {
        return "SiameseDistanceMetric." + name();
    }

    /** Distances of aligned rows of two [B,D] matrices, as a [B] vector. */
    public SDVariable apply(SameDiff sd, SDVariable a, SDVariable b) {
        return switch (this) {
            case EUCLIDEAN -> {
                SDVariable diff = a.sub(b).add(PAIRWISE_DISTANCE_EPS);
                yield SdMath.safeSqrt(sd, diff.mul(diff).sum(1));
            }
            case MANHATTAN -> sd.math.abs(a.sub(b).add(PAIRWISE_DISTANCE_EPS)).sum(1);
            case COSINE_DISTANCE -> SdMath.rowCosine(sd, a, b, COSINE_EPS).rsub(1.0);
        };
    }

    /**
     * Looks a metric up by {@code SiameseDistanceMetric.X} or {@code X} (any case); unknown names list the
     * known ones and name the loss.
     */
    public static SiameseDistanceMetric fromName(String name, String loss) {
        String s = name == null ? "" : name.trim();
        if (s.startsWith("SiameseDistanceMetric.")) {
            s = s.substring("SiameseDistanceMetric.".length());
        }
        for (SiameseDistanceMetric m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new LossInputException(loss + ": unknown distance_metric '" + name + "'. Choose one of: "
                + Arrays.stream(values()).map(SiameseDistanceMetric::pythonName).collect(Collectors.joining(", ")) + ".");
    }
}
