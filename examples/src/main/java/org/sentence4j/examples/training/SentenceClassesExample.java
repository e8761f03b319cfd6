package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.TripletEvaluator;

/**
 * Single sentences with a class: STS Benchmark train sentences labelled with the corpus they come from (news
 * headlines, paraphrase-corpus news, image captions, video captions, forum posts, news articles), trained with a
 * batch triplet loss, as sentence-transformers' TREC example does with question types. Such a loss mines its
 * triplets inside the batch from the labels, so every batch must hold several sentences of a class: the
 * GROUP_BY_LABEL sampler sees to that. Evaluated, as that example, by triplet accuracy on held-out triplets built
 * from the labels (STS Benchmark dev): an anchor, a sentence of its class and one of the other class of the same
 * genre.
 */
public final class SentenceClassesExample extends TrainingExample {

    private final String name;
    private final String loss;
    private final Map<String, Object> options;

    /** @param loss a batch triplet loss (BatchHardSoftMarginTripletLoss, BatchAllTripletLoss, ...) */
    public SentenceClassesExample(String name, String loss, Map<String, Object> options) {
        this.name = name;
        this.loss = loss;
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return "single sentences with classes: STS Benchmark train sentences, class = source corpus (6), "
                + loss + (options.isEmpty() ? "" : " " + options) + ", GROUP_BY_LABEL batches; triplet accuracy on "
                + "STS Benchmark dev triplets (anchor, same source, other source of the same genre)";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.stsSentenceSources("train");
        Dataset held = data.stsSourceTriplets(evalRows > 0 ? Math.max(1, evalRows / 4) : 100);
        var evaluator = TripletEvaluator.builder(held.column("anchor"), held.column("positive"), held.column("negative"))
                .name("sts-sources").build();
        return new Plan(train, LossRegistry.defaults().create(loss, options), evaluator, 32, 60, 5e-5)
                .withSampler(BatchSamplers.GROUP_BY_LABEL);
    }
}
