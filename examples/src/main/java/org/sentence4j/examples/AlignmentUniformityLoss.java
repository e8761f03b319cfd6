package org.sentence4j.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * A custom loss written against the loss contract, as shown in the README: Wang and Isola's alignment and
 * uniformity objectives for (anchor, positive) pairs, returned as two named components that the trainer
 * sums and logs separately. Alignment pulls each pair together; uniformity spreads all anchors over the
 * unit sphere.
 */
public final class AlignmentUniformityLoss extends AbstractSentenceLoss {

    private final double t;

    /** @param t the uniformity temperature (2 in the paper) */
    public AlignmentUniformityLoss(double t) {
        this.t = t;
    }

    @Override
    public String name() {
        return "AlignmentUniformityLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return InputFormat.unlabeled(2, 2, "(anchor, positive)");
    }

    @Override
    protected LossOutput compute(LossInputs in) {
        SameDiff sd = in.sd();
        SDVariable a = SdMath.l2Normalize(sd, in.column(0));
        SDVariable p = SdMath.l2Normalize(sd, in.column(1));
        // alignment: mean squared distance of each anchor to its positive
        SDVariable diff = a.sub(p);
        SDVariable alignment = diff.mul(diff).sum(1).mean();
        // uniformity: log of the mean Gaussian potential over distinct anchor pairs;
        // on unit vectors the squared distance is 2 - 2 cos
        SDVariable cos = SdMath.matmulTransposed(sd, a, a);
        SDVariable offDiagonal = SdMath.identityLike(sd, cos).rsub(1.0);
        SDVariable potential = SdMath.maskFill(sd, cos.rsub(1.0).mul(2.0).mul(-t), offDiagonal.rsub(1.0));
        SDVariable lse = SdMath.logSumExp(sd, potential.reshape(1, -1), 1);
        SDVariable uniformity = lse.sub(sd.math.log(offDiagonal.sum())).reshape(new long[0]);

        Map<String, SDVariable> parts = new LinkedHashMap<>();
        parts.put("alignment", alignment);
        parts.put("uniformity", uniformity);
        return LossOutput.ofComponents(parts);
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("t", t);
    }

    @Override
    public Optional<String> citation() {
        return Optional.of("""
                @inproceedings{wang2020understanding,
                    title={Understanding Contrastive Representation Learning through Alignment and Uniformity on the Hypersphere},
                    author={Tongzhou Wang and Phillip Isola},
                    booktitle={International Conference on Machine Learning}, year={2020}
                }
                """);
    }
}
