package org.sentence4j.losses.modifiers;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class ModifierLosses {

    private ModifierLosses() {
    }

    public static void register(LossRegistry registry) {
        // `base` is the already-built base loss of the spec; fromConfig fails clearly when it is missing
        registry.register("MatryoshkaLoss", MatryoshkaLoss::fromConfig);
        registry.register("AdaptiveLayerLoss", AdaptiveLayerLoss::fromConfig);
        registry.register("Matryoshka2dLoss", Matryoshka2dLoss::fromConfig);
    }
}
