package org.sentence4j.spark.train;

/**
 * Where the time of one distributed step went, as measured on the driver (wall clock) and in the tasks
 * (compute time summed over tasks). All times in milliseconds.
 *
 * @param rows            rows of the global batch
 * @param tasks           tasks the step was split into
 * @param prepareMs       tokenizing, labels and guide embeddings on the driver
 * @param broadcastMs     snapshotting and broadcasting new parameters (0 when they had not changed)
 * @param broadcastBytes  bytes of the parameter snapshot broadcast (0 when none)
 * @param embedJobMs      the embedding job, submit to collected result
 * @param embedTaskMs     the tasks' embedding compute, summed
 * @param lossMs          the loss fragment on the driver, forward and backward
 * @param backwardJobMs   the backward job with its treeAggregate, submit to summed gradients
 * @param backwardTaskMs  the tasks' forward-again and backward compute, summed
 * @param gradientBytes   bytes of the summed gradient, about one task result (dense tensors and the touched
 *                        word-embedding rows)
 * @param totalMs         the whole step on the driver
 */
public record StepTiming(int rows, int tasks, double prepareMs, double broadcastMs, long broadcastBytes, double embedJobMs,
                         double embedTaskMs, double lossMs, double backwardJobMs, double backwardTaskMs, long gradientBytes,
                         double totalMs) {
}
