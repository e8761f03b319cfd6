package org.sentence4j.losses.ranking;

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
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * MegaBatchMarginLoss (Wieting &amp; Gimpel 2018): for each anchor, the hardest other positive in the batch is
 * its negative.
 *
 * <p>Columns exactly {@code (anchor, positive)}; no labels. With {@code C = cos_sim(A, P)}, {@code pos_i = C[i][i]}
 * and {@code neg_i = max_{j≠i} C[i][j]}, the loss is
 * {@code mean_i [relu(positive_margin − pos_i) + relu(neg_i − negative_margin)]} (reference 4.4); for a batch of
 * one the negative term is 0.
 *
 * <p>Both values of {@code use_mini_batched_version} give exactly this value and gradient. The mini-batched
 * version (default) is a GradCache loss: {@link #usesGradientCache()} tells the trainer to embed in chunks of
 * {@code mini_batch_size} (default 50) rows or {@code mini_batch_num_tokens} tokens.
 */
public class MegaBatchMarginLoss extends AbstractSentenceLoss implements MiniBatchedLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "MegaBatchMarginLoss";

    private final double positiveMargin;
    private final double negativeMargin;
    private final boolean useMiniBatchedVersion;
    private final MiniBatchOptions miniBatch;

    /** A loss with every option at its default. */
    public MegaBatchMarginLoss() {
        this(0.8, 0.3, true, 50, null);
    }

    public MegaBatchMarginLoss(double positiveMargin, double negativeMargin, boolean useMiniBatchedVersion,
                               int miniBatchSize, Integer miniBatchNumTokens) {
        this(positiveMargin, negativeMargin, useMiniBatchedVersion, new MiniBatchOptions(miniBatchSize, miniBatchNumTokens, false));
    }

    MegaBatchMarginLoss(double positiveMargin, double negativeMargin, boolean useMiniBatchedVersion, MiniBatchOptions miniBatch) {
        if (!Double.isFinite(positiveMargin) || !Double.isFinite(negativeMargin)) {
            throw new LossInputException(NAME + ": positive_margin and negative_margin must be finite numbers, got "
                    + positiveMargin + " and " + negativeMargin + ".");
        }
        this.miniBatch = miniBatch.check(NAME);
        this.positiveMargin = positiveMargin;
        this.negativeMargin = negativeMargin;
        this.useMiniBatchedVersion = useMiniBatchedVersion;
    }

    /** Reads the options from snake_case keys (missing ones take the defaults). */
    public static MegaBatchMarginLoss fromConfig(ConfigReader c) {
        return new MegaBatchMarginLoss(c.getDouble("positive_margin", 0.8), c.getDouble("negative_margin", 0.3),
                c.getBoolean("use_mini_batched_version", true), MiniBatchOptions.read(c, 50));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputFormat inputFormat() {
        return InputFormat.unlabeled(2, 2, "(anchor, positive)");
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable c = SimilarityFunction.COS_SIM.apply(sd, inputs.column(0), inputs.column(1));
        SDVariable pos = sd.math.diagPart(c);
        // the hardest other positive of each row: the diagonal is masked before the maximum
        SDVariable neg = SdMath.maskFill(sd, c, SdMath.identityLike(sd, c)).max(1);
        SDVariable perRow = SdMath.relu(sd, pos.rsub(positiveMargin)).add(SdMath.relu(sd, neg.sub(negativeMargin)));
        return LossOutput.of(SdMath.mean(perRow));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("positive_margin", positiveMargin);
        m.put("negative_margin", negativeMargin);
        miniBatch.putSizes(m);
        return m;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.WIETING_GIMPEL_2018_PARANMT);
    }

    public double positiveMargin() {
        return positiveMargin;
    }

    public double negativeMargin() {
        return negativeMargin;
    }

    public boolean useMiniBatchedVersion() {
        return useMiniBatchedVersion;
    }

    /** True for the mini-batched (GradCache) version, false for the full-batch version. */
    @Override
    public boolean usesGradientCache() {
        return useMiniBatchedVersion;
    }

    @Override
    public MiniBatchOptions miniBatchOptions() {
        return miniBatch;
    }
}
