package org.sentence4j.graphs.eager;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import java.util.function.Function;

import org.sentence4j.graphs.pooling.DenseLayer;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;

/**
 * sentence-transformers' Pooling (and Normalize) on a hidden state [B, T, H], forward and backward, for the
 * eager encoder. Same definitions as the graph version ({@link org.sentence4j.graphs.pooling.Pooling}).
 *
 * <p>Every mode but MAX is a weighted sum over positions whose weights depend only on the attention mask
 * (mean: mask / count, CLS: the first position, last token: the last real one, ...), so forward and
 * backward are one batched product each with a [B, T] weight matrix computed here in Java. MAX keeps the
 * position of each maximum and routes the gradient there.
 */
final class EagerPooling {

    private static final double MIN_COUNT = 1e-9;
    private static final double PADDING_FOR_MAX = -1e9;
    private static final double NORM_EPS = 1e-12;

    private final PoolingConfig config;
    private final List<PoolingMode> modes;
    private final boolean normalize;
    private final List<DenseLayer> dense;
    private final Function<String, INDArray> param;

    /**
     * @param dense Dense modules between pooling and Normalize (their parameters read through {@code param})
     */
    EagerPooling(PoolingConfig config, boolean normalize, List<DenseLayer> dense, Function<String, INDArray> param) {
        this.config = config;
        this.modes = new ArrayList<>(new TreeSet<>(config.modes()));
        this.normalize = normalize;
        this.dense = List.copyOf(dense);
        this.param = param;
        int width = config.outputDimension();
        for (DenseLayer d : dense) {
            if (d.in() != width) {
                throw new IllegalArgumentException("Dense " + d.path() + " takes " + d.in() + " features but receives "
                        + width);
            }
            width = d.out();
        }
    }

    /** What the backward pass of one pooling needs. */
    static final class State {
        final List<INDArray> weights = new ArrayList<>();
        final List<int[][]> argmax = new ArrayList<>();
        /** Each Dense module's input and pre-activation. */
        final List<INDArray> denseInputs = new ArrayList<>();
        final List<INDArray> denseLinear = new ArrayList<>();
        /** Per Dense module: the norms of the Normalize before it (null when it has none) and that Normalize's output. */
        final List<double[]> denseNorms = new ArrayList<>();
        final List<INDArray> denseNormalized = new ArrayList<>();
        double[] norms;
        INDArray output;

        State(INDArray output) {
            this.output = output;
        }
    }

    /** The pooled (and normalised) embedding [B, D] of {@code hidden} [B, T, H] under {@code mask} [B][T]. */
    State forward(INDArray hidden, double[][] mask) {
        int b = (int) hidden.size(0);
        int h = (int) hidden.size(2);
        DataType dt = hidden.dataType();
        INDArray out = Nd4j.create(dt, b, (long) h * modes.size());
        State state = new State(out);
        for (int m = 0; m < modes.size(); m++) {
            INDArray part = out.get(NDArrayIndex.all(), NDArrayIndex.interval((long) m * h, (long) (m + 1) * h));
            if (modes.get(m) == PoolingMode.MAX) {
                int[][] arg = maxPool(hidden, mask, part);
                state.argmax.add(arg);
                state.weights.add(null);
            } else {
                INDArray w = weights(modes.get(m), mask, dt);
                part.assign(Nd4j.matmul(w.reshape(b, 1, w.size(1)), hidden).reshape(b, h));
                state.weights.add(w);
                state.argmax.add(null);
            }
        }
        for (DenseLayer layer : dense) {
            if (layer.normalizeBefore()) {
                out = out.dup();
                state.denseNorms.add(normalizeRows(out));
                state.denseNormalized.add(out);
            } else {
                state.denseNorms.add(null);
                state.denseNormalized.add(null);
            }
            INDArray x = out;
            INDArray z = x.mmul(param.apply(layer.weightName()).castTo(dt).transpose());
            if (layer.bias()) {
                z.addiRowVector(param.apply(layer.biasName()).castTo(dt));
            }
            state.denseInputs.add(x);
            state.denseLinear.add(z);
            DenseLayer.Activation f = layer.function();
            double[] zs = z.dup('c').data().asDouble();
            double[] ys = new double[zs.length];
            for (int k = 0; k < zs.length; k++) {
                ys[k] = f.apply(zs[k]);
            }
            out = Nd4j.createFromArray(ys).reshape(z.shape()).castTo(dt);
        }
        state.output = out;
        if (normalize) {
            state.norms = normalizeRows(out);
        }
        return state;
    }

    /** Divides each row by max(|row|, eps) in place; returns the divisors. */
    private static double[] normalizeRows(INDArray out) {
        int b = (int) out.size(0);
        double[] divisors = new double[b];
        INDArray norms = out.norm2(1);
        for (int i = 0; i < b; i++) {
            divisors[i] = Math.max(norms.getDouble(i), NORM_EPS);
            out.getRow(i).divi(divisors[i]);
        }
        return divisors;
    }

    /** Backward of {@link #normalizeRows} in place on d, given the output y and the divisors. */
    private static void normalizeBackward(INDArray d, INDArray y, double[] divisors) {
        INDArray dot = d.mul(y).sum(1);
        for (int i = 0; i < divisors.length; i++) {
            // y = p / max(|p|, eps): below eps the scale is a constant
            INDArray row = d.getRow(i);
            if (divisors[i] > NORM_EPS) {
                row.subi(y.getRow(i).mul(dot.getDouble(i)));
            }
            row.divi(divisors[i]);
        }
    }

    /**
     * Adds the gradient with respect to {@code hidden} [B, T, H] of a pooling whose output gradient is dOut, and
     * the Dense modules' parameter gradients into {@code grads} (by parameter name).
     */
    void backward(State state, INDArray dOut, INDArray dHidden, java.util.Map<String, INDArray> grads) {
        int b = (int) dHidden.size(0);
        int h = (int) dHidden.size(2);
        if (dOut.rank() != 2 || dOut.size(0) != b || dOut.size(1) != state.output.size(1)) {
            // (state.output is the module chain's final output)
            throw new IllegalArgumentException("the gradient of the pooled embedding must have shape [" + b + ", "
                    + state.output.size(1) + "], not " + java.util.Arrays.toString(dOut.shape()));
        }
        INDArray d = dOut.castTo(dHidden.dataType()).dup();
        if (normalize) {
            normalizeBackward(d, state.output, state.norms);
        }
        for (int k = dense.size() - 1; k >= 0; k--) {
            DenseLayer layer = dense.get(k);
            INDArray z = state.denseLinear.get(k);
            DenseLayer.Activation f = layer.function();
            double[] zs = z.dup('c').data().asDouble();
            double[] ds = d.dup('c').data().asDouble();
            for (int q = 0; q < zs.length; q++) {
                ds[q] *= f.slope(zs[q]);
            }
            INDArray dz = Nd4j.createFromArray(ds).reshape(z.shape()).castTo(d.dataType());
            INDArray w = param.apply(layer.weightName());
            grads.get(layer.weightName()).addi(dz.transpose().mmul(state.denseInputs.get(k)).castTo(w.dataType()));
            if (layer.bias()) {
                INDArray gb = grads.get(layer.biasName());
                gb.addi(dz.sum(0).castTo(gb.dataType()));
            }
            d = dz.mmul(w.castTo(dz.dataType()));
            if (state.denseNorms.get(k) != null) {
                normalizeBackward(d, state.denseNormalized.get(k), state.denseNorms.get(k));
            }
        }
        for (int m = 0; m < modes.size(); m++) {
            INDArray part = d.get(NDArrayIndex.all(), NDArrayIndex.interval((long) m * h, (long) (m + 1) * h));
            if (modes.get(m) == PoolingMode.MAX) {
                int[][] arg = state.argmax.get(m);
                for (int i = 0; i < b; i++) {
                    for (int k = 0; k < h; k++) {
                        int t = arg[i][k];
                        if (t >= 0) {
                            dHidden.putScalar(i, t, k, dHidden.getDouble(i, t, k) + part.getDouble(i, k));
                        }
                    }
                }
            } else {
                INDArray w = state.weights.get(m);
                dHidden.addi(Nd4j.matmul(w.reshape(b, w.size(1), 1), part.dup().reshape(b, 1, h)));
            }
        }
    }

    /**
     * Max over real tokens, as {@code max_t(x * m + (1 - m) * -1e9)}; returns the winning position per
     * output, or -1 where it is a padding position (whose gradient through {@code x * m} is 0).
     */
    private static int[][] maxPool(INDArray hidden, double[][] mask, INDArray out) {
        int b = (int) hidden.size(0);
        int t = (int) hidden.size(1);
        int h = (int) hidden.size(2);
        int[][] arg = new int[b][h];
        double[] x = hidden.dup('c').data().asDouble();
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < h; k++) {
                double best = Double.NEGATIVE_INFINITY;
                int at = -1;
                for (int s = 0; s < t; s++) {
                    double m = mask[i][s];
                    double v = x[(i * t + s) * h + k] * m + (1 - m) * PADDING_FOR_MAX;
                    if (v > best) {
                        best = v;
                        at = s;
                    }
                }
                out.putScalar(i, k, best);
                arg[i][k] = mask[i][at] != 0 ? at : -1;
            }
        }
        return arg;
    }

    /** The [B, T] weights of a weighted-sum mode. */
    private static INDArray weights(PoolingMode mode, double[][] mask, DataType dt) {
        int b = mask.length;
        int t = b == 0 ? 0 : mask[0].length;
        double[][] w = new double[b][t];
        for (int i = 0; i < b; i++) {
            double[] m = mask[i];
            switch (mode) {
                case CLS -> w[i][0] = t > 0 ? 1 : 0;
                case MEAN -> scaled(m, w[i], null, 1.0);
                case MEAN_SQRT_LEN_TOKENS -> scaled(m, w[i], null, 0.5);
                case WEIGHTED_MEAN -> scaled(m, w[i], positions(t), 1.0);
                case LAST_TOKEN -> {
                    double best = 0;
                    for (int s = 0; s < t; s++) {
                        best = Math.max(best, m[s] * (s + 1));
                    }
                    for (int s = 0; s < t; s++) {
                        w[i][s] = m[s] * (s + 1) == best ? m[s] : 0;
                    }
                }
                default -> throw new IllegalArgumentException("unsupported pooling mode " + mode);
            }
        }
        return Nd4j.createFromArray(w).castTo(dt);
    }

    /** {@code w = m * p / max(sum(m * p), 1e-9)^power}. */
    private static void scaled(double[] m, double[] w, double[] positions, double power) {
        double total = 0;
        for (int s = 0; s < m.length; s++) {
            w[s] = m[s] * (positions == null ? 1 : positions[s]);
            total += w[s];
        }
        double scale = Math.pow(Math.max(total, MIN_COUNT), -power);
        for (int s = 0; s < m.length; s++) {
            w[s] *= scale;
        }
    }

    private static double[] positions(int t) {
        double[] p = new double[t];
        for (int s = 0; s < t; s++) {
            p[s] = s + 1;
        }
        return p;
    }

    int outputDimension() {
        return dense.isEmpty() ? config.outputDimension() : dense.get(dense.size() - 1).out();
    }
}
