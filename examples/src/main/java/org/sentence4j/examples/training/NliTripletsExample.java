package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;

import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.evaluation.InformationRetrievalEvaluator;
import org.sentence4j.trainer.evaluation.TripletEvaluator;

/**
 * (anchor, positive, negative) triplets: SNLI premises with an entailed hypothesis as the positive and a
 * contradicted one as the hard negative, evaluated by triplet accuracy on held-out premises. With
 * MultipleNegativesRankingLoss every other row's positive and negative are in-batch negatives too; with
 * CachedMultipleNegativesRankingLoss the batch can be far larger than what fits at once (GradCache, mini-batches
 * of 32); TripletLoss looks at each row's own negative only.
 */
public final class NliTripletsExample extends TrainingExample {

    /** Premises held out for evaluation (the first ones); training reads the rest. */
    static final int HELD_OUT = 500;

    private final String name;
    private final String loss;
    private final Map<String, Object> options;
    private final int batchSize;
    private final int steps;

    public NliTripletsExample(String name, String loss, Map<String, Object> options, int batchSize, int steps) {
        this.name = name;
        this.loss = loss;
        this.options = options;
        this.batchSize = batchSize;
        this.steps = steps;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return "(anchor, positive, negative) triplets: SNLI dev (entailment positive, contradiction hard negative), "
                + loss + (options.isEmpty() ? "" : " " + options) + " at batch " + batchSize
                + "; triplet accuracy on held-out premises";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.snliTriplets(HELD_OUT, 0);
        return new Plan(train, LossRegistry.defaults().create(loss, options), heldOutEvaluator(data, evalRows, 0),
                batchSize, steps, 5e-5);
    }

    /**
     * Triplet accuracy (cosine) on the first {@link #HELD_OUT} SNLI premises (or the first {@code evalRows}), which
     * no example trains on; at the first {@code truncateDim} dimensions (0: all), named {@code snli-triplets} or
     * {@code snli-triplets-<dim>}.
     */
    static TripletEvaluator heldOutEvaluator(ExampleData data, int evalRows, int truncateDim) throws IOException {
        return heldOutEvaluator(data, evalRows, truncateDim, truncateDim > 0 ? "snli-triplets-" + truncateDim : "snli-triplets");
    }

    /**
     * Retrieval on the held-out premises ({@link ExampleData#snliRetrievalEvaluator}): the first {@code evalRows}
     * of them (0: all {@link #HELD_OUT}) as queries, NDCG@10 of their entailed hypotheses among all of theirs.
     */
    static InformationRetrievalEvaluator heldOutRetrieval(ExampleData data, int evalRows) throws IOException {
        return data.snliRetrievalEvaluator(evalRows > 0 ? evalRows : HELD_OUT);
    }

    /** {@link #heldOutEvaluator(ExampleData, int, int)} with a name of the caller's. */
    static TripletEvaluator heldOutEvaluator(ExampleData data, int evalRows, int truncateDim, String name)
            throws IOException {
        Dataset held = data.snliTriplets(0, evalRows > 0 ? Math.min(evalRows, HELD_OUT) : HELD_OUT);
        return TripletEvaluator.builder(held.column("anchor"), held.column("positive"), held.column("negative"))
                .name(name).truncateDim(truncateDim).build();
    }
}
