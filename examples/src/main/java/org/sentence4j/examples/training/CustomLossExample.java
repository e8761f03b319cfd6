package org.sentence4j.examples.training;

import java.io.IOException;

import org.sentence4j.examples.AlignmentUniformityLoss;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;

/**
 * A custom loss: {@link AlignmentUniformityLoss}, written in this module against the loss contract (two named
 * components, both logged), trained on SNLI (anchor, positive) pairs exactly as a built-in loss would be; the
 * trainer needs nothing else. Evaluated by retrieval on held-out premises (NDCG@10): finding the entailed
 * hypotheses among all hypotheses written for them.
 */
public final class CustomLossExample extends TrainingExample {

    @Override
    public String name() {
        return "custom-alignment-uniformity";
    }

    @Override
    public String summary() {
        return "a custom loss: SNLI (anchor, positive) pairs, AlignmentUniformityLoss (t = 2) of the examples module; "
                + "retrieval among the hypotheses of held-out premises (NDCG@10)";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset train = data.snliTriplets(NliTripletsExample.HELD_OUT, 0).selectColumns("anchor", "positive");
        return new Plan(train, new AlignmentUniformityLoss(2.0), NliTripletsExample.heldOutRetrieval(data, evalRows),
                32, 60, 5e-5).withSampler(BatchSamplers.NO_DUPLICATES);
    }
}
