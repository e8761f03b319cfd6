package org.sentence4j.losses.distillation;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class DistillationLosses {

    private DistillationLosses() {
    }

    public static void register(LossRegistry registry) {
        registry.register("MSELoss", (opt, base) -> MSELoss.fromConfig(opt));
        registry.register("EmbedDistillLoss", (opt, base) -> EmbedDistillLoss.fromConfig(opt));
        registry.register("MarginMSELoss", (opt, base) -> MarginMSELoss.fromConfig(opt));
        registry.register("DistillKLDivLoss", (opt, base) -> DistillKLDivLoss.fromConfig(opt));
    }
}
