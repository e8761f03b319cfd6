package org.sentence4j.trainer.optim;

/**
 * The learning rate of Hugging Face's default "linear" schedule, which sentence-transformers' trainer uses:
 * linear warm-up from 0 to the peak over {@code warmupSteps}, then linear decay to 0 at {@code totalSteps}.
 */
public record LinearSchedule(double peak, long warmupSteps, long totalSteps) {

    public LinearSchedule {
        if (peak <= 0 || !Double.isFinite(peak)) {
            throw new IllegalArgumentException("learning rate must be a positive number, not " + peak);
        }
        if (warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("warm-up steps must be >= 0 and total steps >= 1");
        }
    }

    /** The learning rate used for optimizer step {@code step} (0-based). */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (double) step / Math.max(1, warmupSteps);
        }
        return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
}
