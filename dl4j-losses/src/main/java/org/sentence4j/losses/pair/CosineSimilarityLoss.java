package org.sentence4j.losses.pair;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Regresses the cosine similarity of each pair {@code (sentence_A, sentence_B)} onto a float target score:
 * by default {@code mean_i (cos(a_i, b_i) − y_i)²} (MSE), or the mean absolute error. The original
 * Sentence-BERT STS objective; {@link CoSENTLoss} or {@link AnglELoss} usually train better on the same data
 * because they only need the order of the scores. Upstream cites no paper for this loss.
 *
 * <p>The cosine is PyTorch's {@code cosine_similarity} (each norm clamped at {@code 1e-8}). Of the
 * {@code cos_score_transformation} modules only {@code torch.nn.modules.linear.Identity} (the default) is
 * supported.
 */
public final class CosineSimilarityLoss extends PairLoss {

    /** PyTorch {@code cosine_similarity}'s clamp of each norm. */
    private static final double COSINE_EPS = 1e-8;

    private static final InputFormat FORMAT = pairs(LabelKind.SCORE);

    /** The regression losses {@code loss_fct} may name. */
    public enum LossFct {
        /** Mean squared error (default). */
        MSE("torch.nn.modules.loss.MSELoss"),
        /** Mean absolute error. */
        L1("torch.nn.modules.loss.L1Loss");

        private final String className;

        LossFct(String className) {
            this.className = className;
        }

        /** The full PyTorch class name, as reported in {@code config()}. */
        public String className() {
            return className;
        }

        /** By full class name or short name ({@code MSELoss}, {@code L1Loss}). */
        public static LossFct fromName(String name) {
            for (LossFct f : values()) {
                if (f.className.equals(name) || f.className.endsWith("." + name)) {
                    return f;
                }
            }
            throw new LossInputException("CosineSimilarityLoss: option 'loss_fct' must be "
                    + MSE.className + " or " + L1.className + ", but is '" + name + "'.");
        }
    }

    /** The only supported {@code cos_score_transformation}. */
    public static final String IDENTITY = "torch.nn.modules.linear.Identity";

    private final LossFct lossFct;

    private CosineSimilarityLoss(Builder b) {
        this.lossFct = b.lossFct;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** CosineSimilarityLoss with sentence-transformers' defaults (MSE, identity). */
    public static CosineSimilarityLoss defaults() {
        return builder().build();
    }

    /** From snake_case options ({@code loss_fct}, {@code cos_score_transformation}). */
    public static CosineSimilarityLoss fromConfig(ConfigReader opt) {
        Builder b = builder();
        if (opt.has("loss_fct")) {
            b.lossFct(LossFct.fromName(opt.getString("loss_fct", null)));
        }
        if (opt.has("cos_score_transformation")) {
            b.cosScoreTransformation(opt.getString("cos_score_transformation", null));
        }
        return b.build();
    }

    public LossFct lossFct() {
        return lossFct;
    }

    @Override
    public String name() {
        return "CosineSimilarityLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable cos = SdMath.rowCosine(sd, inputs.column(0), inputs.column(1), COSINE_EPS);
        SDVariable y = labels(inputs, cos);
        SDVariable err = cos.sub(y);
        SDVariable perRow = switch (lossFct) {
            case MSE -> err.mul(err);
            case L1 -> sd.math.abs(err);
        };
        return LossOutput.of(perRow.mean());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("loss_fct", lossFct.className());
        c.put("cos_score_transformation", IDENTITY);
        return c;
    }

    /** Builder with sentence-transformers' defaults. */
    public static final class Builder {
        private LossFct lossFct = LossFct.MSE;

        private Builder() {
        }

        /** MSE (default) or L1. */
        public Builder lossFct(LossFct lossFct) {
            this.lossFct = lossFct;
            return this;
        }

        /** Only {@code torch.nn.modules.linear.Identity} (or {@code Identity}) is supported. */
        public Builder cosScoreTransformation(String className) {
            if (!IDENTITY.equals(className) && !"Identity".equals(className)) {
                throw new LossInputException("CosineSimilarityLoss: option 'cos_score_transformation' supports only "
                        + IDENTITY + ", but is '" + className + "'.");
            }
            return this;
        }

        public CosineSimilarityLoss build() {
            if (lossFct == null) {
                throw new LossInputException("CosineSimilarityLoss: option 'loss_fct' must be "
                        + LossFct.MSE.className() + " or " + LossFct.L1.className() + ".");
            }
            return new CosineSimilarityLoss(this);
        }
    }
}
