package org.sentence4j.losses.ranking;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class RankingLosses {

    private RankingLosses() {
    }

    public static void register(LossRegistry registry) {
        registry.register(MultipleNegativesRankingLoss.NAME, (o, base) -> MultipleNegativesRankingLoss.fromConfig(o));
        registry.register(MultipleNegativesSymmetricRankingLoss.NAME, (o, base) -> MultipleNegativesSymmetricRankingLoss.fromConfig(o));
        registry.register(CachedMultipleNegativesRankingLoss.NAME, (o, base) -> CachedMultipleNegativesRankingLoss.fromConfig(o));
        registry.register(CachedMultipleNegativesSymmetricRankingLoss.NAME,
                (o, base) -> CachedMultipleNegativesSymmetricRankingLoss.fromConfig(o));
        registry.register(GISTEmbedLoss.NAME, (o, base) -> GISTEmbedLoss.fromConfig(o));
        registry.register(CachedGISTEmbedLoss.NAME, (o, base) -> CachedGISTEmbedLoss.fromConfig(o));
        registry.register(MegaBatchMarginLoss.NAME, (o, base) -> MegaBatchMarginLoss.fromConfig(o));
    }
}
