package org.sentence4j.losses.ranking;

import org.sentence4j.losses.LossRegistry;

/** Registers the losses of this family with a {@link LossRegistry} under their sentence-transformers names. */
public final class RankingLosses {

    private RankingLosses() {
    }

    public static void register(LossRegistry registry) {
    }
}
