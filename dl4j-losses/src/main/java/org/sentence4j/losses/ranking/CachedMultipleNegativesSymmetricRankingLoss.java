package org.sentence4j.losses.ranking;

import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * CachedMultipleNegativesSymmetricRankingLoss (deprecated upstream in v6): {@link CachedMultipleNegativesRankingLoss}
 * with {@code directions = (query_to_doc, doc_to_query)} and {@code partition_mode = per_direction} fixed, i.e.
 * {@link MultipleNegativesSymmetricRankingLoss} run with GradCache. Same value and embedding gradients as
 * MNSRL; options {@code scale = 20}, {@code similarity_fct = cos_sim}, {@code mini_batch_size = 32},
 * {@code mini_batch_num_tokens = null}, {@code gather_across_devices = false}, {@code show_progress_bar = false}.
 * Configuration as CachedMNRL's; citation Gao et al. 2021 (GradCache).
 */
public class CachedMultipleNegativesSymmetricRankingLoss extends CachedMultipleNegativesRankingLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "CachedMultipleNegativesSymmetricRankingLoss";

    /** A loss with every option at its default. */
    public CachedMultipleNegativesSymmetricRankingLoss() {
        this(20.0, SimilarityFunction.COS_SIM, 32, null);
    }

    public CachedMultipleNegativesSymmetricRankingLoss(double scale, SimilarityFunction similarityFct, int miniBatchSize,
                                                       Integer miniBatchNumTokens) {
        this(MultipleNegativesSymmetricRankingLoss.symmetricBuilder(NAME, scale, similarityFct, false).build(),
                new MiniBatchOptions(miniBatchSize, miniBatchNumTokens, false));
    }

    private CachedMultipleNegativesSymmetricRankingLoss(MultipleNegativesRankingLoss inner, MiniBatchOptions miniBatch) {
        super(inner, miniBatch);
    }

    /** Reads the options; the fixed MNRL keys are accepted only with their fixed values (see MNSRL). */
    public static CachedMultipleNegativesSymmetricRankingLoss fromConfig(ConfigReader c) {
        MultipleNegativesRankingLoss inner = MultipleNegativesSymmetricRankingLoss.readSymmetric(c).build();
        return new CachedMultipleNegativesSymmetricRankingLoss(inner, MiniBatchOptions.read(c, 32));
    }

    @Override
    public String name() {
        return NAME;
    }
}
