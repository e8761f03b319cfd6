package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.Dataset;

/**
 * Pairs with a class label: SNLI (premise, hypothesis) pairs labelled entailment 0, neutral 1, contradiction 2,
 * with SoftmaxLoss (a linear classifier over (u, v, |u - v|), trained with the encoder), evaluated as
 * sentence-transformers' NLI example does: Spearman on STS Benchmark dev.
 */
public final class NliSoftmaxExample extends TrainingExample {

    @Override
    public String name() {
        return "nli-softmax";
    }

    @Override
    public String summary() {
        return "(premise, hypothesis, class) pairs: SNLI dev, 3 classes, SoftmaxLoss; Spearman on STS Benchmark dev";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.snliPairs(Map.of("entailment", 0, "neutral", 1, "contradiction", 2), 0, 0);
        var loss = LossRegistry.defaults().create("SoftmaxLoss", Map.of("embedding_dimension", 384, "num_labels", 3));
        return new Plan(train, loss, StsPairsExample.stsDevEvaluator(data, evalRows), 16, 150, 2e-5);
    }
}
