package org.sentence4j.losses.triplet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Batch-all triplet loss (Hermans, Beyer &amp; Leibe 2017, "In Defense of the Triplet Loss for Person
 * Re-Identification"): every valid triplet of a batch of labelled sentences (anchor a, positive p ≠ a of
 * the same class, negative n of another class) contributes {@code relu(D[a][p] − D[a][n] + margin)}; the
 * sum is divided by the number of <em>active</em> triplets (those with a loss above 1e-16), not by the
 * number of valid ones, so easy triplets do not dilute the hard ones.
 *
 * <p>Use it with one text column and an integer class label per row, and a batch sampler that puts at
 * least two rows of each class in a batch. Without a valid or an active triplet the loss is exactly 0.
 * It builds a [B,B,B] tensor.
 */
public final class BatchAllTripletLoss extends AbstractBatchTripletLoss {

    public static final String NAME = "BatchAllTripletLoss";

    private BatchAllTripletLoss(Builder b) {
        super(NAME, b);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Upstream defaults: euclidean distance, margin 5. */
    public static BatchAllTripletLoss defaults() {
        return builder().build();
    }

    /** From sentence-transformers' options {@code distance_metric}, {@code margin}. */
    public static BatchAllTripletLoss fromConfig(ConfigReader options) {
        return builder().read(options).build();
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        BatchTriplets.Batch b = BatchTriplets.batch(inputs, distanceMetric(), NAME);
        SameDiff sd = b.sd();
        // t[a][p][n] = D[a][p] − D[a][n] + margin, as a [B,B,B] tensor.
        SDVariable t = BatchTriplets.expandMatrix(sd, b.dist(), 2)
                .sub(BatchTriplets.expandMatrix(sd, b.dist(), 1)).add(margin());
        SDVariable valid = BatchTriplets.expandMatrix(sd, b.positive(), 2)
                .mul(BatchTriplets.expandMatrix(sd, b.negative(), 1));
        SDVariable losses = SdMath.relu(sd, valid.mul(t));
        // The number of active triplets is a plain count (no gradient); + 1e-16 so that none gives 0 / 1e-16 = 0.
        SDVariable active = SdMath.stopGradient(sd,
                SdMath.greaterThan(losses, sd.constant(1e-16).castTo(losses.dataType())).sum());
        return LossOutput.of(SdMath.divide(sd, losses.sum(), active.add(1e-16)));
    }

    /** Options with upstream's defaults: euclidean distance, margin 5. */
    public static final class Builder extends AbstractBatchTripletLoss.Builder<Builder, BatchAllTripletLoss> {

        private Builder() {
        }

        @Override
        public BatchAllTripletLoss build() {
            return new BatchAllTripletLoss(this);
        }
    }
}
