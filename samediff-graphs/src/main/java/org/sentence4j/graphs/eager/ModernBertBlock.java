package org.sentence4j.graphs.eager;

import static org.sentence4j.graphs.bert.BertTensorNames.MODERN_EMBEDDINGS_NORM;
import static org.sentence4j.graphs.bert.BertTensorNames.MODERN_FINAL_NORM;
import static org.sentence4j.graphs.bert.BertTensorNames.WORD_EMBEDDINGS;
import static org.sentence4j.graphs.bert.BertTensorNames.modern;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.ModernBertSettings;

/**
 * ModernBERT's encoder, forward and backward, as direct ND4J calls: the block the eager encoder runs for
 * {@code ModernBertModel} in place of the post-LayerNorm BERT layer (embeddings, pooling, Dense, Normalize, the
 * optimizer and the trainer are shared).
 *
 * <p>The computation (transformers 5.18's {@code ModernBertModel}, no biases anywhere): word embeddings, LayerNorm;
 * per layer {@code x += Wo · attention(attn_norm(x))} (layer 0 has no attn_norm) with rotary positions on queries
 * and keys (the "rotate half" form, base per layer kind) and, in sliding layers, keys within half the local window
 * of the query; then {@code x += mlp.Wo · (gelu(a) * g)} with {@code [a | g] = mlp.Wi · mlp_norm(x)}; a final
 * LayerNorm after the last layer. Hidden state k of a pass over fewer layers is the un-normed output of layer k, as
 * transformers' {@code hidden_states}.
 *
 * <p>Why ND4J ops here rather than the fused float32 kernels of the BERT block: correctness first (checked against
 * sentence-transformers and finite differences); the products, which dominate, run in OpenBLAS either way.
 */
final class ModernBertBlock {

    private static final double MASKED_SCORE = -1e9;

    private final BertConfig config;
    private final ModernBertSettings settings;
    private final Function<String, INDArray> param;
    private final DataType dt;

    ModernBertBlock(BertConfig config, Function<String, INDArray> param, DataType dt) {
        this.config = config;
        this.settings = config.modern();
        this.param = param;
        this.dt = dt;
    }

    /** What one layer's backward pass needs. */
    static final class Layer {
        INDArray a;          // attention input (normed, or the layer input for layer 0) [N, H]
        INDArray aXhat;
        INDArray aRstd;
        INDArray q;          // rotated queries [B, heads, T, d]
        INDArray k;          // rotated keys
        INDArray v;
        INDArray probs;      // [B, heads, T, T]
        INDArray ctx;        // [N, H]
        INDArray m;          // mlp input (normed) [N, H]
        INDArray mXhat;
        INDArray mRstd;
        INDArray gate;       // [N, F]
        INDArray act;        // gelu(a) [N, F]
        INDArray slope;      // gelu'(a)

        /** Frees the native memory of every array held (not {@code a} of layer 0: it is the layer input). */
        void release(boolean ownsInput) {
            ModernBertBlock.release(aXhat, aRstd, q, k, v, probs, ctx, m, mXhat, mRstd, gate, act, slope);
            if (ownsInput) {
                ModernBertBlock.release(a);
            }
        }
    }

    /** A pass's activations: hidden states 0..k (un-normed, flat [N, H]), the output, and per-layer state. */
    static final class Activations {
        final int batch;
        final int seq;
        final long[] ids;
        final List<INDArray> hidden = new ArrayList<>();
        final List<Layer> layers = new ArrayList<>();
        INDArray embXhat;
        INDArray embRstd;
        /** The final LayerNorm's state when the pass ran every layer, else null. */
        INDArray finXhat;
        INDArray finRstd;
        INDArray output;
        /** Added to the scores [B, T(query), T(key)]: padding keys masked; for sliding layers also keys out of reach. */
        INDArray globalBias;
        INDArray slidingBias;
        /** cos and sin [T, d] per rotary base, computed once per pass. */
        final Map<Double, Rotary> rotary = new java.util.HashMap<>();

        /** Frees everything the pass holds (an inference pass, once its outputs were read). */
        void releaseAll() {
            for (Layer l : layers) {
                if (l != null) {
                    l.release(false);
                }
            }
            hidden.forEach(ModernBertBlock::release);
            release(output, embXhat, embRstd, finXhat, finRstd, globalBias, slidingBias);
            rotary.values().forEach(r -> release(r.cos(), r.sin()));
        }

        Activations(int batch, int seq, long[] ids) {
            this.batch = batch;
            this.seq = seq;
            this.ids = ids;
        }
    }

    /**
     * Runs the first {@code numLayers} layers; with {@code keep}, retains what {@link #backward} needs, else frees
     * each layer's intermediates as soon as the layer is done (an inference pass).
     */
    Activations forward(long[] ids, double[][] mask, int batch, int seq, int numLayers, boolean keep) {
        int n = batch * seq;
        int h = config.hiddenSize();
        Activations s = new Activations(batch, seq, ids);
        INDArray rows = Nd4j.createUninitialized(dt, n, h);
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(param.apply(WORD_EMBEDDINGS), Nd4j.createFromArray(ids))
                .addOutputs(rows).addIntegerArguments(0).build());
        s.embXhat = Nd4j.createUninitialized(dt, n, h);
        s.embRstd = Nd4j.createUninitialized(dt, n, 1);
        INDArray h0 = Nd4j.createUninitialized(dt, n, h);
        norm(rows, MODERN_EMBEDDINGS_NORM, s.embXhat, s.embRstd, h0);
        release(rows);
        s.hidden.add(h0);
        int reach = settings.localWindow() / 2;
        double[] global = new double[batch * seq * seq];
        double[] sliding = new double[batch * seq * seq];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < seq; i++) {
                for (int j = 0; j < seq; j++) {
                    int at = (b * seq + i) * seq + j;
                    global[at] = mask[b][j] == 0 ? MASKED_SCORE : 0;
                    // a padding query sees what a global layer's would: otherwise its window may hold only padding,
                    // a row with every key masked, which libnd4j's softmax turns into NaN (and NaN then reaches real
                    // tokens through the keys of the next layer); padding rows never reach a pooled output
                    sliding[at] = mask[b][j] == 0 || (mask[b][i] != 0 && Math.abs(i - j) > reach) ? MASKED_SCORE : 0;
                }
            }
        }
        s.globalBias = Nd4j.createFromArray(global).reshape(batch, seq, seq).castTo(dt);
        s.slidingBias = Nd4j.createFromArray(sliding).reshape(batch, seq, seq).castTo(dt);
        for (int l = 0; l < numLayers; l++) {
            s.hidden.add(layer(s, l, s.hidden.get(l), keep));
        }
        INDArray last = s.hidden.get(numLayers);
        if (numLayers == config.numHiddenLayers()) {
            INDArray[] normed = normed(last, MODERN_FINAL_NORM);
            s.output = normed[0];
            s.finXhat = normed[1];
            s.finRstd = normed[2];
        } else {
            s.output = last;
        }
        return s;
    }

    private INDArray layer(Activations s, int l, INDArray x, boolean keep) {
        int n = s.batch * s.seq;
        int h = config.hiddenSize();
        int heads = config.numAttentionHeads();
        int d = config.headSize();
        int f = config.intermediateSize();
        Layer st = new Layer();
        s.layers.add(st);
        if (l == 0) {
            st.a = x;
        } else {
            INDArray[] normed = normed(x, modern(l, "attn_norm.weight"));
            st.a = normed[0];
            st.aXhat = normed[1];
            st.aRstd = normed[2];
        }
        SectionTimer.mark("fwd.modern.norm");
        INDArray qkv = Nd4j.createUninitialized(dt, n, 3L * h);
        Gemm.gemm(st.a, p(modern(l, "attn.Wqkv.weight")), qkv, false, true, 1.0, 0.0);
        SectionTimer.mark("fwd.modern.dense.qkv");
        Rotary cs = s.rotary.computeIfAbsent(settings.theta(l), theta -> rotary(s.seq, d, theta));
        if (fast(qkv)) {
            st.q = Nd4j.createUninitialized(dt, s.batch, heads, s.seq, d);
            st.k = Nd4j.createUninitialized(dt, s.batch, heads, s.seq, d);
            st.v = Nd4j.createUninitialized(dt, s.batch, heads, s.seq, d);
            ModernBertKernels.splitRotate(FastRoute.floats(qkv), cs.cosValues(), cs.sinValues(), s.batch, s.seq, heads, d,
                    FastRoute.floats(st.q), FastRoute.floats(st.k), FastRoute.floats(st.v));
            release(qkv);
        } else {
            INDArray split = qkv.reshape(s.batch, s.seq, 3, heads, d).permute(2, 0, 3, 1, 4);
            INDArray q = split.slice(0).dup('c');
            INDArray k = split.slice(1).dup('c');
            st.q = rotate(q, cs.cos(), cs.sin(), false);
            st.k = rotate(k, cs.cos(), cs.sin(), false);
            st.v = split.slice(2).dup('c');
            release(q, k, qkv);
        }
        SectionTimer.mark("fwd.modern.split_rotary");
        INDArray kT = st.k.permute(0, 1, 3, 2).dup('c');
        INDArray scores = Nd4j.matmul(st.q, kT);
        release(kT);
        scores.muli(1.0 / Math.sqrt(d));
        Nd4j.exec(new BroadcastAddOp(scores, settings.global(l) ? s.globalBias : s.slidingBias, scores, 0, 2, 3));
        st.probs = Nd4j.createUninitialized(dt, s.batch, heads, s.seq, s.seq);
        SectionTimer.mark("fwd.modern.scores");
        Nd4j.exec(new SoftMax(scores, st.probs, 3));
        release(scores);
        SectionTimer.mark("fwd.modern.softmax");
        INDArray context = Nd4j.matmul(st.probs, st.v);
        st.ctx = Nd4j.createUninitialized(dt, n, h);
        st.ctx.reshape(s.batch, s.seq, heads, d).assign(context.permute(0, 2, 1, 3));
        release(context);
        SectionTimer.mark("fwd.modern.context");
        INDArray mid = x.dup();
        Gemm.gemm(st.ctx, p(modern(l, "attn.Wo.weight")), mid, false, true, 1.0, 1.0);
        SectionTimer.mark("fwd.modern.dense.out");

        INDArray[] normed = normed(mid, modern(l, "mlp_norm.weight"));
        st.m = normed[0];
        st.mXhat = normed[1];
        st.mRstd = normed[2];
        INDArray ag = Nd4j.createUninitialized(dt, n, 2L * f);
        SectionTimer.mark("fwd.modern.norm");
        Gemm.gemm(st.m, p(modern(l, "mlp.Wi.weight")), ag, false, true, 1.0, 0.0);
        SectionTimer.mark("fwd.modern.dense.wi");
        st.act = Nd4j.createUninitialized(dt, n, f);
        st.slope = keep ? Nd4j.createUninitialized(dt, n, f) : null;
        st.gate = Nd4j.createUninitialized(dt, n, f);
        INDArray y;
        INDArray a = null;
        INDArray density = null;
        if (fast(ag)) {
            y = Nd4j.createUninitialized(dt, n, f);
            ModernBertKernels.gatedGelu(FastRoute.floats(ag), n, f, FastRoute.floats(st.act), FastRoute.floats(st.gate),
                    st.slope == null ? null : FastRoute.floats(st.slope), FastRoute.floats(y));
        } else {
            a = ag.get(NDArrayIndex.all(), NDArrayIndex.interval(0, f)).dup('c');
            st.gate.assign(ag.get(NDArrayIndex.all(), NDArrayIndex.interval(f, 2L * f)));
            density = Nd4j.createUninitialized(dt, n, f);
            EagerOps.gelu(a, density, st.act, st.slope);
            y = st.act.mul(st.gate);
        }
        SectionTimer.mark("fwd.modern.gelu_gate");
        INDArray out = mid;
        Gemm.gemm(y, p(modern(l, "mlp.Wo.weight")), out, false, true, 1.0, 1.0);
        SectionTimer.mark("fwd.modern.dense.wo");
        release(ag, a, density, y);
        if (!keep) {
            // an inference pass needs none of it again: give the native memory back now rather than at some GC
            st.release(l > 0);
            s.layers.set(l, null);
        }
        return out;
    }

    /**
     * Backward of a pass: parameter gradients added into {@code grads}; {@code dOutput} is the gradient of the
     * pass's output [N, H]; {@code layerGradient} adds the gradient of pooled hidden state l (l below the number of
     * layers run) to the gradient of hidden state l.
     */
    void backward(Activations s, INDArray dOutput, java.util.function.BiConsumer<Integer, INDArray> layerGradient,
                  Map<String, INDArray> grads) {
        int n = s.batch * s.seq;
        int h = config.hiddenSize();
        int numLayers = s.layers.size();
        INDArray dx;
        if (s.finXhat != null) {
            dx = Nd4j.createUninitialized(dt, n, h);
            normBackward(dOutput, s.finXhat, s.finRstd, MODERN_FINAL_NORM, grads, dx);
        } else {
            dx = dOutput.dup();
        }
        for (int l = numLayers - 1; l >= 0; l--) {
            INDArray next = layerBackward(s, l, dx, grads);
            release(dx);
            dx = next;
            s.layers.get(l).release(l > 0);
            layerGradient.accept(l, dx);
        }
        INDArray dRows = Nd4j.createUninitialized(dt, n, h);
        normBackward(dx, s.embXhat, s.embRstd, MODERN_EMBEDDINGS_NORM, grads, dRows);
        EagerEncoder.scatterAddRows(grads.get(WORD_EMBEDDINGS), s.ids, dRows);
        release(dx, dRows);
    }

    /** Given the gradient of layer l's output, adds its parameter gradients and returns the gradient of its input. */
    private INDArray layerBackward(Activations s, int l, INDArray dOut, Map<String, INDArray> grads) {
        Layer st = s.layers.get(l);
        int n = s.batch * s.seq;
        int h = config.hiddenSize();
        int heads = config.numAttentionHeads();
        int d = config.headSize();
        int f = config.intermediateSize();
        // out = mid + (act * gate) Wo2^T
        INDArray y = st.act.mul(st.gate);
        Gemm.gemm(dOut, y, grads.get(modern(l, "mlp.Wo.weight")), true, false, 1.0, 1.0);
        INDArray dy = Nd4j.createUninitialized(dt, n, f);
        Gemm.gemm(dOut, p(modern(l, "mlp.Wo.weight")), dy, false, false, 1.0, 0.0);
        INDArray dag = Nd4j.createUninitialized(dt, n, 2L * f);
        if (fast(dy, st.act, st.gate, st.slope, dag)) {
            ModernBertKernels.gatedGeluBackward(FastRoute.floats(dy), FastRoute.floats(st.act), FastRoute.floats(st.gate),
                    FastRoute.floats(st.slope), n, f, FastRoute.floats(dag));
        } else {
            dag.get(NDArrayIndex.all(), NDArrayIndex.interval(0, f)).assign(dy.mul(st.gate).muli(st.slope));
            dag.get(NDArrayIndex.all(), NDArrayIndex.interval(f, 2L * f)).assign(dy.mul(st.act));
        }
        Gemm.gemm(dag, st.m, grads.get(modern(l, "mlp.Wi.weight")), true, false, 1.0, 1.0);
        INDArray dm = Nd4j.createUninitialized(dt, n, h);
        Gemm.gemm(dag, p(modern(l, "mlp.Wi.weight")), dm, false, false, 1.0, 0.0);
        INDArray dMid = Nd4j.createUninitialized(dt, n, h);
        normBackward(dm, st.mXhat, st.mRstd, modern(l, "mlp_norm.weight"), grads, dMid);
        dMid.addi(dOut);
        release(y, dy, dag, dm);

        // mid = x + ctx Wo^T
        Gemm.gemm(dMid, st.ctx, grads.get(modern(l, "attn.Wo.weight")), true, false, 1.0, 1.0);
        INDArray dctx = Nd4j.createUninitialized(dt, n, h);
        Gemm.gemm(dMid, p(modern(l, "attn.Wo.weight")), dctx, false, false, 1.0, 0.0);
        INDArray dContext = dctx.reshape(s.batch, s.seq, heads, d).permute(0, 2, 1, 3).dup('c');
        INDArray dv = Nd4j.matmul(st.probs.permute(0, 1, 3, 2).dup('c'), dContext);
        INDArray dProbs = Nd4j.matmul(dContext, st.v.permute(0, 1, 3, 2).dup('c'));
        long rows = (long) s.batch * heads * s.seq;
        EagerOps.softmaxBackwardInPlace(dProbs.reshape(rows, s.seq), st.probs.reshape(rows, s.seq),
                Nd4j.createUninitialized(dt, rows, s.seq));
        dProbs.muli(1.0 / Math.sqrt(d));
        INDArray dq = Nd4j.matmul(dProbs, st.k);
        INDArray dk = Nd4j.matmul(dProbs.permute(0, 1, 3, 2).dup('c'), st.q);
        Rotary cs = s.rotary.computeIfAbsent(settings.theta(l), theta -> rotary(s.seq, d, theta));
        INDArray dqkv = Nd4j.createUninitialized(dt, n, 3L * h);
        release(dProbs, dContext, dctx);
        if (fast(dq, dk, dv, dqkv)) {
            ModernBertKernels.mergeRotateBackward(FastRoute.floats(dq), FastRoute.floats(dk), FastRoute.floats(dv),
                    cs.cosValues(), cs.sinValues(), s.batch, s.seq, heads, d, FastRoute.floats(dqkv));
        } else {
            INDArray dqRotated = dq;
            INDArray dkRotated = dk;
            dq = rotate(dqRotated, cs.cos(), cs.sin(), true);
            dk = rotate(dkRotated, cs.cos(), cs.sin(), true);
            release(dqRotated, dkRotated);
            INDArray view = dqkv.reshape(s.batch, s.seq, 3, heads, d);
            view.get(all(), all(), NDArrayIndex.point(0), all(), all()).assign(dq.permute(0, 2, 1, 3));
            view.get(all(), all(), NDArrayIndex.point(1), all(), all()).assign(dk.permute(0, 2, 1, 3));
            view.get(all(), all(), NDArrayIndex.point(2), all(), all()).assign(dv.permute(0, 2, 1, 3));
        }
        Gemm.gemm(dqkv, st.a, grads.get(modern(l, "attn.Wqkv.weight")), true, false, 1.0, 1.0);
        INDArray da = Nd4j.createUninitialized(dt, n, h);
        Gemm.gemm(dqkv, p(modern(l, "attn.Wqkv.weight")), da, false, false, 1.0, 0.0);
        release(dq, dk, dv, dqkv);
        if (l == 0) {
            dMid.addi(da);
        } else {
            INDArray dx = Nd4j.createUninitialized(dt, n, h);
            normBackward(da, st.aXhat, st.aRstd, modern(l, "attn_norm.weight"), grads, dx);
            dMid.addi(dx);
            release(dx);
        }
        release(da);
        return dMid;
    }

    private static INDArrayIndex all() {
        return NDArrayIndex.all();
    }

    /**
     * Rotary embedding on x [B, heads, T, d]: {@code x·cos + rotate_half(x)·sin} with {@code rotate_half([x1, x2]) =
     * [-x2, x1]}; with {@code transpose}, its transpose (the backward pass): {@code g·cos + R^T(g·sin)},
     * {@code R^T([a, b]) = [b, -a]}.
     */
    private INDArray rotate(INDArray x, INDArray cos, INDArray sin, boolean transpose) {
        long d = x.size(3);
        long half = d / 2;
        INDArray out = Nd4j.create(dt, x.shape());
        Nd4j.exec(new BroadcastMulOp(x, cos, out, 2, 3));
        INDArray xs = Nd4j.create(dt, x.shape());
        Nd4j.exec(new BroadcastMulOp(x, sin, xs, 2, 3));
        INDArray lo = xs.get(all(), all(), all(), NDArrayIndex.interval(0, half));
        INDArray hi = xs.get(all(), all(), all(), NDArrayIndex.interval(half, d));
        INDArray outLo = out.get(all(), all(), all(), NDArrayIndex.interval(0, half));
        INDArray outHi = out.get(all(), all(), all(), NDArrayIndex.interval(half, d));
        if (!transpose) {
            // rotate_half(x)·sin: first half -x2·sin, second half x1·sin (sin is the same in both halves)
            outLo.subi(hi);
            outHi.addi(lo);
        } else {
            outLo.addi(hi);
            outHi.subi(lo);
        }
        return out;
    }

    /** A rotary base's cos and sin tables [T, d], as arrays and as the float32 loops read them. */
    record Rotary(INDArray cos, INDArray sin, float[] cosValues, float[] sinValues) {
    }

    /** cos and sin [T, d] of the angles pos · theta^(-2i/d), each frequency used in both halves. */
    private Rotary rotary(int seq, int d, double theta) {
        int half = d / 2;
        double[][] cos = new double[seq][d];
        double[][] sin = new double[seq][d];
        for (int i = 0; i < half; i++) {
            double inv = 1.0 / Math.pow(theta, (2.0 * i) / d);
            for (int t = 0; t < seq; t++) {
                double angle = t * inv;
                cos[t][i] = cos[t][i + half] = Math.cos(angle);
                sin[t][i] = sin[t][i + half] = Math.sin(angle);
            }
        }
        INDArray c = Nd4j.createFromArray(cos).castTo(dt);
        INDArray s = Nd4j.createFromArray(sin).castTo(dt);
        return new Rotary(c, s, c.data().asFloat(), s.data().asFloat());
    }

    /** The float32 loops apply: float32 and every array directly readable. */
    private boolean fast(INDArray... arrays) {
        return dt == DataType.FLOAT && ModernBertKernels.supports(arrays);
    }

    /** LayerNorm without bias of x (left unchanged): {output, xhat, rstd}, the last two for the backward pass. */
    private INDArray[] normed(INDArray x, String gamma) {
        long n = x.size(0);
        INDArray out = Nd4j.createUninitialized(dt, n, x.size(1));
        INDArray xhat = Nd4j.createUninitialized(dt, n, x.size(1));
        INDArray rstd = Nd4j.createUninitialized(dt, n, 1);
        INDArray copy = x.dup();
        norm(copy, gamma, xhat, rstd, out);
        release(copy);
        return new INDArray[] {out, xhat, rstd};
    }

    /** LayerNorm without bias of {@code y} (overwritten) into {@code out}: the Java row kernels in float32. */
    private void norm(INDArray y, String gamma, INDArray xhat, INDArray rstd, INDArray out) {
        EagerOps.residualLayerNorm(y, null, null, null, p(gamma), zeros(y.size(1)), config.layerNormEps(), xhat, rstd, out);
    }

    /** Backward of {@link #norm}: the weight's gradient added to {@code grads}, the input's written to {@code dz}. */
    private void normBackward(INDArray dOut, INDArray xhat, INDArray rstd, String gamma, Map<String, INDArray> grads,
                              INDArray dz) {
        INDArray scratch = Nd4j.createUninitialized(dt, dOut.shape());
        EagerOps.residualLayerNormBackward(dOut, xhat, rstd, p(gamma), grads.get(gamma), Nd4j.zeros(dt, dOut.size(1)), dz,
                null, null, null, scratch);
        release(scratch);
    }

    /** Frees arrays that own their memory now (views and nulls are skipped). */
    static void release(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && !a.wasClosed() && a.closeable()) {
                a.close();
            }
        }
    }

    private INDArray p(String name) {
        return param.apply(name);
    }

    private INDArray zeros(long h) {
        return Nd4j.zeros(dt, h);
    }
}
