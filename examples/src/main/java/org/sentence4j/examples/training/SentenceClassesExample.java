package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;

/**
 * Single sentences with a class: SNLI premises and their entailed hypotheses, the premise's number as the class
 * (sentences of one class describe one scene), trained with a batch triplet loss. Such a loss mines its triplets
 * inside the batch from the labels, so every batch must hold several sentences of a class: the GROUP_BY_LABEL
 * sampler sees to that. Evaluated by triplet accuracy on held-out premises (entailed vs contradicted hypothesis).
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
        return "single sentences with classes: SNLI premises with their entailed hypotheses (class: the premise), "
                + loss + (options.isEmpty() ? "" : " " + options) + ", GROUP_BY_LABEL batches; triplet accuracy on "
                + "held-out premises";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.snliSentenceClasses(NliTripletsExample.HELD_OUT);
        return new Plan(train, LossRegistry.defaults().create(loss, options),
                NliTripletsExample.heldOutEvaluator(data, evalRows, 0), 32, 60, 5e-5)
                .withSampler(BatchSamplers.GROUP_BY_LABEL);
    }
}
