package org.sentence4j.losses.pair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LabelRequirement;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * AnglE: {@link CoSENTLoss} on the angle similarity ({@code pairwise_angle_sim}), which treats each embedding
 * as a complex vector (first half real, second half imaginary) and scores a pair by the normalised complex
 * quotient. This avoids the saturation zones of the cosine, where its gradient vanishes; use it like CoSENT
 * on scored pairs, or on {@code (anchor, positive, negative_1, ..., negative_m)} tuples.
 *
 * <p>Tuples become the pairs {@code (a_i, p_i)} with label {@code y_i} and {@code (a_i, n_{k,i})} with label
 * {@code 1 − y_i}; without labels {@code y} is all ones, so every positive must rank above every negative.
 *
 * <p>Paper: Li and Li, "AoE: Angle-optimized Embeddings for Semantic Textual Similarity", ACL 2024.
 */
public final class AnglELoss extends PairLoss {

    private static final InputFormat FORMAT = new InputFormat(2, Integer.MAX_VALUE,
            "(sentence_A, sentence_B) with a score, or (anchor, positive, negative_1, ...) with optional scores",
            LabelRequirement.OPTIONAL, LabelKind.SCORE, 1);

    private final double scale;

    private AnglELoss(Builder b) {
        this.scale = b.scale;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** AnglE with sentence-transformers' default {@code scale = 20}. */
    public static AnglELoss defaults() {
        return builder().build();
    }

    /** From snake_case options: {@code scale}; {@code similarity_fct} is accepted only as {@code pairwise_angle_sim}. */
    public static AnglELoss fromConfig(ConfigReader opt) {
        if (opt.has("similarity_fct")) {
            String f = opt.getString("similarity_fct", null);
            if (SimilarityFunction.fromName(f) != SimilarityFunction.PAIRWISE_ANGLE_SIM) {
                throw new LossInputException("AnglELoss: option 'similarity_fct' is fixed to 'pairwise_angle_sim', but is '"
                        + f + "'. Use CoSENTLoss for another similarity function.");
            }
        }
        return builder().scale(opt.getDouble("scale", Builder.DEFAULT_SCALE)).build();
    }

    public double scale() {
        return scale;
    }

    @Override
    public String name() {
        return "AnglELoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    @Override
    public void validate(InputShapes shapes) {
        super.validate(shapes);
        if (shapes.columns() == 2 && !shapes.hasLabels()) {
            throw new LossInputException("AnglELoss needs labels (a float score per row) for (sentence_A, sentence_B) pairs,"
                    + " but none were given. Add a 'label' or 'score' column, or give (anchor, positive, negative_1, ...) columns.");
        }
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        int k = inputs.columnCount();
        SDVariable anchor = inputs.column(0);
        SDVariable y = inputs.labels().map(l -> l.reshape(-1).castTo(anchor.dataType()))
                // no labels (tuples only): every positive pair has label 1, every negative pair 0
                .orElseGet(() -> sd.onesLike(anchor.sum(1)));
        SDVariable left;
        SDVariable right;
        SDVariable labels;
        if (k == 2) {
            left = anchor;
            right = inputs.column(1);
            labels = y;
        } else {
            // v6 stacks [anchor x (m+1)] against [positives; negative_1; ...; negative_m], labels [y; 1-y; ...]
            List<SDVariable> anchors = new ArrayList<>();
            List<SDVariable> labelParts = new ArrayList<>();
            SDVariable negLabel = y.rsub(1.0);
            for (int c = 1; c < k; c++) {
                anchors.add(anchor);
                labelParts.add(c == 1 ? y : negLabel);
            }
            left = sd.concat(0, anchors.toArray(new SDVariable[0]));
            right = sd.concat(0, inputs.columns().subList(1, k).toArray(new SDVariable[0]));
            labels = sd.concat(0, labelParts.toArray(new SDVariable[0]));
        }
        SDVariable scores = SimilarityFunction.PAIRWISE_ANGLE_SIM.apply(sd, left, right, inputs.embeddingDim()).mul(scale);
        return LossOutput.of(CoSENTLoss.cosent(sd, scores, labels));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("scale", scale);
        c.put("similarity_fct", SimilarityFunction.PAIRWISE_ANGLE_SIM.pythonName());
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.LI_LI_2024_AOE);
    }

    /** Builder with sentence-transformers' defaults. */
    public static final class Builder {
        static final double DEFAULT_SCALE = 20.0;

        private double scale = DEFAULT_SCALE;

        private Builder() {
        }

        /** Multiplier of the angle similarities; default 20. */
        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        public AnglELoss build() {
            PairChecks.finite("AnglELoss", "scale", scale);
            return new AnglELoss(this);
        }
    }
}
