package org.sentence4j.losses;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of the built-in losses: validates the inputs against {@link #inputFormat()} (and
 * {@link #validate}) before any op is added, and keeps the values of the loss's own trainable
 * parameters, so that they survive being built into several graphs (training, evaluation).
 */
public abstract class AbstractSentenceLoss implements SentenceLoss {

    private final Map<String, INDArray> parameterValues = new LinkedHashMap<>();

    @Override
    public final LossOutput build(LossInputs inputs) {
        validate(inputs.shapes());
        return compute(inputs);
    }

    /** Adds the loss's ops; the inputs have been validated. */
    protected abstract LossOutput compute(LossInputs inputs);

    @Override
    public Optional<String> citation() {
        return Optional.empty();
    }

    /**
     * The graph variable of a trainable parameter of this loss, created from {@code init} the first time
     * and from the stored value afterwards. Its graph name is {@code <LossName>/<name>}.
     */
    protected SDVariable parameter(SameDiff sd, String name, Supplier<INDArray> init) {
        String varName = name() + "/" + name;
        if (sd.hasVariable(varName)) {
            return sd.getVariable(varName);
        }
        INDArray value = parameterValues.computeIfAbsent(name, k -> init.get());
        return sd.var(varName, value);
    }

    /** Current values of this loss's trainable parameters, keyed by their upstream names. */
    public Map<String, INDArray> parameterValues() {
        return java.util.Collections.unmodifiableMap(parameterValues);
    }

    /** Replaces the value of a trainable parameter (e.g. to load a checkpoint or a fixture). */
    public void setParameterValue(String name, INDArray value) {
        parameterValues.put(name, value);
    }

    @Override
    public String toString() {
        return name() + config();
    }
}
