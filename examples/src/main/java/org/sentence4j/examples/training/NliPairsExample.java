package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;

/**
 * (anchor, positive) pairs: SNLI premises with an entailed hypothesis, no negatives given. With
 * MultipleNegativesRankingLoss every other row's positive is an in-batch negative, so the batch is the
 * negatives: NO_DUPLICATES keeps a text from being its own row's negative elsewhere in the batch.
 * CachedMultipleNegativesRankingLoss reaches batches far larger than memory allows at once; GISTEmbedLoss asks a
 * guide model (bge-small-en-v1.5, embedded in the build) which in-batch negatives are too similar to the anchor to
 * be true negatives and drops them. Evaluated by retrieval on held-out premises (NDCG@10): finding the entailed
 * hypotheses among all hypotheses written for them.
 */
public final class NliPairsExample extends TrainingExample {

    private final String name;
    private final String lossDescription;
    private final Supplier<SentenceLoss> loss;
    private final int batchSize;
    private final int steps;
    private final boolean bgeGuide;

    /**
     * @param lossDescription the loss as the listing shows it
     * @param bgeGuide        train with bge-small-en-v1.5 as the guide model (the GIST losses)
     */
    public NliPairsExample(String name, String lossDescription, Supplier<SentenceLoss> loss, int batchSize, int steps,
                           boolean bgeGuide) {
        this.name = name;
        this.lossDescription = lossDescription;
        this.loss = loss;
        this.batchSize = batchSize;
        this.steps = steps;
        this.bgeGuide = bgeGuide;
    }

    /** A loss of the registry by name, with options. */
    public static NliPairsExample registered(String name, String loss, Map<String, Object> options, int batchSize,
                                             int steps, boolean bgeGuide) {
        return new NliPairsExample(name, loss + (options.isEmpty() ? "" : " " + options),
                () -> LossRegistry.defaults().create(loss, options), batchSize, steps, bgeGuide);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return "(anchor, positive) pairs: SNLI dev premise with an entailed hypothesis, " + lossDescription + " at batch "
                + batchSize + (bgeGuide ? ", guide bge-small-en-v1.5" : "") + "; retrieval among the hypotheses of held-out premises (NDCG@10)";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.snliTriplets(NliTripletsExample.HELD_OUT, 0).selectColumns("anchor", "positive");
        var evaluator = NliTripletsExample.heldOutRetrieval(data, evalRows);
        Plan plan = new Plan(train, loss.get(), evaluator, batchSize, steps, 5e-5).withSampler(BatchSamplers.NO_DUPLICATES);
        return bgeGuide ? plan.withGuide(SentenceEncoder::bgeSmallEnV15) : plan;
    }
}
