package org.sentence4j.graphs.eager;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The LM head's token cross-entropy with an ignored label (PyTorch's {@code CrossEntropyLoss(ignore_index)})
 * over float32 logits [rows, vocab], forward and gradient, one row at a time in a per-thread array with the
 * JDK's vector API.
 *
 * <p>Why: TSDAE's logits are [tokens, 30522]; through ND4J the loss is four passes over them (row max,
 * subtract, exp, row sum) and the gradient four more, each a trip through 60 MB of memory with its own
 * dispatch. Here the forward pass reads each row once (max, then the sum of exponentials from the cached
 * copy) and leaves the logits unchanged; the gradient pass reads and writes each row once. Sums of
 * exponentials are accumulated per vector in float32 and across vectors in float64.
 *
 * <p>Only loaded when {@link FastRoute#vectorKernels()}; the class does not load without the module.
 */
final class CrossEntropyKernel {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ThreadLocal<float[]> ROW = new ThreadLocal<>();

    private CrossEntropyKernel() {
    }

    private static float[] row(int width) {
        float[] r = ROW.get();
        if (r == null || r.length < width) {
            r = new float[width];
            ROW.set(r);
        }
        return r;
    }

    /**
     * Per row: {@code shift[r] = max(z_r) + log Σ exp(z_r − max)} (the log-sum-exp, kept for the gradient), and
     * the sum over the rows whose label is not {@code ignore} of {@code shift[r] − z_r[label]}.
     */
    static double forward(FloatBuffer z, int rows, int width, long[] labels, long ignore, double[] shift) {
        double[] terms = new double[rows];
        IntStream.range(0, rows).parallel().forEach(r -> {
            float[] x = row(width);
            z.get(r * width, x, 0, width);
            int bound = F.loopBound(width);
            FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            int j = 0;
            for (; j < bound; j += L) {
                mv = mv.max(FloatVector.fromArray(F, x, j));
            }
            float m = mv.reduceLanes(VectorOperators.MAX);
            for (; j < width; j++) {
                m = Math.max(m, x[j]);
            }
            double sum = 0;
            j = 0;
            for (; j < bound; j += L) {
                sum += FloatVector.fromArray(F, x, j).sub(m).lanewise(VectorOperators.EXP).reduceLanes(VectorOperators.ADD);
            }
            for (; j < width; j++) {
                sum += Math.exp(x[j] - m);
            }
            shift[r] = m + Math.log(sum);
            terms[r] = labels[r] == ignore ? 0 : shift[r] - x[(int) labels[r]];
        });
        double total = 0;
        for (double t : terms) {
            total += t;
        }
        return total;
    }

    /**
     * In place: row r becomes {@code (softmax(z_r) − onehot(label_r)) · weight} for a counted row, 0 for an
     * ignored one; {@code shift} from {@link #forward}.
     */
    static void backward(FloatBuffer z, int rows, int width, long[] labels, long ignore, double[] shift, float weight) {
        IntStream.range(0, rows).parallel().forEach(r -> {
            float[] x = row(width);
            if (labels[r] == ignore) {
                java.util.Arrays.fill(x, 0, width, 0f);
                z.put(r * width, x, 0, width);
                return;
            }
            z.get(r * width, x, 0, width);
            float s = (float) shift[r];
            int bound = F.loopBound(width);
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, x, j).sub(s).lanewise(VectorOperators.EXP).mul(weight).intoArray(x, j);
            }
            for (; j < width; j++) {
                x[j] = (float) Math.exp(x[j] - s) * weight;
            }
            x[(int) labels[r]] -= weight;
            z.put(r * width, x, 0, width);
        });
    }
}
