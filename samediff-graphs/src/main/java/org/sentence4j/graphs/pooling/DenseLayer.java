package org.sentence4j.graphs.pooling;

import java.util.Arrays;
import java.util.List;

/**
 * sentence-transformers' Dense module: {@code activation(W · x + b)} on the sentence embedding, after Pooling and
 * before Normalize (e.g. a projection to fewer dimensions). Its parameters are trained with the encoder and live
 * among the encoder's under {@code <path>/linear.weight} ({@code [out, in]}) and {@code <path>/linear.bias}, the
 * names of the module folder's {@code model.safetensors} behind the folder's name.
 *
 * @param path       the module's folder in the model folder, e.g. {@code 2_Dense}
 * @param in         {@code in_features}
 * @param out        {@code out_features}
 * @param bias       whether it adds a bias
 * @param activation the activation's class name as the config stores it, e.g.
 *                   {@code torch.nn.modules.activation.Tanh}
 * @param normalizeBefore whether a Normalize module comes directly before this one (sentence-transformers allows
 *                   Normalize anywhere after Pooling; the last one is the model's {@code normalize} flag)
 */
public record DenseLayer(String path, int in, int out, boolean bias, String activation, boolean normalizeBefore) {

    /** A Dense module with no Normalize directly before it. */
    public DenseLayer(String path, int in, int out, boolean bias, String activation) {
        this(path, in, out, bias, activation, false);
    }

    /** The activations implemented, by the last component of their PyTorch class name. */
    public enum Activation {
        Tanh, Identity, ReLU, Sigmoid, SiLU;

        /** The function value at the pre-activation z. */
        public double apply(double z) {
            return switch (this) {
                case Tanh -> Math.tanh(z);
                case Identity -> z;
                case ReLU -> Math.max(z, 0);
                case Sigmoid -> 1 / (1 + Math.exp(-z));
                case SiLU -> z / (1 + Math.exp(-z));
            };
        }

        /** The derivative at the pre-activation z. */
        public double slope(double z) {
            return switch (this) {
                case Tanh -> {
                    double t = Math.tanh(z);
                    yield 1 - t * t;
                }
                case Identity -> 1;
                case ReLU -> z > 0 ? 1 : 0;
                case Sigmoid -> {
                    double s = 1 / (1 + Math.exp(-z));
                    yield s * (1 - s);
                }
                case SiLU -> {
                    double s = 1 / (1 + Math.exp(-z));
                    yield s * (1 + z * (1 - s));
                }
            };
        }
    }

    public DenseLayer {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Dense " + path + ": in_features and out_features must be >= 1, not " + in + ", " + out);
        }
        activationOf(activation); // a clear error now rather than at the first forward pass
    }

    /** The activation of a config's {@code activation_function}. */
    public static Activation activationOf(String className) {
        String simple = className == null ? "" : className.substring(className.lastIndexOf('.') + 1);
        if (className == null || !className.startsWith("torch.")) {
            throw new IllegalArgumentException("Dense activation_function '" + className + "' is not supported; supported: "
                    + "torch.nn.modules.activation.<" + String.join("|", names()) + "> (sentence-transformers itself only "
                    + "builds torch.* classes without trust_remote_code)");
        }
        try {
            return Activation.valueOf(simple);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Dense activation_function '" + className + "' is not supported; supported: "
                    + String.join(", ", names()));
        }
    }

    private static List<String> names() {
        return Arrays.stream(Activation.values()).map(Enum::name).toList();
    }

    public Activation function() {
        return activationOf(activation);
    }

    public String weightName() {
        return path + "/linear.weight";
    }

    public String biasName() {
        return path + "/linear.bias";
    }
}
