package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.EmbeddingSimilarityEvaluator;

/**
 * Pairs with a float similarity: STS Benchmark's train pairs (score / 5) with one of the row's losses (CoSENTLoss,
 * AnglELoss, CosineSimilarityLoss), evaluated by the Spearman correlation of cosine similarity with the gold
 * scores on STS Benchmark dev.
 */
public final class StsPairsExample extends TrainingExample {

    private final String name;
    private final String loss;

    /** @param name the example's name; @param loss CoSENTLoss, AnglELoss or CosineSimilarityLoss */
    public StsPairsExample(String name, String loss) {
        this.name = name;
        this.loss = loss;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return "(sentence1, sentence2, score) pairs with a float similarity: STS Benchmark train, " + loss
                + "; Spearman on STS Benchmark dev";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.stsPairs("train", 0);
        return new Plan(train, LossRegistry.defaults().create(loss, Map.of()), stsDevEvaluator(data, evalRows), 16,
                150, 2e-5);
    }

    /** Spearman of cosine similarity against the gold scores of STS Benchmark dev (all 1,500 pairs, or the first rows). */
    static EmbeddingSimilarityEvaluator stsDevEvaluator(ExampleData data, int evalRows) throws IOException {
        Dataset dev = data.stsPairs("dev", evalRows > 0 ? evalRows : 1500);
        return EmbeddingSimilarityEvaluator.builder(dev.column("sentence1"), dev.column("sentence2"), dev.labels())
                .name("sts-dev").build();
    }
}
