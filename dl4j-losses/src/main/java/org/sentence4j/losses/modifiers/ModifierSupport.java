package org.sentence4j.losses.modifiers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.SentenceLoss;

/** What the three modifiers share: step sampling masks, weighted sums of base-loss outputs, config checks. */
final class ModifierSupport {

    private ModifierSupport() {
    }

    /**
     * A 0/1 vector of length {@code n} with exactly {@code k} ones at positions drawn uniformly without
     * replacement (like Python's {@code random.sample(range(n), k)}), in the given floating-point type.
     */
    static INDArray sampleMask(Random rng, int n, int k, DataType type) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        // partial Fisher-Yates: the first k entries become a uniform sample without replacement
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        double[] mask = new double[n];
        for (int i = 0; i < k; i++) {
            mask[idx[i]] = 1.0;
        }
        return Nd4j.createFromArray(mask).castTo(type);
    }

    /** Entry {@code i} of a 1-D mask variable, as a scalar. */
    static SDVariable maskEntry(SDVariable mask, int i) {
        return mask.get(SDIndex.point(i));
    }

    /** The base loss of a modifier from the registry; fails clearly when it is missing or does not match {@code loss}. */
    static SentenceLoss requireBase(ConfigReader opt, SentenceLoss base) {
        String named = opt.getString("loss", null);
        if (base == null) {
            throw new LossInputException(opt.loss() + " needs a base loss to wrap"
                    + (named == null ? "" : " ('" + named + "')")
                    + "; give it as the base of the LossSpec (a fixture's extra.base_loss).");
        }
        if (named != null && !named.equals(base.name())) {
            throw new LossInputException(opt.loss() + ": option 'loss' names '" + named + "', but the base loss given is '"
                    + base.name() + "'.");
        }
        return base;
    }

    /** A list of positive integers from the config (e.g. {@code matryoshka_dims}), or {@code null}. */
    static int[] intList(ConfigReader opt, String key) {
        List<Double> values = opt.getDoubleList(key);
        if (values == null) {
            return null;
        }
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            double v = values.get(i);
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new LossInputException(opt.loss() + ": option '" + key + "' must be a list of integers, but contains "
                        + v + ".");
            }
            out[i] = (int) v;
        }
        return out;
    }

    static double[] doubleList(ConfigReader opt, String key) {
        List<Double> values = opt.getDoubleList(key);
        return values == null ? null : values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static void requireFinite(String loss, String option, double value) {
        if (!Double.isFinite(value)) {
            throw new LossInputException(loss + ": option '" + option + "' must be a finite number, but is " + value + ".");
        }
    }

    /**
     * Accumulates {@code Σ weight · mask · component} per component name over several base-loss outputs,
     * so that a base loss returning named components keeps its names; parameters of the base are kept.
     */
    static final class WeightedComponents {
        private final Map<String, SDVariable> sums = new LinkedHashMap<>();
        private final Map<String, SDVariable> parameters = new LinkedHashMap<>();

        /** Adds {@code weight · mask · c} for every component {@code c} of {@code out} ({@code mask} may be null). */
        void add(LossOutput out, double weight, SDVariable mask) {
            out.components().forEach((name, v) -> addTerm(name, v, weight, mask));
            parameters.putAll(out.parameters());
        }

        /** Adds {@code weight · mask · term} to the component {@code name}. */
        void addTerm(String name, SDVariable term, double weight, SDVariable mask) {
            SDVariable t = weight == 1.0 ? term : term.mul(weight);
            if (mask != null) {
                t = t.mul(mask);
            }
            SDVariable prev = sums.get(name);
            sums.put(name, prev == null ? t : prev.add(t));
        }

        /** Whether only the single default component has been collected (a plain scalar loss). */
        boolean isScalar() {
            return sums.size() == 1 && sums.containsKey(LossOutput.DEFAULT_COMPONENT);
        }

        LossOutput build() {
            LossOutput out = LossOutput.ofComponents(sums);
            return parameters.isEmpty() ? out : out.withParameters(parameters);
        }
    }
}
