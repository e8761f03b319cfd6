package org.sentence4j.losses;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Placeholders whose values a loss draws anew at every step, such as the dimensions MatryoshkaLoss samples
 * with {@code n_dims_per_step} or the layers AdaptiveLayerLoss samples with {@code n_layers_per_step}.
 * A graph is built once; the sampling happens here, outside it, from the trainer's seeded generator.
 */
public final class StepInputs {

    private final Map<String, Function<Random, INDArray>> samplers = new LinkedHashMap<>();

    /** Declares a placeholder that is fed with {@code sampler.apply(rng)} at every step. */
    public SDVariable register(SameDiff sd, String name, DataType type, long[] shape, Function<Random, INDArray> sampler) {
        String unique = name;
        int i = 1;
        while (sd.hasVariable(unique) || samplers.containsKey(unique)) {
            unique = name + "_" + i++;
        }
        samplers.put(unique, sampler);
        return sd.placeHolder(unique, type, shape);
    }

    /** Draws the values of every registered placeholder for one step. */
    public Map<String, INDArray> sample(Random rng) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        samplers.forEach((name, s) -> out.put(name, s.apply(rng)));
        return out;
    }

    public boolean isEmpty() {
        return samplers.isEmpty();
    }

    public Map<String, Function<Random, INDArray>> samplers() {
        return Collections.unmodifiableMap(samplers);
    }
}
