package org.sentence4j.examples.training;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.ranking.MultipleNegativesRankingLoss;
import org.sentence4j.losses.regularization.GlobalOrthogonalRegularizationLoss;

/**
 * MultipleNegativesRankingLoss with GlobalOrthogonalRegularizationLoss beside it, on one set of embeddings, as
 * sentence-transformers v6 documents the regularizer's use: the ranking loss as {@code info_nce}, the
 * regularizer's second-moment term as {@code gor_second_moment} (its mean term off, as in that example), summed
 * for the backward pass and logged apart. The regularizer pushes the similarity of unrelated texts towards what
 * random points on the sphere would have, so embeddings use the whole space.
 */
public final class RegularizedRankingLoss extends AbstractSentenceLoss {

    private final MultipleNegativesRankingLoss ranking = MultipleNegativesRankingLoss.builder().build();
    private final GlobalOrthogonalRegularizationLoss regularizer =
            GlobalOrthogonalRegularizationLoss.builder().meanWeight(0.0).build();

    @Override
    public String name() {
        return "MultipleNegativesRankingLoss+GlobalOrthogonalRegularizationLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return ranking.inputFormat();
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        Map<String, SDVariable> parts = new LinkedHashMap<>();
        parts.put("info_nce", ranking.build(inputs).total());
        parts.putAll(regularizer.build(inputs).components());
        return LossOutput.ofComponents(parts);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("info_nce", ranking.config());
        c.put("regularizer", regularizer.config());
        return c;
    }
}
