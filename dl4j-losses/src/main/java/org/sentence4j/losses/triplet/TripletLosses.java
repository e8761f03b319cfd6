package org.sentence4j.losses.triplet;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class TripletLosses {

    private TripletLosses() {
    }

    public static void register(LossRegistry registry) {
    }
}
