package org.sentence4j.losses.triplet;

import java.util.function.UnaryOperator;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;

/** What the four batch triplet losses share: the input format, the label masks, hard mining and options. */
final class BatchTriplets {

    /** One column of sentences and one integer class label per row. */
    static final InputFormat FORMAT = InputFormat.labeled(1, 1, "(sentence)", LabelKind.CLASS, 1);

    static final String DISTANCE_KEY = "distance_metric";
    static final String MARGIN_KEY = "margin";
    static final double DEFAULT_MARGIN = 5.0;

    private BatchTriplets() {
    }

    /**
     * The distance matrix and the label masks of one batch, all [B,B] in the embeddings' data type.
     *
     * @param dist     D[i][j], the distance between rows i and j
     * @param positive 1 where j ≠ i and y_j = y_i (the valid positives P(i))
     * @param negative 1 where y_j ≠ y_i (the valid negatives N(i))
     */
    record Batch(SameDiff sd, SDVariable dist, SDVariable positive, SDVariable negative) {
    }

    /** Distances and masks, built in-graph from the labels so that the batch size stays dynamic. */
    static Batch batch(LossInputs inputs, BatchDistance distance, String loss) {
        SameDiff sd = inputs.sd();
        SDVariable x = inputs.column(0);
        SDVariable labels = inputs.requireLabels(loss);   // [B], rank checked by FORMAT
        SDVariable dist = distance.matrix(sd, x);
        // Compare in the labels' own type (exact for integer ids), then turn the boolean into a float mask.
        SDVariable equal = sd.expandDims(labels, 1).eq(sd.expandDims(labels, 0)).castTo(x.dataType());
        SDVariable identity = SdMath.identityLike(sd, dist);
        return new Batch(sd, dist, equal.sub(identity), equal.rsub(1.0));
    }

    /** {@code x} [B,B] with a unit axis inserted at {@code axis} (0, 1 or 2): see {@link SdMath#insertAxis}. */
    static SDVariable expandMatrix(SameDiff sd, SDVariable x, int axis) {
        return SdMath.insertAxis(sd, x, axis, 2);
    }

    /** Row maximum [B,1]; its gradient goes to the selected entry. */
    static SDVariable rowMax(SDVariable x) {
        return x.max(true, 1);
    }

    /** Row minimum [B,1], as {@code −max(−x)} (the gradient of max is the one SameDiff is known to get right). */
    static SDVariable rowMin(SDVariable x) {
        return x.neg().max(true, 1).neg();
    }

    /**
     * The batch-hard loss {@code mean_i term(hp_i − hn_i)} over the anchors of a batch, where, as upstream mines
     * them, {@code hp_i = max_{p ∈ P(i)} D[i][p]} (0 without a positive) and
     * {@code hn_i = min_k (D[i][k] + rowmax_i(D) · [y_k = y_i])}: the closest negative, and for an anchor
     * without a negative {@code rowmax_i(D) + min_{y_k = y_i} D[i][k] = hp_i} (as D[i][i] = 0), so that such an
     * anchor contributes {@code term(0)} with zero gradient. {@code slope} is the derivative of {@code term}.
     *
     * <p>Why not SameDiff's backward pass: the mining is a handful of B×B element-wise ops and reductions, and
     * the generated backward pass added one or two full-size arrays per op (2.5 s at B = 4096, most of it
     * allocating 64 MB arrays), although the gradient reaches at most two entries per row. Here the B×B part runs
     * forward only on {@link SdMath#detach}ed embeddings: a max/argmax and a min/argmin of one matrix product
     * ({@link BatchDistance#miningMatrix}) over the positives and the negatives, the other entries made 0 and
     * +∞, six B×B arrays in all. The gradient with respect to the
     * embeddings is assembled from the two selected pairs of every anchor ({@link SdMath#rowsAt},
     * {@link SdMath#addRowsAt}, {@link BatchDistance#pairGradient}) and attached with
     * {@link SdMath#withGradient}. Ties between equal distances go to the first index, as SameDiff's max.
     */
    static SDVariable batchHardMean(LossInputs inputs, BatchDistance distance, String loss,
                                    UnaryOperator<SDVariable> term, UnaryOperator<SDVariable> slope) {
        SameDiff sd = inputs.sd();
        SDVariable x = inputs.column(0);
        SDVariable labels = inputs.requireLabels(loss);
        DataType type = x.dataType();
        SDVariable base = distance.base(sd, x);
        SDVariable b = SdMath.detach(sd, base);
        SDVariable m = distance.miningMatrix(sd, b);

        // masks, in the labels' own type (exact for integer ids)
        SDVariable count = sd.sizeAt(b, 0);
        SDVariable index = sd.range(sd.constant(Nd4j.scalar(0L)), count, sd.constant(Nd4j.scalar(1L)), DataType.INT64);
        SDVariable self = sd.expandDims(index, 1).eq(sd.expandDims(index, 0));
        SDVariable same = sd.expandDims(labels, 1).eq(sd.expandDims(labels, 0));
        SDVariable other = sd.expandDims(labels, 1).neq(sd.expandDims(labels, 0));
        // hardest positive as upstream: max of mask ⊙ M, so 0 without a positive (M ≥ 0 up to rounding)
        SDVariable towardPositives = m.mul(sd.math.xor(same, self).castTo(type));
        // closest negative: log(1) = 0 keeps an entry, log(0) = −∞ makes the others +∞ (a B×B `where` would do
        // the same 40× slower); +∞ is left for an anchor without a negative
        SDVariable towardNegatives = m.sub(sd.math.log(other.castTo(type)));

        SDVariable hp = SdMath.relu(sd, distance.toDistance(sd, towardPositives.max(true, 1)));
        SDVariable nearest = towardNegatives.min(true, 1);
        SDVariable hasNegative = nearest.lt(Double.POSITIVE_INFINITY);
        SDVariable hn = sd.where(distance.toDistance(sd, nearest), hp, hasNegative);
        SDVariable z = hp.sub(hn);
        SDVariable value = term.apply(z).mean();

        // d value / d hp_i = slope(z_i) / B = − d value / d hn_i; none for an anchor without a negative
        SDVariable dz = slope.apply(z).mul(hasNegative.castTo(type))
                .mul(SdMath.reciprocal(sd, count.castTo(type)));
        // hp is clamped at 0 (relu), hn is not; a zero euclidean distance has no gradient (pairGradient)
        SDVariable wp = dz.mul(hp.gt(0.0).castTo(type));
        SDVariable p = sd.argmax(towardPositives, 1);
        SDVariable n = sd.argmin(towardNegatives, 1);
        SDVariable[] gp = distance.pairGradient(sd, b, SdMath.rowsAt(sd, b, p), hp, wp);
        SDVariable[] gn = distance.pairGradient(sd, b, SdMath.rowsAt(sd, b, n), hn, dz.neg());
        SDVariable partners = SdMath.addRowsAt(sd, sd.concat(0, gp[1], gn[1]), sd.concat(0, p, n), count);
        return SdMath.withGradient(sd, value, base, gp[0].add(gn[0]).add(partners));
    }

    static BatchDistance distance(ConfigReader options) {
        return BatchDistance.fromName(options.getString(DISTANCE_KEY, BatchDistance.EUCLIDEAN.pythonName()), options.loss());
    }

    static double margin(ConfigReader options) {
        return options.getDouble(MARGIN_KEY, DEFAULT_MARGIN);
    }

    static double checkMargin(String loss, double margin) {
        if (!Double.isFinite(margin)) {
            throw new LossInputException(loss + ": option 'margin' must be a finite number, but is " + margin + ".");
        }
        return margin;
    }

    static BatchDistance checkDistance(String loss, BatchDistance distance) {
        if (distance == null) {
            throw new LossInputException(loss + ": option 'distance_metric' must not be null.");
        }
        return distance;
    }
}
