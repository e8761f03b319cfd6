package org.sentence4j.losses.triplet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Triplet loss on explicit (anchor, positive, negative) rows (as popularised by FaceNet; cited upstream as
 * Hermans, Beyer &amp; Leibe 2017, "In Defense of the Triplet Loss for Person Re-Identification"): the anchor
 * must be closer to its positive than to its negative by at least the margin,
 * {@code mean_i relu(d(a_i, p_i) − d(a_i, n_i) + triplet_margin)}.
 *
 * <p>Use it with three text columns and no labels, for instance mined hard negatives. The distances are
 * true distances (sentence-transformers 5.0–5.3 inverted the hinge for EUCLIDEAN and MANHATTAN; v6 and
 * this port do not).
 */
public final class TripletLoss extends AbstractSentenceLoss {

    public static final String NAME = "TripletLoss";

    private static final InputFormat FORMAT = InputFormat.unlabeled(3, 3, "(anchor, positive, negative)");

    private final TripletDistanceMetric distanceMetric;
    private final double tripletMargin;

    private TripletLoss(Builder b) {
        if (b.distanceMetric == null) {
            throw new LossInputException(NAME + ": option 'distance_metric' must not be null.");
        }
        if (!Double.isFinite(b.tripletMargin)) {
            throw new LossInputException(NAME + ": option 'triplet_margin' must be a finite number, but is " + b.tripletMargin + ".");
        }
        this.distanceMetric = b.distanceMetric;
        this.tripletMargin = b.tripletMargin;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Upstream defaults: EUCLIDEAN, triplet margin 5. */
    public static TripletLoss defaults() {
        return builder().build();
    }

    /** From sentence-transformers' options {@code distance_metric}, {@code triplet_margin}. */
    public static TripletLoss fromConfig(ConfigReader options) {
        return builder()
                .distanceMetric(TripletDistanceMetric.fromName(
                        options.getString("distance_metric", TripletDistanceMetric.EUCLIDEAN.pythonName()), NAME))
                .tripletMargin(options.getDouble("triplet_margin", 5.0))
                .build();
    }

    public TripletDistanceMetric distanceMetric() {
        return distanceMetric;
    }

    public double tripletMargin() {
        return tripletMargin;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable anchor = inputs.column(0);
        SDVariable pos = distanceMetric.rows(sd, anchor, inputs.column(1));
        SDVariable neg = distanceMetric.rows(sd, anchor, inputs.column(2));
        return LossOutput.of(SdMath.relu(sd, pos.sub(neg).add(tripletMargin)).mean());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("distance_metric", distanceMetric.pythonName());
        c.put("triplet_margin", tripletMargin);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.HERMANS2017DEFENSE);
    }

    /** Options with upstream's defaults. */
    public static final class Builder {
        private TripletDistanceMetric distanceMetric = TripletDistanceMetric.EUCLIDEAN;
        private double tripletMargin = 5.0;

        private Builder() {
        }

        public Builder distanceMetric(TripletDistanceMetric distanceMetric) {
            this.distanceMetric = distanceMetric;
            return this;
        }

        public Builder tripletMargin(double tripletMargin) {
            this.tripletMargin = tripletMargin;
            return this;
        }

        public TripletLoss build() {
            return new TripletLoss(this);
        }
    }
}
