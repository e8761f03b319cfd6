package org.sentence4j.trainer.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.eager.FastRoute;

/**
 * AdamW (Loshchilov and Hutter), as PyTorch's {@code torch.optim.AdamW} that sentence-transformers' trainer
 * uses: decoupled weight decay {@code p -= lr·wd·p} first, then the bias-corrected Adam step. Parameters
 * for which {@code decay} is false (biases and LayerNorm weights, as Hugging Face's trainer does) get no
 * weight decay. The state (step count, first and second moments) is exposed for checkpoints, so a resumed
 * run continues exactly.
 *
 * <p>ND4J 1.0.0-M2.1 has no AdamW class; its Adam updater plus {@code WeightDecay} is close but applies the
 * decay after the Adam step. Written out here it is a few lines and matches PyTorch step for step.
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Predicate<String> decay;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private long step;

    /**
     * @param beta1       first-moment decay (0.9)
     * @param beta2       second-moment decay (0.999)
     * @param eps         added to the root of the second moment (1e-8)
     * @param weightDecay decoupled weight decay coefficient
     * @param decay       which parameters (by name) get weight decay
     */
    public AdamW(double beta1, double beta2, double eps, double weightDecay, Predicate<String> decay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decay = decay;
    }

    /** Hugging Face's defaults: betas (0.9, 0.999), eps 1e-8, no decay on biases and LayerNorm weights. */
    public static AdamW withWeightDecay(double weightDecay) {
        return new AdamW(0.9, 0.999, 1e-8, weightDecay, AdamW::decays);
    }

    /** Hugging Face's rule: no weight decay for biases and LayerNorm parameters. */
    public static boolean decays(String name) {
        String n = name.toLowerCase();
        return !(n.endsWith("bias") || n.contains("layernorm") || n.contains("layer_norm"));
    }

    /** Updates every parameter in place with its gradient at learning rate {@code lr}. */
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray p = e.getValue();
            INDArray g = grads.get(name);
            if (g == null) {
                continue;
            }
            g = g.castTo(p.dataType());
            INDArray mi = m.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            INDArray vi = v.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            double decayFactor = weightDecay != 0 && decay.test(name) ? 1 - lr * weightDecay : 1;
            if (fusable(p, g, mi, vi)) {
                fusedStep(p, g, mi, vi, (float) decayFactor, lr / bc1, Math.sqrt(bc2));
                continue;
            }
            if (decayFactor != 1) {
                p.muli(decayFactor);
            }
            // in place through one scratch buffer: the same operations in the same order as
            // m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²; p -= lr/bc1 · m / (sqrt(v)/sqrt(bc2) + eps),
            // without four fresh parameter-sized arrays per tensor and step
            INDArray t = scratch(p);
            mi.muli(beta1).addi(t.assign(g).muli(1 - beta1));
            vi.muli(beta2).addi(t.assign(g).muli(g).muli(1 - beta2));
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt(vi, t));
            t.divi(Math.sqrt(bc2)).addi(eps).rdivi(mi);
            p.subi(t.muli(lr / bc1));
        }
    }

    /**
     * Whether {@link #fusedStep} (and gradient clipping) may work on these arrays' memory directly: the fast
     * route ({@link FastRoute}: the CPU backend, not {@code -Dsentence4j.route=nd4j}) and float32, c-order,
     * contiguous from offset 0. Otherwise the update is ND4J ops.
     */
    static boolean fusable(INDArray... arrays) {
        if (!FastRoute.enabled()) {
            return false;
        }
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.offset() != 0 || a.elementWiseStride() != 1
                    || a.isView()) {
                return false;
            }
        }
        return true;
    }

    private static final int CHUNK = 1 << 16;

    /**
     * The update of {@link #step} for one float32 tensor as one pass over its memory (the op-by-op form makes
     * about fourteen passes over every parameter-sized array, ~0.15 s per MiniLM step). The arithmetic is
     * the same, in float32 and in the same order, chunk by chunk in parallel (no reductions, so the
     * result does not depend on the thread count).
     */
    private void fusedStep(INDArray p, INDArray g, INDArray mi, INDArray vi, float decayFactor, double stepSize,
                           double sqrtBc2) {
        java.nio.FloatBuffer bp = FastRoute.floats(p), bg = FastRoute.floats(g), bm = FastRoute.floats(mi),
                bv = FastRoute.floats(vi);
        int n = Math.toIntExact(p.length());
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float root = (float) sqrtBc2;
        float epsilon = (float) eps;
        float size = (float) stepSize;
        if (FastRoute.vectorKernels()) {
            AdamWKernel.step(bp, bg, bm, bv, n, b1, b2, c1, c2, root, epsilon, size, decayFactor);
            return;
        }
        java.util.stream.IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
            int o = c * CHUNK;
            int len = Math.min(CHUNK, n - o);
            float[] pp = new float[len];
            float[] gg = new float[len];
            float[] mm = new float[len];
            float[] vv = new float[len];
            bp.get(o, pp);
            bg.get(o, gg);
            bm.get(o, mm);
            bv.get(o, vv);
            for (int k = 0; k < len; k++) {
                float gk = gg[k];
                mm[k] = mm[k] * b1 + gk * c1;
                vv[k] = vv[k] * b2 + gk * gk * c2;
                float denom = (float) Math.sqrt(vv[k]) / root + epsilon;
                pp[k] = pp[k] * decayFactor - mm[k] / denom * size;
            }
            bp.put(o, pp);
            bm.put(o, mm);
            bv.put(o, vv);
        });
    }

    private INDArray scratchBuffer;

    /** A c-order scratch array of p's shape and type, a view of one buffer reused for every tensor. */
    private INDArray scratch(INDArray p) {
        if (scratchBuffer == null || scratchBuffer.length() < p.length() || scratchBuffer.dataType() != p.dataType()) {
            scratchBuffer = Nd4j.createUninitialized(p.dataType(), Math.max(p.length(), scratchBuffer == null ? 0 : scratchBuffer.length()));
        }
        return scratchBuffer.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, p.length())).reshape('c', p.shape());
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    /** The optimizer state to checkpoint: {@code m/<name>}, {@code v/<name>} and {@code step}. */
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        m.forEach((k, a) -> s.put("m/" + k, a));
        v.forEach((k, a) -> s.put("v/" + k, a));
        s.put("step", Nd4j.scalar(DataType.INT64, step));
        return s;
    }

    /** Restores a state written by {@link #state()}. */
    public void load(Map<String, INDArray> state) {
        m.clear();
        v.clear();
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            if (e.getKey().startsWith("m/")) {
                m.put(e.getKey().substring(2), e.getValue().dup());
            } else if (e.getKey().startsWith("v/")) {
                v.put(e.getKey().substring(2), e.getValue().dup());
            }
        }
        INDArray s = state.get("step");
        step = s == null ? 0 : s.getLong(0);
    }

    /** Names of the parameters with state. */
    public Set<String> names() {
        return m.keySet();
    }
}
