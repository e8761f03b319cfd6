package org.sentence4j.trainer.optim;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sum of squares and in-place scaling of float32 gradients with the JDK's vector API, for
 * {@link GradientClipping}: one parallel pass over each gradient instead of an ND4J reduction and an ND4J
 * multiply per tensor (about a hundred tensors in a MiniLM, each op with its own dispatch). Sums are kept per
 * fixed chunk in double and added in chunk order, so the norm does not depend on the number of threads.
 *
 * <p>Only loaded when {@link org.sentence4j.graphs.eager.FastRoute#vectorKernels()}.
 */
final class ClippingKernel {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int CHUNK = 1 << 15;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private ClippingKernel() {
    }

    static double sumOfSquares(FloatBuffer g, int n) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        double[] parts = new double[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int o = c * CHUNK;
            int len = Math.min(CHUNK, n - o);
            float[] a = SCRATCH.get();
            g.get(o, a, 0, len);
            FloatVector acc = FloatVector.zero(F);
            double sum = 0;
            int k = 0;
            for (; k + L <= len; k += L) {
                FloatVector v = FloatVector.fromArray(F, a, k);
                acc = v.fma(v, acc);
                if ((k / L) % 64 == 63) { // fold into double every 64 vectors: float lanes never sum many terms
                    sum += acc.reduceLanes(VectorOperators.ADD);
                    acc = FloatVector.zero(F);
                }
            }
            sum += acc.reduceLanes(VectorOperators.ADD);
            for (; k < len; k++) {
                sum += (double) a[k] * a[k];
            }
            parts[c] = sum;
        });
        double total = 0;
        for (double p : parts) {
            total += p;
        }
        return total;
    }

    static void scale(FloatBuffer g, int n, float factor) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int o = c * CHUNK;
            int len = Math.min(CHUNK, n - o);
            float[] a = SCRATCH.get();
            g.get(o, a, 0, len);
            int k = 0;
            for (; k + L <= len; k += L) {
                FloatVector.fromArray(F, a, k).mul(factor).intoArray(a, k);
            }
            for (; k < len; k++) {
                a[k] *= factor;
            }
            g.put(o, a, 0, len);
        });
    }
}
