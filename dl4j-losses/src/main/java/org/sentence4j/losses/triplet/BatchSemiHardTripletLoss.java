package org.sentence4j.losses.triplet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Batch semi-hard triplet loss (Hermans, Beyer &amp; Leibe 2017; the semi-hard mining of FaceNet, Schroff
 * et al. 2015, as formulated in TensorFlow Addons): for every ordered positive pair (i, p) of a batch of
 * labelled sentences, the negative is the closest one that is still farther from the anchor than the
 * positive; without such a negative the farthest negative, and without any negative the row minimum
 * ({@code D[i][i] = 0} for euclidean). The loss is {@code Σ relu(D[i][p] − neg + margin)} divided by the
 * number of positive pairs (clamped at 1e-16, so a batch without a positive pair gives exactly 0).
 *
 * <p>Use it with one text column and an integer class label per row, and a batch sampler that puts at
 * least two rows of each class in a batch. It builds a [B,B,B] tensor.
 */
public final class BatchSemiHardTripletLoss extends AbstractBatchTripletLoss {

    public static final String NAME = "BatchSemiHardTripletLoss";

    private BatchSemiHardTripletLoss(Builder b) {
        super(NAME, b);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Upstream defaults: euclidean distance, margin 5. */
    public static BatchSemiHardTripletLoss defaults() {
        return builder().build();
    }

    /** From sentence-transformers' options {@code distance_metric}, {@code margin}. */
    public static BatchSemiHardTripletLoss fromConfig(ConfigReader options) {
        return builder().read(options).build();
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        BatchTriplets.Batch b = BatchTriplets.batch(inputs, distanceMetric(), NAME);
        SameDiff sd = b.sd();
        SDVariable dist = b.dist();
        SDVariable zero = sd.constant(0.0).castTo(dist.dataType());

        // Index order [i][p][k]: anchor i, positive p, candidate negative k.
        SDVariable candidate = BatchTriplets.expandMatrix(sd, dist, 1);   // D[i][k] as [B,1,B]
        SDVariable threshold = BatchTriplets.expandMatrix(sd, dist, 2);   // D[i][p] as [B,B,1]
        // F(i,p) = {k in N(i) : D[i][k] > D[i][p]}: a selection, so no gradient flows through it.
        SDVariable farther = SdMath.stopGradient(sd, SdMath.greaterThan(candidate, threshold)
                .mul(BatchTriplets.expandMatrix(sd, b.negative(), 1)));
        SDVariable hasFarther = SdMath.stopGradient(sd, SdMath.greaterThan(farther.sum(2), zero));

        // min over F: shifted by the row maximum, every candidate is <= 0, so masked entries (0) cannot win.
        SDVariable rowMax = BatchTriplets.rowMax(dist);
        SDVariable outside = candidate.sub(BatchTriplets.expandMatrix(sd, rowMax, 2)).mul(farther)
                .neg().max(2).neg().add(rowMax);
        // max over N(i): shifted by the row minimum, every candidate is >= 0, so masked entries (0) cannot win;
        // without any negative this leaves the row minimum itself (D[i][i] = 0 for euclidean).
        SDVariable rowMin = BatchTriplets.rowMin(dist);
        SDVariable inside = BatchTriplets.rowMax(dist.sub(rowMin).mul(b.negative())).add(rowMin);
        SDVariable negative = hasFarther.mul(outside).add(hasFarther.rsub(1.0).mul(inside));

        SDVariable terms = SdMath.relu(sd, dist.sub(negative).add(margin()).mul(b.positive()));
        // Divided by the number of ordered positive pairs, clamped so that none gives 0 / 1e-16 = 0.
        SDVariable pairs = SdMath.stopGradient(sd,
                sd.math.max(b.positive().sum(), sd.constant(1e-16).castTo(dist.dataType())));
        return LossOutput.of(SdMath.divide(sd, terms.sum(), pairs));
    }

    /** Options with upstream's defaults: euclidean distance, margin 5. */
    public static final class Builder extends AbstractBatchTripletLoss.Builder<Builder, BatchSemiHardTripletLoss> {

        private Builder() {
        }

        @Override
        public BatchSemiHardTripletLoss build() {
            return new BatchSemiHardTripletLoss(this);
        }
    }
}
