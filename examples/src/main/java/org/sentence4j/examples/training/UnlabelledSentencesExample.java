package org.sentence4j.examples.training;

import java.io.IOException;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.Dataset;

/**
 * Single unlabelled sentences: the distinct sentences of STS Benchmark's train split, one per line in a text
 * file, with an unsupervised loss. DenoisingAutoEncoderLoss (TSDAE) deletes 60 % of each sentence's words and
 * trains the model so that a decoder can rebuild the sentence from its embedding alone (the trainer makes the
 * damaged copies, fresh each epoch); ContrastiveTensionLossInBatchNegatives embeds each sentence with the model
 * and with a copy of it and asks each to find its own sentence among the batch's. Both adapt a model to a
 * domain's text without labels; evaluated by Spearman on STS Benchmark dev.
 */
public final class UnlabelledSentencesExample extends TrainingExample {

    private final String name;
    private final String loss;
    private final int batchSize;
    private final int steps;
    private final double learningRate;

    public UnlabelledSentencesExample(String name, String loss, int batchSize, int steps, double learningRate) {
        this.name = name;
        this.loss = loss;
        this.batchSize = batchSize;
        this.steps = steps;
        this.learningRate = learningRate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return "single unlabelled sentences: STS Benchmark train sentences (a .txt file), " + loss
                + "; Spearman on STS Benchmark dev";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset sentences = data.stsSentences(0);
        return new Plan(sentences, LossRegistry.defaults().create(loss, java.util.Map.of()),
                StsPairsExample.stsDevEvaluator(data, evalRows), batchSize, steps, learningRate);
    }
}
