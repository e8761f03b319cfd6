package org.sentence4j.losses.distillation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * Margin-MSE distillation (sentence-transformers {@code MarginMSELoss}): the student's score margin between
 * the positive and each negative of a query is regressed onto the teacher's margin.
 *
 * <p>Columns are {@code (query, positive, negative_1, ..., negative_n)} with {@code n >= 1}. The student's
 * margin is {@code sim(q, p) − sim(q, n_k)} and the loss is the mean over the batch and the negatives of
 * {@code (margin − teacher_margin)²}. Use it to distil a cross-encoder (or any stronger scorer) into a
 * bi-encoder: only score differences are matched, so teacher and student may score on different scales.
 *
 * <p>The shape of the labels decides what they mean: {@code [batch, n+1]} are raw teacher scores
 * {@code [pos, neg_1, ..., neg_n]} (turned into margins {@code pos − neg_k}), {@code [batch, n]} are
 * margins, and {@code [batch]} is one margin per row (only with one negative). Any other shape is rejected.
 *
 * <p>Paper: Hofstätter et al., "Improving Efficient Neural Ranking Models with Cross-Architecture
 * Knowledge Distillation", 2021.
 */
public final class MarginMSELoss extends AbstractSentenceLoss {

    private static final InputFormat FORMAT = InputFormat.labeled(3, Integer.MAX_VALUE,
            "(query, positive, negative_1, ..., negative_n)", LabelKind.SCORE, 1, 2);

    private final SimilarityFunction similarityFct;

    private MarginMSELoss(Builder b) {
        this.similarityFct = b.similarityFct;
    }

    /** The loss with upstream defaults ({@code pairwise_dot_score}). */
    public static MarginMSELoss defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the upstream options ({@code similarity_fct}). */
    public static MarginMSELoss fromConfig(ConfigReader options) {
        Builder b = builder();
        if (options.has("similarity_fct")) {
            b.similarityFct(options.getString("similarity_fct", null));
        }
        return b.build();
    }

    @Override
    public String name() {
        return "MarginMSELoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    public SimilarityFunction similarityFct() {
        return similarityFct;
    }

    @Override
    public void validate(InputShapes shapes) {
        super.validate(shapes);
        int n = shapes.columns() - 2;
        long[] ls = shapes.labelShape();
        String accepted = "[batch, " + (n + 1) + "] teacher scores (positive, then each negative), [batch, " + n + "] margins"
                + (n == 1 ? " or [batch] margins" : "");
        if (ls.length == 1) {
            if (n != 1) {
                throw new LossInputException(name() + ": labels of shape " + InputShapes.format(ls) + " give one margin per row,"
                        + " which only fits one negative column, but " + n + " negative columns were given. Expected "
                        + accepted + ".");
            }
            return;
        }
        if (ls[1] < 0) {
            throw new LossInputException(name() + ": the number of label columns must be known when the loss is built (got "
                    + InputShapes.format(ls) + "); expected " + accepted + ".");
        }
        if (ls[1] != n + 1 && ls[1] != n) {
            throw new LossInputException(name() + ": labels of shape " + InputShapes.format(ls) + " do not fit " + n
                    + " negative column(s). Expected " + accepted + ".");
        }
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        int n = inputs.columnCount() - 2;
        SDVariable labels = SdMath.stopGradient(sd, inputs.requireLabels(name()));
        long[] ls = inputs.labelShape();

        // sim(q, candidate) for the positive and every negative: [batch, n + 1]
        SDVariable scores = DistillSupport.queryScores(sd, inputs, similarityFct);
        SDVariable positive = sd.slice(scores, new int[] {0, 0}, -1, 1);
        SDVariable negatives = sd.slice(scores, new int[] {0, 1}, -1, n);
        SDVariable margins = positive.sub(negatives);

        SDVariable target;
        if (ls.length == 1) {
            target = labels.reshape(-1, 1);
        } else if (ls[1] == n + 1) {
            target = sd.slice(labels, new int[] {0, 0}, -1, 1).sub(sd.slice(labels, new int[] {0, 1}, -1, n));
        } else {
            target = labels;
        }
        SDVariable diff = margins.sub(target);
        return LossOutput.of(diff.mul(diff).mean());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("similarity_fct", similarityFct.pythonName());
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.HOFSTATTER2021IMPROVING);
    }

    /** Builder of {@link MarginMSELoss}; defaults are sentence-transformers'. */
    public static final class Builder {
        private SimilarityFunction similarityFct = SimilarityFunction.PAIRWISE_DOT_SCORE;

        private Builder() {
        }

        /** Row-aligned similarity of query and candidates (default {@code pairwise_dot_score}). */
        public Builder similarityFct(SimilarityFunction similarityFct) {
            this.similarityFct = similarityFct;
            return this;
        }

        /** The similarity by its Python name, e.g. {@code pairwise_cos_sim}. */
        public Builder similarityFct(String name) {
            this.similarityFct = SimilarityFunction.fromName(name, SimilarityFunction.Kind.ROW_ALIGNED, "MarginMSELoss");
            return this;
        }

        public MarginMSELoss build() {
            if (similarityFct == null) {
                throw new LossInputException("MarginMSELoss: option 'similarity_fct' must not be null.");
            }
            if (similarityFct.kind() != SimilarityFunction.Kind.ROW_ALIGNED) {
                SimilarityFunction.fromName(similarityFct.pythonName(), SimilarityFunction.Kind.ROW_ALIGNED, "MarginMSELoss");
            }
            return new MarginMSELoss(this);
        }
    }
}
