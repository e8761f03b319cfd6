package org.sentence4j.trainer.step;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One forward and backward pass over a batch.
 *
 * @param loss       the total loss
 * @param components each named component's value (one, {@code loss}, for a plain loss)
 * @param gradients  the gradient of every trainable parameter: encoder tensors under Hugging Face names,
 *                   the loss's own parameters under {@code loss/<name>}
 */
public record StepResult(double loss, Map<String, Double> components, Map<String, INDArray> gradients) {
}
