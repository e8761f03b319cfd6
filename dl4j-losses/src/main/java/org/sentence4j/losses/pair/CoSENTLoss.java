package org.sentence4j.losses.pair;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * CoSENT (Consistent Sentence Embedding via Similarity Ranking): for pairs {@code (sentence_A, sentence_B)}
 * with a real-valued score, it asks the model to order the pair similarities like the scores, through
 * {@code log(1 + Σ_{y_i < y_j} exp(s_i − s_j))} with {@code s_i = scale · sim(a_i, b_i)}. Only the order of
 * the scores matters, which makes it a drop-in, usually stronger replacement of
 * {@link CosineSimilarityLoss} for STS-style data.
 *
 * <p>Paper: Huang et al., "CoSENT: Consistent Sentence Embedding via Similarity Ranking", IEEE/ACM TASLP
 * 2024. Defaults as sentence-transformers: {@code scale = 20}, {@code similarity_fct = pairwise_cos_sim}.
 */
public final class CoSENTLoss extends PairLoss {

    private static final InputFormat FORMAT = pairs(LabelKind.SCORE);

    private final double scale;
    private final SimilarityFunction similarityFct;

    private CoSENTLoss(Builder b) {
        this.scale = b.scale;
        this.similarityFct = b.similarityFct;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** CoSENT with sentence-transformers' defaults. */
    public static CoSENTLoss defaults() {
        return builder().build();
    }

    /** From snake_case options ({@code scale}, {@code similarity_fct}). */
    public static CoSENTLoss fromConfig(ConfigReader opt) {
        Builder b = builder().scale(opt.getDouble("scale", Builder.DEFAULT_SCALE));
        if (opt.has("similarity_fct")) {
            b.similarityFct(SimilarityFunction.fromName(opt.getString("similarity_fct", null),
                    SimilarityFunction.Kind.ROW_ALIGNED, "CoSENTLoss"));
        }
        return b.build();
    }

    public double scale() {
        return scale;
    }

    public SimilarityFunction similarityFct() {
        return similarityFct;
    }

    @Override
    public String name() {
        return "CoSENTLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable scores = similarityFct.apply(sd, inputs.column(0), inputs.column(1), inputs.embeddingDim()).mul(scale);
        return LossOutput.of(cosent(sd, scores, inputs.requireLabels(name()).reshape(-1)));
    }

    /**
     * {@code log(1 + Σ_{(i,j): y_i < y_j} exp(s_i − s_j))} of scaled similarities {@code scores} [B] and
     * labels [B], as a scalar. Evaluated as a max-shifted log-sum-exp over {@code [0, D]}, where {@code D}
     * is the flattened B×B matrix of differences with the pairs not ordered by the labels masked by
     * {@link SdMath#maskFill}: masked entries become exactly {@code NEG_LARGE} (no rounding of the kept
     * values, unlike adding {@code −1e12·mask}), underflow to 0 in the exponential and get zero gradient.
     * The prepended 0 keeps the maximum finite and makes an empty pair set (all labels equal, B = 1) give
     * exactly 0.
     */
    static SDVariable cosent(SameDiff sd, SDVariable scores, SDVariable labels) {
        SDVariable diff = sd.expandDims(scores, 1).sub(sd.expandDims(scores, 0));
        // labels are compared in the embeddings' type; fixture labels are exact float32 values
        SDVariable y = labels.castTo(scores.dataType());
        SDVariable ordered = sd.expandDims(y, 1).lt(sd.expandDims(y, 0)).castTo(scores.dataType());
        SDVariable masked = SdMath.maskFill(sd, diff, ordered.rsub(1.0)).reshape(1, -1);
        SDVariable zero = sd.constant(Nd4j.zeros(scores.dataType(), 1, 1));
        SDVariable all = sd.concat(1, zero, masked);
        return SdMath.logSumExp(sd, all, 1).sum();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("scale", scale);
        c.put("similarity_fct", similarityFct.pythonName());
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.HUANG2024COSENT_10531646);
    }

    /** Builder with sentence-transformers' defaults. */
    public static final class Builder {
        static final double DEFAULT_SCALE = 20.0;

        private double scale = DEFAULT_SCALE;
        private SimilarityFunction similarityFct = SimilarityFunction.PAIRWISE_COS_SIM;

        private Builder() {
        }

        /** Multiplier of the similarities (inverse temperature); default 20. */
        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        /** A row-aligned similarity function; default {@code pairwise_cos_sim}. */
        public Builder similarityFct(SimilarityFunction similarityFct) {
            this.similarityFct = similarityFct;
            return this;
        }

        public CoSENTLoss build() {
            PairChecks.finite("CoSENTLoss", "scale", scale);
            PairChecks.rowAligned("CoSENTLoss", similarityFct);
            return new CoSENTLoss(this);
        }
    }
}
