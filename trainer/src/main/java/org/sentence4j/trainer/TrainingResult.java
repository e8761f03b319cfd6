package org.sentence4j.trainer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a finished run reports.
 *
 * @param outputDir        where the final model (sentence-transformers layout), its card and the logs went
 * @param globalSteps      optimizer steps taken in all
 * @param seconds          wall-clock time of the training loop
 * @param initialMetrics   evaluation before training (empty without an evaluator)
 * @param finalMetrics     evaluation after training (empty without an evaluator)
 * @param log              the training log
 */
public record TrainingResult(Path outputDir, long globalSteps, double seconds, Map<String, Double> initialMetrics,
                             Map<String, Double> finalMetrics, List<LogEntry> log) {
}
