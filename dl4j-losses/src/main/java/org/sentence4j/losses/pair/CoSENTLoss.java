package org.sentence4j.losses.pair;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
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
     * labels [B], as a scalar: a log-sum-exp over the implicit 0 and the B×B differences
     * {@code D[i][j] = s_i − s_j}, shifted by their maximum {@code m ≥ 0}. Pairs not ordered by the labels are
     * replaced by −∞: they are exactly 0 in the exponential and cannot be the maximum (the 0 keeps it finite, so
     * an empty pair set, all labels equal or B = 1, gives exactly 0).
     *
     * <p>The B×B part runs forward only (on {@link SdMath#detach}ed scores), and the gradient is supplied with
     * {@link SdMath#withGradient}: with {@code E[i][j] = exp(D[i][j] − m)} and {@code Z = exp(−m) + Σ E}, the
     * derivative is {@code ∂/∂s_k = (Σ_j E[k][j] − Σ_i E[i][k]) / Z}, two reductions of the matrix that the
     * value needs anyway. SameDiff's own backward pass of the same computation allocated about ten more B×B
     * arrays (1.5 s at B = 4096, against 0.9 s for MultipleNegativesRankingLoss).
     */
    static SDVariable cosent(SameDiff sd, SDVariable scores, SDVariable labels) {
        DataType type = scores.dataType();
        SDVariable s = SdMath.detach(sd, scores);
        // labels are compared in the embeddings' type; fixture labels are exact float32 values
        SDVariable y = labels.castTo(type);
        // log(1) = 0 keeps an ordered pair, log(0) = −∞ removes the others (a B×B `where` is 40× slower)
        SDVariable ordered = sd.expandDims(y, 1).lt(sd.expandDims(y, 0)).castTo(type);
        SDVariable masked = sd.expandDims(s, 1).sub(sd.expandDims(s, 0)).add(sd.math.log(ordered));
        SDVariable max = sd.math.max(masked.max(), sd.constant(Nd4j.scalar(type, 0.0)));
        SDVariable e = sd.math.exp(masked.sub(max));
        SDVariable z = e.sum().add(sd.math.exp(max.neg()));
        SDVariable value = sd.math.log(z).add(max);
        // column sums as a vector-matrix product: a reduction along dimension 0 is several times slower
        SDVariable columnSums = sd.mmul(sd.onesLike(s).reshape(1, -1), e).reshape(-1);
        SDVariable gradient = e.sum(1).sub(columnSums).mul(SdMath.reciprocal(sd, z));
        return SdMath.withGradient(sd, value, scores, gradient);
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
