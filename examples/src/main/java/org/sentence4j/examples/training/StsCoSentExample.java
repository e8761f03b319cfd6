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
        return new Plan(train, LossRegistry.defaults().create("CoSENTLoss", Map.of()), stsDevEvaluator(data, evalRows), 16,
                150, 2e-5);
    }

    /** Spearman of cosine similarity against the gold scores of STS Benchmark dev (all 1,500 pairs, or the first rows). */
    static EmbeddingSimilarityEvaluator stsDevEvaluator(ExampleData data, int evalRows) throws IOException {
        Dataset dev = data.stsPairs("dev", evalRows > 0 ? evalRows : 1500);
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < dev.size(); i++) {
            scores.add(dev.label(i));
        }
        return EmbeddingSimilarityEvaluator.builder(dev.column("sentence1"), dev.column("sentence2"), scores)
                .name("sts-dev").build();
    }
}
