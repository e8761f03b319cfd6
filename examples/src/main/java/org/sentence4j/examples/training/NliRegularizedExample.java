package org.sentence4j.examples.training;

import java.io.IOException;

import org.sentence4j.trainer.data.Dataset;

/**
 * A regularisation loss: {@link RegularizedRankingLoss} (MultipleNegativesRankingLoss plus
 * GlobalOrthogonalRegularizationLoss) on the SNLI triplets of {@code nli-mnrl-hard-negatives}, so the two can be
 * compared; triplet accuracy on held-out premises.
 */
public final class NliRegularizedExample extends TrainingExample {

    @Override
    public String name() {
        return "nli-mnrl-gor";
    }

    @Override
    public String summary() {
        return "regularisation: SNLI (anchor, positive, negative) triplets, MultipleNegativesRankingLoss + "
                + "GlobalOrthogonalRegularizationLoss (components logged apart) at batch 32; triplet accuracy on "
                + "held-out premises";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.snliTriplets(NliTripletsExample.HELD_OUT, 0);
        return new Plan(train, new RegularizedRankingLoss(), NliTripletsExample.heldOutEvaluator(data, evalRows, 0), 32,
                60, 5e-5);
    }
}
