package org.sentence4j.graphs.eager;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Float32 loops for the parts of ModernBERT's block that ND4J runs as many passes over strided views: the gated
 * GELU ({@code [a | g]} halves of one product) and the rotary embedding fused with the split of the Q/K/V product
 * into heads (and their backward passes). Each is one pass over the data in Java, in parallel over rows.
 *
 * <p>Why: measured on all-MiniLM-L6-v2's sizes (32 × 128 tokens), copying the two halves out of the [N, 2F]
 * product, GELU and the gate took 27 % of an encode, the split and rotary 13 %, against 6 % for the Q/K/V product
 * itself. Only called for float32 arrays the row kernels can read ({@link RowKernels#supports}); the float64 route
 * (the gradient checks) keeps the ND4J formulation, and the tests compare the two.
 */
final class ModernBertKernels {

    private ModernBertKernels() {
    }

    /** Whether every array can be read directly. */
    static boolean supports(org.nd4j.linalg.api.ndarray.INDArray... arrays) {
        if (!FastRoute.encoderKernels()) {
            return false;
        }
        for (org.nd4j.linalg.api.ndarray.INDArray a : arrays) {
            if (!RowKernels.supports(a)) {
                return false;
            }
        }
        return true;
    }

    /**
     * From {@code ag} [N, 2F]: {@code act = gelu(a)}, {@code gate = g}, {@code y = act * g}, and when slope is not
     * null {@code slope = gelu'(a)}.
     */
    static void gatedGelu(FloatBuffer ag, int rows, int f, FloatBuffer act, FloatBuffer gate, FloatBuffer slope,
                          FloatBuffer y) {
        boolean vector = FastRoute.vectorKernels();
        IntStream.range(0, RowKernels.CHUNKS).parallel().forEach(c -> {
            float[] a = new float[f];
            float[] g = new float[f];
            float[] out = new float[f];
            float[] s = new float[f];
            for (int r = RowKernels.start(c, rows); r < RowKernels.start(c + 1, rows); r++) {
                ag.get(r * 2 * f, a, 0, f);
                ag.get(r * 2 * f + f, g, 0, f);
                if (vector) {
                    GeluKernel.row(a, null, out, slope == null ? null : s, f); // the vector-API GELU of the BERT block
                } else {
                    for (int j = 0; j < f; j++) {
                        float density = (float) Math.exp(-0.5f * a[j] * a[j]);
                        float phi = RowKernels.normalCdf(a[j], density);
                        out[j] = a[j] * phi;
                        s[j] = phi + a[j] * density * RowKernels.INV_SQRT_2PI;
                    }
                }
                int o = r * f;
                act.put(o, out, 0, f);
                gate.put(o, g, 0, f);
                if (slope != null) {
                    slope.put(o, s, 0, f);
                }
                for (int j = 0; j < f; j++) {
                    out[j] *= g[j];
                }
                y.put(o, out, 0, f);
            }
        });
    }

    /** Backward of {@link #gatedGelu}: {@code dag = [dy * g * slope | dy * act]}. */
    static void gatedGeluBackward(FloatBuffer dy, FloatBuffer act, FloatBuffer gate, FloatBuffer slope, int rows, int f,
                                  FloatBuffer dag) {
        IntStream.range(0, RowKernels.CHUNKS).parallel().forEach(c -> {
            float[] d = new float[f];
            float[] a = new float[f];
            float[] g = new float[f];
            float[] s = new float[f];
            for (int r = RowKernels.start(c, rows); r < RowKernels.start(c + 1, rows); r++) {
                int o = r * f;
                dy.get(o, d, 0, f);
                act.get(o, a, 0, f);
                gate.get(o, g, 0, f);
                slope.get(o, s, 0, f);
                for (int j = 0; j < f; j++) {
                    g[j] *= d[j] * s[j];
                    a[j] *= d[j];
                }
                dag.put(r * 2 * f, g, 0, f);
                dag.put(r * 2 * f + f, a, 0, f);
            }
        });
    }

    /**
     * Splits the projection {@code qkv} [B·T, 3H] (columns q | k | v, heads contiguous) into q, k, v
     * [B, heads, T, d], rotating q and k: {@code x·cos + rotate_half(x)·sin}, cos and sin [T, d].
     */
    static void splitRotate(FloatBuffer qkv, float[] cos, float[] sin, int batch, int seq, int heads, int d,
                            FloatBuffer q, FloatBuffer k, FloatBuffer v) {
        int h = heads * d;
        int half = d / 2;
        IntStream.range(0, batch * seq).parallel().forEach(row -> {
            int b = row / seq;
            int t = row % seq;
            int in = row * 3 * h;
            for (int head = 0; head < heads; head++) {
                int out = ((b * heads + head) * seq + t) * d;
                int col = head * d;
                for (int i = 0; i < half; i++) {
                    float c = cos[t * d + i];
                    float s = sin[t * d + i];
                    float q1 = qkv.get(in + col + i);
                    float q2 = qkv.get(in + col + half + i);
                    q.put(out + i, q1 * c - q2 * s);
                    q.put(out + half + i, q2 * c + q1 * s);
                    float k1 = qkv.get(in + h + col + i);
                    float k2 = qkv.get(in + h + col + half + i);
                    k.put(out + i, k1 * c - k2 * s);
                    k.put(out + half + i, k2 * c + k1 * s);
                }
                for (int i = 0; i < d; i++) {
                    v.put(out + i, qkv.get(in + 2 * h + col + i));
                }
            }
        });
    }

    /**
     * Backward of {@link #splitRotate}: the gradients of the rotated q, k and of v [B, heads, T, d] into
     * {@code dqkv} [B·T, 3H], through the transposed rotation {@code g·cos + R^T(g·sin)}, {@code R^T([a, b]) = [b, -a]}.
     */
    static void mergeRotateBackward(FloatBuffer dq, FloatBuffer dk, FloatBuffer dv, float[] cos, float[] sin, int batch,
                                    int seq, int heads, int d, FloatBuffer dqkv) {
        int h = heads * d;
        int half = d / 2;
        IntStream.range(0, batch * seq).parallel().forEach(row -> {
            int b = row / seq;
            int t = row % seq;
            int out = row * 3 * h;
            for (int head = 0; head < heads; head++) {
                int in = ((b * heads + head) * seq + t) * d;
                int col = head * d;
                for (int i = 0; i < half; i++) {
                    float c = cos[t * d + i];
                    float s = sin[t * d + i];
                    float g1 = dq.get(in + i);
                    float g2 = dq.get(in + half + i);
                    dqkv.put(out + col + i, g1 * c + g2 * s);
                    dqkv.put(out + col + half + i, g2 * c - g1 * s);
                    float k1 = dk.get(in + i);
                    float k2 = dk.get(in + half + i);
                    dqkv.put(out + h + col + i, k1 * c + k2 * s);
                    dqkv.put(out + h + col + half + i, k2 * c - k1 * s);
                }
                for (int i = 0; i < d; i++) {
                    dqkv.put(out + 2 * h + col + i, dv.get(in + i));
                }
            }
        });
    }
}
