package org.sentence4j.losses.pair;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class PairLosses {

    private PairLosses() {
    }

    public static void register(LossRegistry registry) {
        registry.register("ContrastiveLoss", (opt, base) -> ContrastiveLoss.fromConfig(opt));
        registry.register("OnlineContrastiveLoss", (opt, base) -> OnlineContrastiveLoss.fromConfig(opt));
        registry.register("CoSENTLoss", (opt, base) -> CoSENTLoss.fromConfig(opt));
        registry.register("AnglELoss", (opt, base) -> AnglELoss.fromConfig(opt));
        registry.register("CosineSimilarityLoss", (opt, base) -> CosineSimilarityLoss.fromConfig(opt));
        registry.register("SoftmaxLoss", (opt, base) -> SoftmaxLoss.fromConfig(opt));
    }
}
