package org.sentence4j.losses.runner;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of evaluating a loss on one batch: its value, the value of each named component, and the
 * gradients with respect to every input (embedding columns, every layer's embeddings, the loss's own
 * parameters). Gradients are {@code null} when only the value was asked for.
 *
 * @param loss               the total loss
 * @param components         each component's value, in the loss's order
 * @param gradColumns        d loss / d each embedding column
 * @param gradLayers         d loss / d each hidden state's embeddings [hidden][column]; the last entry is
 *                           {@code gradColumns} (the final layer is the columns), empty without layers
 * @param gradParameters     d loss / d each parameter of the loss, by upstream name
 */
public record LossEvaluation(double loss, Map<String, Double> components, List<INDArray> gradColumns,
                             List<List<INDArray>> gradLayers, Map<String, INDArray> gradParameters) {
}
