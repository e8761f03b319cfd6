package org.sentence4j.losses.triplet;

import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.ConfigReader;
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
public final class BatchHardTripletLoss extends AbstractBatchTripletLoss {

    public static final String NAME = "BatchHardTripletLoss";

    private BatchHardTripletLoss(Builder b) {
        super(NAME, b);
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
        return builder().read(options).build();
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        return LossOutput.of(BatchTriplets.batchHardMean(inputs, distanceMetric(), NAME,
                z -> SdMath.relu(sd, z.add(margin())),
                z -> z.add(margin()).gt(0.0).castTo(z.dataType())));
    }

    /** Options with upstream's defaults: euclidean distance, margin 5. */
    public static final class Builder extends AbstractBatchTripletLoss.Builder<Builder, BatchHardTripletLoss> {

        private Builder() {
        }

        @Override
        public BatchHardTripletLoss build() {
            return new BatchHardTripletLoss(this);
        }
    }
}
