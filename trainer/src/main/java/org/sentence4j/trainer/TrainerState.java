package org.sentence4j.trainer;

import java.util.List;

/**
 * Where a run stands, everything besides the weights and the optimizer moments that a resumed run needs to
 * continue exactly: written into every checkpoint.
 *
 * @param globalStep     optimizer steps done
 * @param epoch          current epoch (0-based)
 * @param batchInEpoch   batches of the current epoch already consumed
 * @param samplerSeed    the batch sampler's seed (batches are a pure function of seed and epoch)
 * @param dropoutSeed    base seed of the dropout masks (step {@code s} uses a seed derived from it and {@code s})
 * @param stepRngSeed    base seed of the per-step sampling of modifiers (dims, layers)
 * @param log            the training log so far
 */
public record TrainerState(long globalStep, int epoch, int batchInEpoch, long samplerSeed, long dropoutSeed, long stepRngSeed,
                           List<LogEntry> log) {

    public TrainerState {
        log = List.copyOf(log);
    }
}
