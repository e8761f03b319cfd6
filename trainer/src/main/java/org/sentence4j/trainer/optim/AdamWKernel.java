package org.sentence4j.trainer.optim;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused float32 AdamW update of {@link AdamW} with the JDK's vector API: the same operations in the same
 * order (separate multiplies and adds, no fused multiply-add, correctly rounded square root and division),
 * so the result is bit for bit that of the scalar loop, 16 lanes at a time. Chunks are processed in
 * parallel into per-thread arrays reused from call to call (the scalar form allocated four 256 KB arrays
 * per chunk, ~350 MB of garbage per MiniLM step).
 *
 * <p>Only loaded when {@link org.sentence4j.graphs.eager.FastRoute#vectorKernels()}.
 */
final class AdamWKernel {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    static final int CHUNK = 1 << 16;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][CHUNK]);

    private AdamWKernel() {
    }

    static void step(FloatBuffer bp, FloatBuffer bg, FloatBuffer bm, FloatBuffer bv, int n, float b1, float b2, float c1,
                     float c2, float root, float epsilon, float size, float decayFactor) {
        IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
            int o = c * CHUNK;
            int len = Math.min(CHUNK, n - o);
            float[][] s = SCRATCH.get();
            float[] pp = s[0];
            float[] gg = s[1];
            float[] mm = s[2];
            float[] vv = s[3];
            bp.get(o, pp, 0, len);
            bg.get(o, gg, 0, len);
            bm.get(o, mm, 0, len);
            bv.get(o, vv, 0, len);
            int k = 0;
            for (; k + L <= len; k += L) {
                FloatVector g = FloatVector.fromArray(F, gg, k);
                FloatVector m = FloatVector.fromArray(F, mm, k).mul(b1).add(g.mul(c1));
                FloatVector v = FloatVector.fromArray(F, vv, k).mul(b2).add(g.mul(g).mul(c2));
                FloatVector denom = v.sqrt().div(root).add(epsilon);
                FloatVector p = FloatVector.fromArray(F, pp, k).mul(decayFactor).sub(m.div(denom).mul(size));
                m.intoArray(mm, k);
                v.intoArray(vv, k);
                p.intoArray(pp, k);
            }
            for (; k < len; k++) {
                float gk = gg[k];
                mm[k] = mm[k] * b1 + gk * c1;
                vv[k] = vv[k] * b2 + gk * gk * c2;
                float denom = (float) Math.sqrt(vv[k]) / root + epsilon;
                pp[k] = pp[k] * decayFactor - mm[k] / denom * size;
            }
            bp.put(o, pp, 0, len);
            bm.put(o, mm, 0, len);
            bv.put(o, vv, 0, len);
        });
    }
}
