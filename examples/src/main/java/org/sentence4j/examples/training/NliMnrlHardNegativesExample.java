package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.TripletEvaluator;

/**
 * (anchor, positive, negative) triplets: SNLI premises with an entailed hypothesis as the positive and a
 * contradicted one as the hard negative, MultipleNegativesRankingLoss (every other row's positive and negative are
 * in-batch negatives too), evaluated by triplet accuracy on held-out premises.
 */
public final class NliMnrlHardNegativesExample extends TrainingExample {

    /** Premises held out for evaluation (the first ones); training reads the rest. */
    private static final int HELD_OUT = 500;

    @Override
    public String name() {
        return "nli-mnrl-hard-negatives";
    }

    @Override
    public String summary() {
        return "(anchor, positive, negative) triplets: SNLI dev (entailment positive, contradiction hard negative), "
                + "MultipleNegativesRankingLoss; triplet accuracy on held-out premises";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset held = data.snliTriplets(0, evalRows > 0 ? Math.min(evalRows, HELD_OUT) : HELD_OUT);
        Dataset train = data.snliTriplets(HELD_OUT, 0);
        var evaluator = TripletEvaluator.builder(held.column("anchor"), held.column("positive"), held.column("negative"))
                .name("snli-triplets").build();
        return new Plan(train, LossRegistry.defaults().create("MultipleNegativesRankingLoss", Map.of()), evaluator, 32, 60, 5e-5);
    }
}
