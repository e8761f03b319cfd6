package org.sentence4j.losses.unsupervised;

import java.util.LinkedHashMap;
import java.util.List;
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
import org.sentence4j.losses.TwoTowerLoss;

/**
 * Contrastive Tension (sentence-transformers {@code ContrastiveTensionLoss}): unsupervised fine-tuning with
 * two independent copies of the model.
 *
 * <p>Training keeps two towers: a deep copy of the model encodes column 0 and the model itself (the one kept
 * after training) encodes column 1; both are trained. Pairs are either the same sentence twice (label 1) or
 * two different sentences (label 0), as {@link ContrastiveTensionDataLoader} produces them. The logit of a
 * pair is the plain dot product {@code z_i = ⟨e1_i, e2_i⟩} and the loss is binary cross-entropy with
 * logits, <b>summed</b> over the batch: {@code Σ_i [log(1 + exp(z_i)) − y_i·z_i]}. Use it to adapt a model
 * to a domain from raw sentences alone; it counteracts the poor semantic structure of the last layers of a
 * pre-trained language model.
 *
 * <p>At this (embedding) level the loss takes the two towers' outputs as its two columns and the 1/0
 * labels. In training ({@link TwoTowerLoss}) the trainer embeds column 0 with the copy and column 1 with the
 * model, and derives the labels from the token ids when the dataset has none, as v6 does.
 *
 * <p>Paper: Carlsson et al., "Semantic Re-tuning with Contrastive Tension", ICLR 2021.
 */
public final class ContrastiveTensionLoss extends AbstractSentenceLoss implements TwoTowerLoss {

    private static final InputFormat FORMAT = InputFormat.labeled(2, 2,
            "(tower_1(sentence_1), tower_2(sentence_2))", LabelKind.BINARY, 1);

    /** The loss (it has no hyperparameters). */
    public ContrastiveTensionLoss() {
    }

    public static ContrastiveTensionLoss defaults() {
        return new ContrastiveTensionLoss();
    }

    /** The loss has no options; any key in {@code options} is rejected by the registry. */
    public static ContrastiveTensionLoss fromConfig(ConfigReader options) {
        return new ContrastiveTensionLoss();
    }

    @Override
    public String name() {
        return "ContrastiveTensionLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    @Override
    public void validate(InputShapes shapes) {
        super.validate(shapes);
        if (Boolean.FALSE.equals(shapes.labelsIntegral())) {
            throw new LossInputException(name() + " expects labels 1 (identical sentences) or 0 (different sentences),"
                    + " but got non-integer values.");
        }
        checkTowerWidths(name(), shapes);
    }

    /** Both columns must have the same width (where known): the two towers' embeddings are compared row by row. */
    static void checkTowerWidths(String loss, InputShapes shapes) {
        long d0 = shapes.columnShapes().get(0)[1];
        long d1 = shapes.columnShapes().get(1)[1];
        if (d0 > 0 && d1 > 0 && d0 != d1) {
            throw new LossInputException(loss + ": both towers must produce embeddings of the same width, but column 0 has "
                    + d0 + " and column 1 has " + d1 + ".");
        }
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable labels = SdMath.stopGradient(sd, inputs.requireLabels(name())).reshape(-1);
        SDVariable logits = SdMath.rowDot(inputs.column(0), inputs.column(1));
        // summed, not averaged, as upstream (BCEWithLogitsLoss(reduction="sum"))
        return LossOutput.of(SdMath.bceWithLogits(sd, logits, labels).sum());
    }

    /** Column 0 through the copy ({@code model1}), column 1 through the model ({@code model2}), as upstream. */
    @Override
    public List<TowerInput> towerInputs(int dataColumns) {
        if (dataColumns != 2) {
            throw new LossInputException(name() + " takes (sentence_1, sentence_2) pairs: 2 text columns, but the dataset has "
                    + dataColumns + ". For a file of single sentences, make the pairs with ContrastiveTensionDataLoader"
                    + " (the trainer does so by itself for a one-column dataset).");
        }
        return List.of(new TowerInput(Tower.COPY, 0), new TowerInput(Tower.MODEL, 1));
    }

    /** Without labels, a pair is positive when both texts have the same token ids (v6). */
    @Override
    public boolean labelsFromIdenticalTokens() {
        return true;
    }

    @Override
    public Map<String, Object> config() {
        return new LinkedHashMap<>();
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.CARLSSON2021SEMANTIC);
    }
}
