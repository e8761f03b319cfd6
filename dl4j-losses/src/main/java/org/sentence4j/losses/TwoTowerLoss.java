package org.sentence4j.losses;

import java.util.List;

/**
 * A loss whose embedding columns come from two networks: the model being trained and an independent copy of
 * it made when training starts, both trained (sentence-transformers' ContrastiveTension losses keep the copy
 * as their {@code model1} and the given model as {@code model2}; the model is what is saved).
 *
 * <p>At the embedding level such a loss is an ordinary fragment over the towers' outputs. This declaration
 * tells the trainer how to produce those outputs from the dataset's columns: {@link #towerInputs} names, for
 * each embedding column of {@link #build}, the tower and the dataset column it reads. The copy's parameters
 * are the loss's own ({@link #COPY_PREFIX} + the Hugging Face name): they are trained, checkpointed and
 * restored with the loss, and never saved with the model.
 */
public interface TwoTowerLoss extends SentenceLoss {

    /** Name prefix of the copy tower's parameters among the loss's parameters (upstream's attribute name). */
    String COPY_PREFIX = "model1.";

    /** The two networks. */
    enum Tower {
        /** The model given to the trainer (upstream {@code model2}), saved after training. */
        MODEL,
        /** The independent copy made at the start (upstream {@code model1}), trained too, not saved. */
        COPY
    }

    /** One embedding column: which tower embeds which dataset column. */
    record TowerInput(Tower tower, int dataColumn) {
    }

    /**
     * The embedding columns of {@link #build}, in order, for a dataset with {@code dataColumns} input columns;
     * a clear {@link LossInputException} for a column count the loss cannot take.
     */
    List<TowerInput> towerInputs(int dataColumns);

    /**
     * Whether the loss derives its labels from the token ids when the dataset has none (ContrastiveTensionLoss
     * in v6: 1 where the two columns' non-padding ids are identical, else 0).
     */
    default boolean labelsFromIdenticalTokens() {
        return false;
    }
}
