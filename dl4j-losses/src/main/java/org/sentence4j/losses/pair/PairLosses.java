package org.sentence4j.losses.pair;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class PairLosses {

    private PairLosses() {
    }

    public static void register(LossRegistry registry) {
        registry.register("CoSENTLoss", (opt, base) -> CoSENTLoss.fromConfig(opt));
    }
}
