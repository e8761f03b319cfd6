package org.sentence4j.losses.ranking;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
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
 * {@code mini_batch_size} (default 50) rows or {@code mini_batch_num_tokens} tokens; and, as upstream, its
 * score matrix is built in chunks of {@code mini_batch_size} anchor rows, so that no B×B array exists (the
 * full-batch version builds the B×B matrix).
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
        return useMiniBatchedVersion ? miniBatched(inputs) : fullBatch(inputs);
    }

    /** The full-batch version: the B×B cosine matrix, its diagonal masked, the maximum of every row. */
    private LossOutput fullBatch(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable c = SimilarityFunction.COS_SIM.apply(sd, inputs.column(0), inputs.column(1));
        SDVariable pos = sd.math.diagPart(c);
        // the hardest other positive of each row: the diagonal is masked before the maximum
        SDVariable neg = SdMath.maskFill(sd, c, SdMath.identityLike(sd, c)).max(1);
        SDVariable perRow = SdMath.relu(sd, pos.rsub(positiveMargin)).add(SdMath.relu(sd, neg.sub(negativeMargin)));
        return LossOutput.of(SdMath.mean(perRow));
    }

    /**
     * The mini-batched version, as upstream: the score matrix is built in chunks of {@code mini_batch_size}
     * anchor rows against all B positives, so no B×B array exists and the loss's memory grows with
     * B·{@code mini_batch_size}, not B². The chunks are a SameDiff while loop that runs forward only, on
     * {@link SdMath#detach detached} unit vectors: it returns, for each anchor, the cosine of its hardest other
     * positive and that positive's row. The gradient of the negative term is then supplied directly
     * ({@link SdMath#withGradient}): {@code w_i·p̂_j} for anchor i and {@code Σ_i w_i·â_i} for the mined
     * positive j, with {@code w_i = [neg_i > negative_margin] / B}, and flows back through the normalisation
     * by SameDiff's own gradient. Value and gradients equal {@link #fullBatch} (GoldenFixturesTest,
     * MegaBatchMarginLossChunkingTest); a loop iteration's arrays are freed when it ends.
     */
    private LossOutput miniBatched(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable a = SdMath.l2Normalize(sd, inputs.column(0));
        SDVariable p = SdMath.l2Normalize(sd, inputs.column(1));
        DataType type = a.dataType();
        SDVariable count = sd.sizeAt(a, 0);
        SDVariable rows = count.castTo(type);
        SDVariable positiveTerm = SdMath.mean(SdMath.relu(sd, SdMath.rowDot(a, p).rsub(positiveMargin)));

        SDVariable[] mined = hardestOtherPositive(sd, SdMath.detach(sd, a), SdMath.detach(sd, p), count, miniBatch.miniBatchSize());
        SDVariable neg = mined[0];
        SDVariable partner = mined[1];
        SDVariable negativeValue = SdMath.divide(sd, SdMath.relu(sd, neg.sub(negativeMargin)).sum(), rows);
        SDVariable w = sd.expandDims(SdMath.divide(sd, SdMath.greaterThan(neg, sd.constant(negativeMargin).castTo(type)), rows), 1);
        SDVariable gradA = SdMath.rowsAt(sd, p, partner).mul(w);
        SDVariable gradP = SdMath.addRowsAt(sd, SdMath.detach(sd, a).mul(w), partner, count);
        SDVariable negativeTerm = SdMath.withGradient(sd, negativeValue, sd.concat(0, a, p), sd.concat(0, gradA, gradP));
        return LossOutput.of(positiveTerm.add(negativeTerm));
    }

    /**
     * For unit rows {@code a} and {@code p} [B, D] (detached), {@code [neg, j]}: {@code neg_i = max_{j≠i} a_i·p_j}
     * ({@link SdMath#NEG_LARGE} when B = 1) and its arg-max {@code j_i}, computed in a while loop over chunks of
     * {@code chunk} anchor rows, each scored against all B positives ([chunk, B] at a time).
     */
    private static SDVariable[] hardestOtherPositive(SameDiff sd, SDVariable a, SDVariable p, SDVariable count, int chunk) {
        DataType type = a.dataType();
        // floating-point values cross the loop's boundary as their bits (SdMath.toBits: SameDiff cannot
        // differentiate a loop, and does not try to for integers)
        SDVariable[] init = {sd.constant(Nd4j.scalar(0L)), count, SdMath.toBits(sd, a), SdMath.toBits(sd, p),
                SdMath.toBits(sd, sd.constant(Nd4j.create(type, 0))), sd.constant(Nd4j.create(DataType.INT64, 0))};
        SDVariable[] out = sd.whileLoop(init, (s, v) -> v[0].lt(v[1]), (s, v) -> {
            SDVariable start = v[0];
            SDVariable n = v[1];
            SDVariable zero = s.constant(Nd4j.scalar(0L));
            SDVariable one = s.constant(Nd4j.scalar(1L));
            SDVariable end = s.math.min(start.add(s.constant(Nd4j.scalar((long) chunk))), n);
            SDVariable anchors = s.slice(SdMath.fromBits(s, v[2], type), s.stack(0, start, zero),
                    s.stack(0, end.sub(start), s.constant(Nd4j.scalar(-1L))));
            SDVariable scores = SdMath.matmulTransposed(s, anchors, SdMath.fromBits(s, v[3], type));
            SDVariable self = s.expandDims(s.range(start, end, one, DataType.INT64), 1)
                    .eq(s.expandDims(s.range(zero, n, one, DataType.INT64), 0)).castTo(type);
            SDVariable masked = SdMath.maskFill(s, scores, self);
            return new SDVariable[] {end, n, v[2], v[3], s.concat(0, v[4], SdMath.toBits(s, masked.max(1))),
                    s.concat(0, v[5], s.argmax(masked, 1))};
        });
        return new SDVariable[] {SdMath.fromBits(sd, out[4], type), out[5]};
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
