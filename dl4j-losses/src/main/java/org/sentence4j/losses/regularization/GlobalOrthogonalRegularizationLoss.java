package org.sentence4j.losses.regularization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LabelRequirement;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * Global orthogonal regularization (sentence-transformers v6 {@code GlobalOrthogonalRegularizationLoss}, Zhang
 * et al. 2017): pushes the embeddings of unrelated texts towards the statistics of points spread uniformly
 * over the sphere, where the mean cosine of two random unit vectors in {@code R^D} is 0 and its mean square
 * {@code 1/D}. It keeps an embedding space from collapsing into a narrow cone, and is trained beside a
 * primary loss (another dataset's loss, or a custom loss that adds its components).
 *
 * <p>Each column is regularized on its own, its rows compared only with each other: with {@code S} the
 * similarity matrix of the column without its diagonal and {@code n = B(B − 1)} off-diagonal pairs,
 * {@code M1 = ΣS/n} and {@code M2 = ΣS²/n}; the column's mean term is {@code M1²}, its second-moment term
 * {@code relu(M2 − 1/D)}. The terms are summed or averaged over the columns ({@code aggregation}) and
 * returned as two named components, {@code gor_mean} and {@code gor_second_moment} (each only when its weight
 * is non-zero), so the trainer logs them apart. A batch of one row has no pairs: the components are NaN, as
 * upstream, and the trainer's non-finite-loss rule applies.
 *
 * <p>Labels are ignored, so the loss fits any dataset.
 */
public final class GlobalOrthogonalRegularizationLoss extends AbstractSentenceLoss {

    private static final InputFormat FORMAT = new InputFormat(1, Integer.MAX_VALUE, "(any columns)",
            LabelRequirement.OPTIONAL, LabelKind.NONE);

    private final SimilarityFunction similarity;
    private final Double meanWeight;
    private final Double secondMomentWeight;
    private final String aggregation;

    private GlobalOrthogonalRegularizationLoss(Builder b) {
        if (!on(b.meanWeight) && !on(b.secondMomentWeight)) {
            throw new LossInputException("GlobalOrthogonalRegularizationLoss: at least one of mean_weight or second_moment_weight"
                    + " must be non-zero (both are " + b.meanWeight + " / " + b.secondMomentWeight + ").");
        }
        if (!List.of("mean", "sum").contains(b.aggregation)) {
            throw new LossInputException("GlobalOrthogonalRegularizationLoss: option 'aggregation' must be \"mean\" or \"sum\", but is \""
                    + b.aggregation + "\".");
        }
        this.similarity = b.similarity;
        this.meanWeight = b.meanWeight;
        this.secondMomentWeight = b.secondMomentWeight;
        this.aggregation = b.aggregation;
    }

    /** Whether a weight switches its term on: upstream tests the weight's truth (None and 0 are off). */
    private static boolean on(Double weight) {
        return weight != null && weight != 0.0;
    }

    public static GlobalOrthogonalRegularizationLoss defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the upstream options. */
    public static GlobalOrthogonalRegularizationLoss fromConfig(ConfigReader options) {
        Builder b = builder();
        String sim = options.getString("similarity_fct", null);
        if (sim != null) {
            b.similarityFct(SimilarityFunction.fromName(sim, SimilarityFunction.Kind.ALL_PAIRS, "GlobalOrthogonalRegularizationLoss"));
        }
        if (options.isGiven("mean_weight")) {
            b.meanWeight(options.getNullableDouble("mean_weight"));
        }
        if (options.isGiven("second_moment_weight")) {
            b.secondMomentWeight(options.getNullableDouble("second_moment_weight"));
        }
        b.aggregation(options.getString("aggregation", "mean"));
        return b.build();
    }

    @Override
    public String name() {
        return "GlobalOrthogonalRegularizationLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        int k = inputs.columnCount();
        SDVariable meanSum = null;
        SDVariable momentSum = null;
        for (int c = 0; c < k; c++) {
            SDVariable x = inputs.column(c);
            SDVariable s = similarity.apply(sd, x, x, inputs.embeddingDim());
            // the self-similarities add nothing and get no gradient: zero the diagonal
            SDVariable offDiagonal = SdMath.identityLike(sd, s).rsub(1.0);
            SDVariable pairs = offDiagonal.sum();
            SDVariable off = s.mul(offDiagonal);
            SDVariable m1 = off.sum().div(pairs);
            SDVariable m2 = off.mul(off).sum().div(pairs);
            SDVariable mean = m1.mul(m1);
            SDVariable moment = SdMath.relu(sd, m2.sub(1.0 / inputs.embeddingDim()));
            meanSum = meanSum == null ? mean : meanSum.add(mean);
            momentSum = momentSum == null ? moment : momentSum.add(moment);
        }
        double scale = aggregation.equals("mean") ? 1.0 / k : 1.0;
        Map<String, SDVariable> components = new LinkedHashMap<>();
        if (on(meanWeight)) {
            components.put("gor_mean", meanSum.mul(scale * meanWeight));
        }
        if (on(secondMomentWeight)) {
            components.put("gor_second_moment", momentSum.mul(scale * secondMomentWeight));
        }
        return LossOutput.ofComponents(components);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("similarity_fct", similarity.pythonName());
        c.put("mean_weight", meanWeight);
        c.put("second_moment_weight", secondMomentWeight);
        c.put("aggregation", aggregation);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.ZHANG2017LEARNINGSPREADOUTLOCALFEATURE);
    }

    /** Builder; defaults are sentence-transformers'. */
    public static final class Builder {
        private SimilarityFunction similarity = SimilarityFunction.COS_SIM;
        private Double meanWeight = 1.0;
        private Double secondMomentWeight = 1.0;
        private String aggregation = "mean";

        private Builder() {
        }

        /** An all-pairs similarity function (default {@code cos_sim}). */
        public Builder similarityFct(SimilarityFunction similarity) {
            if (similarity.kind() != SimilarityFunction.Kind.ALL_PAIRS) {
                throw new LossInputException("GlobalOrthogonalRegularizationLoss needs an all-pairs similarity function, but got '"
                        + similarity.pythonName() + "'.");
            }
            this.similarity = similarity;
            return this;
        }

        /** Weight of the mean term; {@code null} or 0 leaves it out (default 1). */
        public Builder meanWeight(Double weight) {
            this.meanWeight = weight;
            return this;
        }

        /** Weight of the second-moment term; {@code null} or 0 leaves it out (default 1). */
        public Builder secondMomentWeight(Double weight) {
            this.secondMomentWeight = weight;
            return this;
        }

        /** {@code "mean"} (default) or {@code "sum"} over the columns. */
        public Builder aggregation(String aggregation) {
            this.aggregation = aggregation;
            return this;
        }

        public GlobalOrthogonalRegularizationLoss build() {
            return new GlobalOrthogonalRegularizationLoss(this);
        }
    }
}
