package org.sentence4j.trainer;

import java.util.Map;

/**
 * One row of the training log: at a step, the averaged training loss and its components since the last
 * row, the learning rate, and any evaluation metrics computed at that step.
 *
 * @param step         optimizer steps done
 * @param epoch        fractional epoch
 * @param loss         mean training loss over the logging interval (NaN in an evaluation-only row)
 * @param components   mean of each named loss component over the interval (per dataset: {@code <dataset>/<name>})
 * @param learningRate learning rate of the last step
 * @param metrics      evaluation metrics at this step (empty if none)
 */
public record LogEntry(long step, double epoch, double loss, Map<String, Double> components, double learningRate,
                       Map<String, Double> metrics) {

    /** Copies keep the given order: components are logged in the order the loss returns them, as upstream. */
    public LogEntry {
        components = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(components));
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }
}
