package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.BinaryClassificationEvaluator;

/**
 * Pairs with 1/0 labels: SNLI (premise, hypothesis) pairs converted to "same meaning or not" (entailment 1,
 * contradiction 0; neutral pairs dropped), OnlineContrastiveLoss (only the hard positives and negatives of each
 * batch count), evaluated by the average precision of cosine similarity on held-out pairs.
 */
public final class NliOnlineContrastiveExample extends TrainingExample {

    /** Pairs held out for evaluation (the first ones); training reads the rest. */
    private static final int HELD_OUT = 1000;

    @Override
    public String name() {
        return "nli-online-contrastive";
    }

    @Override
    public String summary() {
        return "(sentence1, sentence2, 1/0) pairs: SNLI dev entailment 1 / contradiction 0, OnlineContrastiveLoss; "
                + "average precision on held-out pairs";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Map<String, Integer> binary = Map.of("entailment", 1, "contradiction", 0);
        Dataset held = data.snliPairs(binary, 0, evalRows > 0 ? Math.min(evalRows, HELD_OUT) : HELD_OUT);
        Dataset train = data.snliPairs(binary, HELD_OUT, 0);
        var evaluator = BinaryClassificationEvaluator.builder(held.column("premise"), held.column("hypothesis"), held.labels())
                .name("snli-binary").build();
        return new Plan(train, LossRegistry.defaults().create("OnlineContrastiveLoss", Map.of()), evaluator, 32, 80, 5e-5);
    }
}
