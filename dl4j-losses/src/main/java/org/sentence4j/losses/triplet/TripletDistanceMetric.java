package org.sentence4j.losses.triplet;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.LossInputException;

/**
 * The row-aligned distances of {@link TripletLoss} (sentence-transformers' {@code TripletDistanceMetric}):
 * each maps two [B,D] matrices to the [B] vector of distances between their aligned rows. These are true
 * distances (larger = farther), as v6 and this project use them.
 */
public enum TripletDistanceMetric {

    /** {@code ‖a − b‖₂} without an epsilon; its gradient at a zero distance is taken as 0. */
    EUCLIDEAN,
    /** {@code ‖a − b‖₁}. */
    MANHATTAN,
    /** {@code 1 − cos(a, b)}, each row normalised with eps 1e-12 as {@code pairwise_cos_sim} does. */
    COSINE;

    /** The Python enum class; config values are {@code TripletDistanceMetric.<NAME>}. */
    public static final String PREFIX = "TripletDistanceMetric";

    /** The value reported in {@code config()}, e.g. {@code TripletDistanceMetric.EUCLIDEAN}. */
    public String pythonName() {
        return PREFIX + "." + name();
    }

    /** Looks a metric up by {@code TripletDistanceMetric.NAME} or {@code NAME} (case-insensitive). */
    public static TripletDistanceMetric fromName(String name, String loss) {
        String n = name == null ? "" : name.trim();
        String bare = n.startsWith(PREFIX + ".") ? n.substring(PREFIX.length() + 1) : n;
        for (TripletDistanceMetric m : values()) {
            if (m.name().equalsIgnoreCase(bare)) {
                return m;
            }
        }
        throw new LossInputException(loss + ": unknown distance_metric '" + name + "'. Known: "
                + Arrays.stream(values()).map(TripletDistanceMetric::pythonName).collect(Collectors.joining(", ")) + ".");
    }

    /** Distances between the aligned rows of {@code a} and {@code b}, as a [B] vector. */
    public SDVariable rows(SameDiff sd, SDVariable a, SDVariable b) {
        return switch (this) {
            case EUCLIDEAN -> SdMath.rowEuclidean(sd, a, b);
            case MANHATTAN -> SdMath.rowManhattan(sd, a, b);
            case COSINE -> SdMath.rowCosine(sd, a, b, 1e-12).rsub(1.0);
        };
    }
}
