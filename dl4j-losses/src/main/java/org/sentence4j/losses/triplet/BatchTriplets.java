package org.sentence4j.losses.triplet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
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
     * Per anchor, the hardest positive {@code hp = max_j mask_P ⊙ D} (0 without a positive) and the hardest
     * negative {@code hn = min_k (D + rowmax(D) ⊙ (1 − mask_N))} (the row maximum plus D[i][i] without a
     * negative), both [B,1], exactly as upstream mines them.
     */
    static SDVariable[] hardest(Batch b) {
        SDVariable hp = rowMax(b.positive().mul(b.dist()));
        SDVariable hn = rowMin(b.dist().add(rowMax(b.dist()).mul(b.negative().rsub(1.0))));
        return new SDVariable[] {hp, hn};
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
