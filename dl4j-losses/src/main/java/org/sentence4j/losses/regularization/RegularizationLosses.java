package org.sentence4j.losses.regularization;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class RegularizationLosses {

    private RegularizationLosses() {
    }

    public static void register(LossRegistry registry) {
        registry.register("GlobalOrthogonalRegularizationLoss", (opt, base) -> GlobalOrthogonalRegularizationLoss.fromConfig(opt));
    }
}
