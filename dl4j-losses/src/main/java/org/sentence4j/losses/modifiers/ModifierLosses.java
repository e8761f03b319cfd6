package org.sentence4j.losses.modifiers;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class ModifierLosses {

    private ModifierLosses() {
    }

    public static void register(LossRegistry registry) {
    }
}
