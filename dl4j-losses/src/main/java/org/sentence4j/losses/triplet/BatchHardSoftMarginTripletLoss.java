package org.sentence4j.losses.triplet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Batch-hard triplet loss with a soft margin (Hermans, Beyer &amp; Leibe 2017, "In Defense of the Triplet
 * Loss for Person Re-Identification"): the hardest positive and hardest negative of every anchor are mined
 * as in {@link BatchHardTripletLoss}, and the hinge is replaced by a softplus, so there is no margin to tune:
 * {@code mean_i log(1 + exp(hp_i − hn_i))}.
 *
 * <p>Use it with one text column and an integer class label per row, and a batch sampler that puts at
 * least two rows of each class in a batch. A batch whose labels are all equal gives {@code ln 2} with zero
 * gradient.
 */
public final class BatchHardSoftMarginTripletLoss extends AbstractSentenceLoss {

    public static final String NAME = "BatchHardSoftMarginTripletLoss";

    private final BatchDistance distanceMetric;

    private BatchHardSoftMarginTripletLoss(Builder b) {
        this.distanceMetric = BatchTriplets.checkDistance(NAME, b.distanceMetric);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Upstream defaults: euclidean distance. */
    public static BatchHardSoftMarginTripletLoss defaults() {
        return builder().build();
    }

    /** From sentence-transformers' option {@code distance_metric} (this loss has no margin). */
    public static BatchHardSoftMarginTripletLoss fromConfig(ConfigReader options) {
        return builder().distanceMetric(BatchTriplets.distance(options)).build();
    }

    public BatchDistance distanceMetric() {
        return distanceMetric;
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
        SameDiff sd = inputs.sd();
        // Stable softplus: a plain log(1 + exp(x)) overflows in float32; its derivative is the sigmoid.
        return LossOutput.of(BatchTriplets.batchHardMean(inputs, distanceMetric, NAME,
                z -> SdMath.softplus(sd, z), z -> sd.nn.sigmoid(z)));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("distance_metric", distanceMetric.pythonName());
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.HERMANS2017DEFENSE);
    }

    /** Options with upstream's defaults. */
    public static final class Builder {
        private BatchDistance distanceMetric = BatchDistance.EUCLIDEAN;

        private Builder() {
        }

        public Builder distanceMetric(BatchDistance distanceMetric) {
            this.distanceMetric = distanceMetric;
            return this;
        }

        public BatchHardSoftMarginTripletLoss build() {
            return new BatchHardSoftMarginTripletLoss(this);
        }
    }
}
