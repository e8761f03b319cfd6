package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.EmbeddingSimilarityEvaluator;

/**
 * Pairs with a float similarity: STS Benchmark's train pairs (score / 5) with CoSENTLoss, evaluated by the
 * Spearman correlation of cosine similarity with the gold scores on STS Benchmark dev.
 */
public final class StsCoSentExample extends TrainingExample {

    @Override
    public String name() {
        return "sts-cosent";
    }

    @Override
    public String summary() {
        return "(sentence1, sentence2, score) pairs with a float similarity: STS Benchmark train, CoSENTLoss; "
                + "Spearman on STS Benchmark dev";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.stsPairs("train", 0);
        Dataset dev = data.stsPairs("dev", evalRows > 0 ? evalRows : 1500);
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < dev.size(); i++) {
            scores.add(dev.label(i));
        }
        var evaluator = EmbeddingSimilarityEvaluator.builder(dev.column("sentence1"), dev.column("sentence2"), scores)
                .name("sts-dev").build();
        return new Plan(train, LossRegistry.defaults().create("CoSENTLoss", Map.of()), evaluator, 16, 150, 2e-5);
    }
}
