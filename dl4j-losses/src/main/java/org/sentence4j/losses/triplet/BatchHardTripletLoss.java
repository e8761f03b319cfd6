package org.sentence4j.losses.triplet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Batch-hard triplet loss (Hermans, Beyer &amp; Leibe 2017, "In Defense of the Triplet Loss for Person
 * Re-Identification"): for every anchor of a batch of labelled sentences, only its hardest triplet counts,
 * the farthest sentence of the same class against the closest sentence of another class:
 * {@code mean_i relu(max_{p ∈ P(i)} D[i][p] − min_{n ∈ N(i)} D[i][n] + margin)}.
 *
 * <p>Use it with one text column and an integer class label per row, and a batch sampler that puts at
 * least two rows of each class in a batch. An anchor without a positive counts with {@code hp = 0}; an
 * anchor without a negative contributes the margin with zero gradient.
 */
public final class BatchHardTripletLoss extends AbstractSentenceLoss {

    public static final String NAME = "BatchHardTripletLoss";

    private final BatchDistance distanceMetric;
    private final double margin;

    private BatchHardTripletLoss(Builder b) {
        this.distanceMetric = BatchTriplets.checkDistance(NAME, b.distanceMetric);
        this.margin = BatchTriplets.checkMargin(NAME, b.margin);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Upstream defaults: euclidean distance, margin 5. */
    public static BatchHardTripletLoss defaults() {
        return builder().build();
    }

    /** From sentence-transformers' options {@code distance_metric}, {@code margin}. */
    public static BatchHardTripletLoss fromConfig(ConfigReader options) {
        return builder().distanceMetric(BatchTriplets.distance(options)).margin(BatchTriplets.margin(options)).build();
    }

    public BatchDistance distanceMetric() {
        return distanceMetric;
    }

    public double margin() {
        return margin;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputFormat inputFormat() {
        return BatchTriplets.FORMAT;
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        BatchTriplets.Batch b = BatchTriplets.batch(inputs, distanceMetric, NAME);
        SDVariable[] h = BatchTriplets.hardest(b);
        SDVariable perAnchor = SdMath.relu(b.sd(), h[0].sub(h[1]).add(margin));
        return LossOutput.of(perAnchor.mean());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("distance_metric", distanceMetric.pythonName());
        c.put("margin", margin);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.HERMANS2017DEFENSE);
    }

    /** Options with upstream's defaults. */
    public static final class Builder {
        private BatchDistance distanceMetric = BatchDistance.EUCLIDEAN;
        private double margin = BatchTriplets.DEFAULT_MARGIN;

        private Builder() {
        }

        public Builder distanceMetric(BatchDistance distanceMetric) {
            this.distanceMetric = distanceMetric;
            return this;
        }

        public Builder margin(double margin) {
            this.margin = margin;
            return this;
        }

        public BatchHardTripletLoss build() {
            return new BatchHardTripletLoss(this);
        }
    }
}
