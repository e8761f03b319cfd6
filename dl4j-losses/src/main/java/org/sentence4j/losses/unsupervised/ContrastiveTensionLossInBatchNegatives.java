package org.sentence4j.losses.unsupervised;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.TwoTowerLoss;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * Contrastive Tension with in-batch negatives (sentence-transformers
 * {@code ContrastiveTensionLossInBatchNegatives}): unsupervised fine-tuning from single sentences.
 *
 * <p>The dataset has one column of sentences. As in {@link ContrastiveTensionLoss}, a deep copy of the model
 * (tower 1) and the model itself (tower 2, kept after training) both encode that column; at this
 * (embedding) level the loss therefore takes the two towers' outputs {@code E_0 = tower1(x)} and
 * {@code E_1 = tower2(x)} as its two columns, and no labels. The scores
 * {@code S = sim(E_0, E_1) · exp(logit_scale)} are a symmetric InfoNCE problem whose targets are the
 * diagonal: {@code loss = (CE(S) + CE(Sᵀ)) / 2}, each cross-entropy averaged over rows. Every other
 * sentence of the batch serves as a negative, so it learns from a plain list of sentences without the
 * positive/negative pairs of the original CT.
 *
 * <p>{@code logit_scale} is a trainable scalar owned by the loss, initialised to {@code (float) ln(scale)};
 * {@link #config()} reports {@code scale} as its current exponential.
 *
 * <p>Paper: Carlsson et al., "Semantic Re-tuning with Contrastive Tension", ICLR 2021.
 */
public final class ContrastiveTensionLossInBatchNegatives extends AbstractSentenceLoss implements TwoTowerLoss {

    /** Name of the trainable temperature parameter, as upstream. */
    public static final String LOGIT_SCALE = "logit_scale";

    private static final InputFormat FORMAT = InputFormat.unlabeled(2, 2,
            "(tower_1(sentence), tower_2(sentence)): the two towers' embeddings of the same sentence column");

    private final double scale;
    private final SimilarityFunction similarityFct;

    private ContrastiveTensionLossInBatchNegatives(Builder b) {
        this.scale = b.scale;
        this.similarityFct = b.similarityFct;
    }

    /** The loss with upstream defaults (scale 20, {@code cos_sim}). */
    public static ContrastiveTensionLossInBatchNegatives defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the upstream options ({@code scale}, {@code similarity_fct}). */
    public static ContrastiveTensionLossInBatchNegatives fromConfig(ConfigReader options) {
        Builder b = builder().scale(options.getDouble("scale", 20.0));
        if (options.has("similarity_fct")) {
            b.similarityFct(options.getString("similarity_fct", null));
        }
        return b.build();
    }

    @Override
    public String name() {
        return "ContrastiveTensionLossInBatchNegatives";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    public SimilarityFunction similarityFct() {
        return similarityFct;
    }

    /** The initial value of {@code logit_scale}: {@code ln(scale)} rounded to float, as upstream stores it. */
    public float initialLogitScale() {
        return (float) Math.log(scale);
    }

    /** The current value of {@code logit_scale} (the initial one until the loss has been built or trained). */
    public double logitScale() {
        INDArray v = parameterValues().get(LOGIT_SCALE);
        return v == null ? initialLogitScale() : v.getDouble(0);
    }

    @Override
    public void validate(InputShapes shapes) {
        super.validate(shapes);
        ContrastiveTensionLoss.checkTowerWidths(name(), shapes);
    }

    /** The one sentence column through the copy ({@code model1}) and through the model ({@code model2}), as upstream. */
    @Override
    public List<TowerInput> towerInputs(int dataColumns) {
        if (dataColumns != 1) {
            throw new LossInputException(name() + " takes one column of sentences (v6), but the dataset has " + dataColumns
                    + " text columns. Keep only the sentence column.");
        }
        return List.of(new TowerInput(Tower.COPY, 0), new TowerInput(Tower.MODEL, 0));
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        DataType type = inputs.dataType();
        SDVariable logitScale = parameter(sd, LOGIT_SCALE, () -> Nd4j.scalar(type, (double) initialLogitScale()));
        // a value stored in another type (a float64 gradient-check graph after float32 training) is cast in the graph
        SDVariable ls = logitScale.dataType() == type ? logitScale : logitScale.castTo(type);

        SDVariable scores = similarityFct.apply(sd, inputs.column(0), inputs.column(1)).mul(sd.math.exp(ls));
        SDVariable eye = SdMath.identityLike(sd, scores);
        SDVariable diagonal = scores.mul(eye).sum(true, 1);
        SDVariable forward = SdMath.crossEntropyRows(sd, scores, diagonal).mean();
        SDVariable backward = SdMath.crossEntropyRows(sd, sd.transpose(scores), diagonal).mean();
        return LossOutput.of(forward.add(backward).mul(0.5)).withParameters(Map.of(LOGIT_SCALE, logitScale));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        // upstream reports logit_scale.exp().item(): a float32 exponential, widened
        c.put("scale", (double) (float) Math.exp((float) logitScale()));
        c.put("similarity_fct", similarityFct.pythonName());
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.CARLSSON2021SEMANTIC);
    }

    /** Builder of {@link ContrastiveTensionLossInBatchNegatives}; defaults are sentence-transformers'. */
    public static final class Builder {
        private double scale = 20.0;
        private SimilarityFunction similarityFct = SimilarityFunction.COS_SIM;

        private Builder() {
        }

        /** Initial inverse temperature; {@code logit_scale} starts at {@code ln(scale)} (default 20). */
        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        /** All-pairs similarity of the two towers' embeddings (default {@code cos_sim}). */
        public Builder similarityFct(SimilarityFunction similarityFct) {
            this.similarityFct = similarityFct;
            return this;
        }

        /** The similarity by its Python name, e.g. {@code dot_score}. */
        public Builder similarityFct(String name) {
            this.similarityFct = SimilarityFunction.fromName(name, SimilarityFunction.Kind.ALL_PAIRS,
                    "ContrastiveTensionLossInBatchNegatives");
            return this;
        }

        public ContrastiveTensionLossInBatchNegatives build() {
            if (!Double.isFinite(scale) || scale <= 0) {
                // ln(scale) must be a finite number
                throw new LossInputException("ContrastiveTensionLossInBatchNegatives: option 'scale' must be a finite number > 0"
                        + " (logit_scale starts at ln(scale)), but is " + scale + ".");
            }
            if (similarityFct == null) {
                throw new LossInputException("ContrastiveTensionLossInBatchNegatives: option 'similarity_fct' must not be null.");
            }
            if (similarityFct.kind() != SimilarityFunction.Kind.ALL_PAIRS) {
                SimilarityFunction.fromName(similarityFct.pythonName(), SimilarityFunction.Kind.ALL_PAIRS,
                        "ContrastiveTensionLossInBatchNegatives");
            }
            return new ContrastiveTensionLossInBatchNegatives(this);
        }
    }
}
