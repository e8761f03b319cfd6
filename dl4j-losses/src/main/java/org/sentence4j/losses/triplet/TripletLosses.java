package org.sentence4j.losses.triplet;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class TripletLosses {

    private TripletLosses() {
    }

    public static void register(LossRegistry registry) {
        registry.register(BatchAllTripletLoss.NAME, (opt, base) -> BatchAllTripletLoss.fromConfig(opt));
        registry.register(BatchHardTripletLoss.NAME, (opt, base) -> BatchHardTripletLoss.fromConfig(opt));
        registry.register(BatchHardSoftMarginTripletLoss.NAME, (opt, base) -> BatchHardSoftMarginTripletLoss.fromConfig(opt));
        registry.register(BatchSemiHardTripletLoss.NAME, (opt, base) -> BatchSemiHardTripletLoss.fromConfig(opt));
        registry.register(TripletLoss.NAME, (opt, base) -> TripletLoss.fromConfig(opt));
    }
}
