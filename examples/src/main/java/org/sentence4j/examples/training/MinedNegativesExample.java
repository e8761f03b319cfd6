package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.Map;

import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.mining.HardNegativeMiner;
import org.sentence4j.trainer.data.mining.MiningResult;
import org.sentence4j.trainer.data.mining.OutputFormat;
import org.sentence4j.trainer.data.mining.SamplingStrategy;

/**
 * Mining hard negatives for MultipleNegativesRankingLoss, as sentence-transformers' {@code mine_hard_negatives}:
 * SNLI (premise, entailed hypothesis) pairs come without negatives; the default model scores every hypothesis of
 * the training premises against each premise and picks, per pair, the three best-scoring ones that stay below the
 * positive by a relative margin of 5 % (a closer candidate is likely a second true positive). The (anchor,
 * positive, negative_1, negative_2, negative_3) n-tuples, the last row of the loss table, then train
 * MultipleNegativesRankingLoss, whose negatives are now hard ones besides the in-batch ones. The miner's statistics
 * are printed before training. Evaluated by retrieval on held-out premises (NDCG@10).
 */
public final class MinedNegativesExample extends TrainingExample {

    @Override
    public String name() {
        return "nli-mined-hard-negatives";
    }

    @Override
    public String summary() {
        return "(anchor, positive, negative_1..n) n-tuples mined from pairs: SNLI dev premise/entailment pairs, 3 negatives "
                + "per pair mined from all training hypotheses (HardNegativeMiner: top-scoring below relative_margin 0.05), "
                + "MultipleNegativesRankingLoss at batch 32; retrieval among the hypotheses of held-out premises (NDCG@10)";
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        Dataset pairs = data.snliEntailmentPairs(NliTripletsExample.HELD_OUT, evalRows > 0 ? 4 * evalRows : 0);
        MiningResult mined;
        try (SentenceEncoder miner = SentenceEncoder.defaultModel()) {
            mined = HardNegativeMiner.builder(miner)
                    .corpus(data.snliHypothesesExcept(NliTripletsExample.HELD_OUT))
                    .relativeMargin(0.05).numNegatives(3)
                    .samplingStrategy(SamplingStrategy.TOP).outputFormat(OutputFormat.N_TUPLE)
                    .build().mine(pairs);
        }
        return new Plan(mined.dataset(), LossRegistry.defaults().create("MultipleNegativesRankingLoss", Map.of()),
                NliTripletsExample.heldOutRetrieval(data, evalRows), 32, 60, 2e-5)
                .withSampler(BatchSamplers.NO_DUPLICATES).withReport(mined.statistics().report());
    }
}
