package org.sentence4j.losses;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * What a loss fragment returns: named scalar components (one, called {@value #DEFAULT_COMPONENT}, for a
 * plain loss) whose sum is the loss to back-propagate, plus the loss's own trainable parameters.
 * The trainer logs every component on its own, as sentence-transformers does for a dict-valued loss.
 */
public final class LossOutput {

    /** Component name of a loss that returns a single scalar. */
    public static final String DEFAULT_COMPONENT = "loss";

    private final Map<String, SDVariable> components;
    private final SDVariable total;
    private final Map<String, SDVariable> parameters;

    private LossOutput(Map<String, SDVariable> components, Map<String, SDVariable> parameters) {
        if (components.isEmpty()) {
            throw new IllegalArgumentException("A loss output needs at least one component.");
        }
        this.components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        SDVariable sum = null;
        for (SDVariable c : components.values()) {
            sum = sum == null ? c : sum.add(c);
        }
        this.total = sum;
    }

    /** A single scalar loss. */
    public static LossOutput of(SDVariable loss) {
        return new LossOutput(Map.of(DEFAULT_COMPONENT, Objects.requireNonNull(loss)), Map.of());
    }

    /** Named components, summed into the loss in iteration order. */
    public static LossOutput ofComponents(Map<String, SDVariable> components) {
        return new LossOutput(components, Map.of());
    }

    /** This output with the loss's trainable parameters attached (keyed by their upstream names). */
    public LossOutput withParameters(Map<String, SDVariable> params) {
        Map<String, SDVariable> merged = new LinkedHashMap<>(parameters);
        merged.putAll(params);
        return new LossOutput(components, merged);
    }

    /** The components, in order. */
    public Map<String, SDVariable> components() {
        return components;
    }

    /** Whether this is a single unnamed scalar. */
    public boolean isScalar() {
        return components.size() == 1 && components.containsKey(DEFAULT_COMPONENT);
    }

    /** The sum of all components: the loss to back-propagate. */
    public SDVariable total() {
        return total;
    }

    /** Trainable variables owned by the loss (e.g. SoftmaxLoss's {@code classifier.weight}). */
    public Map<String, SDVariable> parameters() {
        return parameters;
    }
}
