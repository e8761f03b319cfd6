package org.sentence4j.losses.pair;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * The classic contrastive loss for pairs {@code (sentence_A, sentence_B)} labelled 1 (similar) or 0
 * (dissimilar): similar pairs are pulled together, dissimilar pairs pushed at least {@code margin} apart,
 * {@code ℓ_i = ½ [y_i·d_i² + (1 − y_i)·relu(margin − d_i)²]}, averaged ({@code size_average}) or summed.
 * The formula is linear in the label, so fractional labels work as well. For batches with few hard pairs,
 * {@link OnlineContrastiveLoss} often trains better.
 *
 * <p>Paper: Hadsell, Chopra and LeCun, "Dimensionality Reduction by Learning an Invariant Mapping", CVPR 2006.
 * Defaults as sentence-transformers: COSINE_DISTANCE, {@code margin = 0.5}, {@code size_average = true}.
 */
public final class ContrastiveLoss extends PairLoss {

    private static final InputFormat FORMAT = pairs(LabelKind.BINARY);

    private final SiameseDistanceMetric distanceMetric;
    private final double margin;
    private final boolean sizeAverage;

    private ContrastiveLoss(Builder b) {
        this.distanceMetric = b.distanceMetric;
        this.margin = b.margin;
        this.sizeAverage = b.sizeAverage;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** ContrastiveLoss with sentence-transformers' defaults. */
    public static ContrastiveLoss defaults() {
        return builder().build();
    }

    /** From snake_case options ({@code distance_metric}, {@code margin}, {@code size_average}). */
    public static ContrastiveLoss fromConfig(ConfigReader opt) {
        Builder b = builder();
        if (opt.has("distance_metric")) {
            b.distanceMetric(SiameseDistanceMetric.fromName(opt.getString("distance_metric", null), "ContrastiveLoss"));
        }
        return b.margin(opt.getDouble("margin", Builder.DEFAULT_MARGIN))
                .sizeAverage(opt.getBoolean("size_average", true))
                .build();
    }

    public SiameseDistanceMetric distanceMetric() {
        return distanceMetric;
    }

    public double margin() {
        return margin;
    }

    public boolean sizeAverage() {
        return sizeAverage;
    }

    @Override
    public String name() {
        return "ContrastiveLoss";
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
        SDVariable hinge = SdMath.relu(sd, d.rsub(margin));
        SDVariable perRow = y.mul(d.mul(d)).add(y.rsub(1.0).mul(hinge.mul(hinge))).mul(0.5);
        return LossOutput.of(sizeAverage ? perRow.mean() : perRow.sum());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("distance_metric", distanceMetric.pythonName());
        c.put("margin", margin);
        c.put("size_average", sizeAverage);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.HADSELL2006DIMENSIONALITY);
    }

    /** Builder with sentence-transformers' defaults. */
    public static final class Builder {
        static final double DEFAULT_MARGIN = 0.5;

        private SiameseDistanceMetric distanceMetric = SiameseDistanceMetric.COSINE_DISTANCE;
        private double margin = DEFAULT_MARGIN;
        private boolean sizeAverage = true;

        private Builder() {
        }

        /** Default COSINE_DISTANCE. */
        public Builder distanceMetric(SiameseDistanceMetric distanceMetric) {
            this.distanceMetric = distanceMetric;
            return this;
        }

        /** Distance below which dissimilar pairs are penalised; default 0.5. */
        public Builder margin(double margin) {
            this.margin = margin;
            return this;
        }

        /** Mean over the batch (true, default) or sum. */
        public Builder sizeAverage(boolean sizeAverage) {
            this.sizeAverage = sizeAverage;
            return this;
        }

        public ContrastiveLoss build() {
            PairChecks.metric("ContrastiveLoss", distanceMetric);
            PairChecks.finite("ContrastiveLoss", "margin", margin);
            return new ContrastiveLoss(this);
        }
    }
}
