package org.sentence4j.losses.unsupervised;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class UnsupervisedLosses {

    private UnsupervisedLosses() {
    }

    public static void register(LossRegistry registry) {
        registry.register("ContrastiveTensionLoss", (opt, base) -> ContrastiveTensionLoss.fromConfig(opt));
        registry.register("ContrastiveTensionLossInBatchNegatives",
                (opt, base) -> ContrastiveTensionLossInBatchNegatives.fromConfig(opt));
        registry.register("DenoisingAutoEncoderLoss", (opt, base) -> DenoisingAutoEncoderLoss.fromConfig(opt));
    }
}
