package org.sentence4j.losses.modifiers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LabelRequirement;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * A small smooth base loss for testing the modifiers without the real losses:
 * {@code dot = mean_i (⟨E_0,i, E_last,i⟩ + 0.3)²}, {@code lin = 0.1 · mean_i Σ_j E_0,ij}, plus
 * {@code mean_i ‖E_0,i − y_i‖²} when [batch, width] labels are given. Returned as one scalar, or as the two
 * named components {@code dot} and {@code lin} (the label term joins {@code lin}). Records what it was given.
 */
class ToyBaseLoss extends AbstractSentenceLoss {

    final boolean named;
    final boolean acceptsLabels;
    final List<LossInputs> seen = new ArrayList<>();

    ToyBaseLoss(boolean named, boolean acceptsLabels) {
        this.named = named;
        this.acceptsLabels = acceptsLabels;
    }

    static ToyBaseLoss scalar() {
        return new ToyBaseLoss(false, true);
    }

    @Override
    public String name() {
        return "ToyBaseLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return acceptsLabels
                ? new InputFormat(2, 3, "(a, b[, c])", LabelRequirement.OPTIONAL, LabelKind.VECTOR, 2)
                : InputFormat.unlabeled(2, 3, "(a, b[, c])");
    }

    @Override
    public void validate(InputShapes shapes) {
        super.validate(shapes);
        if (shapes.hasLabels() && shapes.labelShape()[1] != shapes.embeddingDim()) {
            throw new LossInputException(name() + ": labels are " + shapes.labelShape()[1] + " wide, embeddings "
                    + shapes.embeddingDim());
        }
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        seen.add(inputs);
        SameDiff sd = inputs.sd();
        SDVariable a = inputs.column(0);
        SDVariable b = inputs.column(inputs.columnCount() - 1);
        SDVariable dot = SdMath.rowDot(a, b).add(0.3);
        SDVariable dotTerm = dot.mul(dot).mean();
        SDVariable lin = a.sum(1).mean().mul(0.1);
        if (inputs.labels().isPresent()) {
            SDVariable diff = a.sub(inputs.labels().get());
            lin = lin.add(diff.mul(diff).sum(1).mean());
        }
        if (!named) {
            return LossOutput.of(dotTerm.add(lin));
        }
        Map<String, SDVariable> c = new LinkedHashMap<>();
        c.put("dot", dotTerm);
        c.put("lin", lin);
        return LossOutput.ofComponents(c);
    }

    @Override
    public Map<String, Object> config() {
        return new LinkedHashMap<>();
    }
}
