package org.sentence4j.losses.pair;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Online (hard-pair) contrastive loss for pairs labelled 1 (similar) or 0 (dissimilar): like
 * {@link ContrastiveLoss}, but only the hard pairs of the batch count: positives farther apart than the
 * closest negative and negatives closer than the farthest positive. Often better than ContrastiveLoss once
 * most pairs are already easy.
 *
 * <p>With {@code pos}/{@code neg} the distances of rows labelled exactly 1 / exactly 0 (other labels are
 * ignored): negative threshold {@code max(pos)} if {@code |pos| > 1}, else {@code mean(neg)}; positive
 * threshold {@code min(neg)} if {@code |neg| > 1}, else {@code mean(pos)}; loss
 * {@code Σ_{pos > tp} d² + Σ_{neg < tn} relu(margin − d)²} (a sum, no ½). The thresholds carry no gradient.
 * Upstream cites no paper for this loss.
 */
public final class OnlineContrastiveLoss extends PairLoss {

    private static final InputFormat FORMAT = pairs(LabelKind.BINARY);

    private final SiameseDistanceMetric distanceMetric;
    private final double margin;

    private OnlineContrastiveLoss(Builder b) {
        this.distanceMetric = b.distanceMetric;
        this.margin = b.margin;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** OnlineContrastiveLoss with sentence-transformers' defaults. */
    public static OnlineContrastiveLoss defaults() {
        return builder().build();
    }

    /** From snake_case options ({@code distance_metric}, {@code margin}). */
    public static OnlineContrastiveLoss fromConfig(ConfigReader opt) {
        Builder b = builder();
        if (opt.has("distance_metric")) {
            b.distanceMetric(SiameseDistanceMetric.fromName(opt.getString("distance_metric", null), "OnlineContrastiveLoss"));
        }
        return b.margin(opt.getDouble("margin", Builder.DEFAULT_MARGIN)).build();
    }

    public SiameseDistanceMetric distanceMetric() {
        return distanceMetric;
    }

    public double margin() {
        return margin;
    }

    @Override
    public String name() {
        return "OnlineContrastiveLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable d = distanceMetric.apply(sd, inputs.column(0), inputs.column(1));
        SDVariable y = labels(inputs, d);
        // the selection is data-dependent but must stay in the graph (dynamic batch, no where/gather with a
        // gradient in M2.1): masks and counts as arithmetic, thresholds from a detached copy of d
        SDVariable dd = SdMath.stopGradient(sd, d);
        SDVariable isPos = SdMath.equalTo(y, sd.onesLike(y));
        SDVariable isNeg = SdMath.equalTo(y, sd.zerosLike(y));
        SDVariable nPos = isPos.sum();
        SDVariable nNeg = isNeg.sum();

        // max(pos) / min(neg) over the selected rows; empty selections give a finite stand-in that the
        // count switch below multiplies by 0, so nothing turns into NaN
        SDVariable maxPos = SdMath.maskFill(sd, dd, isPos.rsub(1.0)).max();
        SDVariable minNeg = SdMath.maskFill(sd, dd.neg(), isNeg.rsub(1.0)).max().neg();
        SDVariable meanPos = dd.mul(isPos).sum().mul(SdMath.reciprocal(sd, sd.math.max(nPos, sd.onesLike(nPos))));
        SDVariable meanNeg = dd.mul(isNeg).sum().mul(SdMath.reciprocal(sd, sd.math.max(nNeg, sd.onesLike(nNeg))));

        SDVariable manyPos = nPos.gt(1.0).castTo(d.dataType());
        SDVariable manyNeg = nNeg.gt(1.0).castTo(d.dataType());
        SDVariable negThreshold = manyPos.mul(maxPos).add(manyPos.rsub(1.0).mul(meanNeg));
        SDVariable posThreshold = manyNeg.mul(minNeg).add(manyNeg.rsub(1.0).mul(meanPos));
        // an empty mean is NaN upstream and selects nothing; here it is 0 / 1 = 0, and it can only be used to
        // select from that same empty set (mean(neg) only picks negatives), so the selection is empty as well
        SDVariable hardNeg = isNeg.mul(SdMath.greaterThan(negThreshold, dd));
        SDVariable hardPos = isPos.mul(SdMath.greaterThan(dd, posThreshold));

        SDVariable hinge = SdMath.relu(sd, d.rsub(margin));
        SDVariable loss = hardPos.mul(d.mul(d)).sum().add(hardNeg.mul(hinge.mul(hinge)).sum());
        return LossOutput.of(loss);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("distance_metric", distanceMetric.pythonName());
        c.put("margin", margin);
        return c;
    }

    /** Builder with sentence-transformers' defaults. */
    public static final class Builder {
        static final double DEFAULT_MARGIN = 0.5;

        private SiameseDistanceMetric distanceMetric = SiameseDistanceMetric.COSINE_DISTANCE;
        private double margin = DEFAULT_MARGIN;

        private Builder() {
        }

        /** Default COSINE_DISTANCE. */
        public Builder distanceMetric(SiameseDistanceMetric distanceMetric) {
            this.distanceMetric = distanceMetric;
            return this;
        }

        /** Distance below which hard negative pairs are penalised; default 0.5. */
        public Builder margin(double margin) {
            this.margin = margin;
            return this;
        }

        public OnlineContrastiveLoss build() {
            PairChecks.metric("OnlineContrastiveLoss", distanceMetric);
            PairChecks.finite("OnlineContrastiveLoss", "margin", margin);
            return new OnlineContrastiveLoss(this);
        }
    }
}
