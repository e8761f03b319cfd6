package org.sentence4j.losses.pair;

import org.nd4j.autodiff.samediff.SDVariable;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputs;

/**
 * What the pair losses share: the {@code (sentence_A, sentence_B)} input format, the shape check (the format,
 * then the same width in every column, since rows are compared elementwise) and reading the labels as a
 * vector. A loss with more rules overrides {@link #validate} and calls this one first.
 */
abstract class PairLoss extends AbstractSentenceLoss {

    /** Two columns {@code (sentence_A, sentence_B)} and one label of the given kind per row. */
    static InputFormat pairs(LabelKind kind) {
        return InputFormat.labeled(2, 2, "(sentence_A, sentence_B)", kind, 1);
    }

    @Override
    public void validate(InputShapes shapes) {
        inputFormat().check(name(), shapes);
        PairChecks.sameWidth(name(), shapes);
    }

    /** The labels [B], in the data type of {@code like}. */
    SDVariable labels(LossInputs inputs, SDVariable like) {
        return inputs.requireLabels(name()).reshape(-1).castTo(like.dataType());
    }
}
