package org.sentence4j.graphs.eager;

import static org.sentence4j.graphs.bert.BertTensorNames.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.bert.DropoutMasks;

/**
 * The TSDAE decoder (Hugging Face's {@code BertLMHeadModel} with {@code is_decoder = true} and
 * {@code add_cross_attention = true}) as direct ND4J calls with a hand-written backward pass: what
 * sentence-transformers' {@code DenoisingAutoEncoderLoss} runs on the original sentence, with the encoder's
 * sentence embedding as its only cross-attention memory slot, followed by the LM head and the token-level
 * cross-entropy that ignores {@code [PAD]} labels.
 *
 * <p>Per layer: causal self-attention (key k is hidden from query q when k &gt; q; no padding mask, as upstream
 * calls the decoder with {@code attention_mask = None}: a padding position attends to everything before it,
 * and no real token ever sees a padding one because padding is at the end), then a cross-attention block
 * (query/key/value/output dense, dropout, residual, LayerNorm), then the feed-forward block. The LM head is
 * {@code t = LayerNorm(GELU(h W_t^T + b_t))}, {@code logits = t E^T + bias} with E the word-embedding matrix.
 *
 * <p>Cross-attention over one memory slot: the softmax over a single key is identically 1, whatever the query
 * and key, so the output is {@code dropout(1) · V(m)} broadcast over the positions, where {@code V(m) = m W_v^T
 * + b_v} and the dropout of the attention probability (site {@link DropoutMasks#crossAttentionProbs}, shape
 * [B, heads, T, 1]) is applied per row, head and position as Hugging Face does. The query and key projections
 * therefore do not influence the output, and their gradients are exactly zero (the softmax's backward
 * {@code p (dp − Σ p dp)} with p = 1 is {@code dp − dp} = 0, also in floating point): they are not computed.
 * This is the exact special case of the general formula, valid because upstream always passes one slot.
 *
 * <p>Parameters: the BERT base weights under their encoder (Hugging Face {@code BertModel}) names through
 * {@code base} — with tying these are the encoder's live arrays, so the decoder's gradients add into the same
 * gradient tensors as the encoder's — and the decoder-only ones (cross-attention, LM head transform, LM bias)
 * under their {@code BertLMHeadModel} state-dict names ({@link #crossAttention}, {@link #LM_BIAS}, ...) through
 * {@code own}. The LM head's output matrix is the word-embedding matrix (tied, as every BERT checkpoint).
 *
 * <p>Buffers: the logits [tokens, vocab] (the largest array: 30,522 wide) are one buffer reused from step to step
 * while the shape stays; it becomes the logits' gradient in place. Above {@code sentence4j.decoder.maxLogits}
 * entries (2^25) the LM head runs in row chunks and the backward pass recomputes each chunk's logits, so memory
 * stays bounded at large batches. Other activations are fresh per step (they are small next to it).
 */
public final class EagerDecoder {

    /** Added to the scores of future keys (exp underflows to exactly 0, as upstream's most negative float). */
    private static final double MASKED_SCORE = -1e9;
    /** The LM head's bias ({@code cls.predictions.bias}, tied to {@code cls.predictions.decoder.bias}). */
    public static final String LM_BIAS = "cls.predictions.bias";
    public static final String LM_TRANSFORM_WEIGHT = "cls.predictions.transform.dense.weight";
    public static final String LM_TRANSFORM_BIAS = "cls.predictions.transform.dense.bias";
    public static final String LM_LAYER_NORM_WEIGHT = "cls.predictions.transform.LayerNorm.weight";
    public static final String LM_LAYER_NORM_BIAS = "cls.predictions.transform.LayerNorm.bias";
    /** Prefix of the base model's tensors in {@code BertLMHeadModel}'s state dict. */
    public static final String BASE_PREFIX = "bert.";

    private final BertConfig config;
    private final Function<String, INDArray> base;
    private final Function<String, INDArray> own;
    private final DataType dataType;
    /** The pad token id: labels equal to it are ignored (upstream's {@code ignore_index = pad_token_id}). */
    private final long padId;
    /** The logits buffer [chunk, vocab], reused while the chunk's row count stays the same. */
    private INDArray logitsBuffer;
    /**
     * Most logits held at once (rows × vocabulary): above it the LM head runs in row chunks and the backward pass
     * recomputes each chunk's logits. 2^25 by default (128 MB in float32; 16 × 32 tokens of a 30,522-word
     * vocabulary is 15 M, one chunk); the system property {@code sentence4j.decoder.maxLogits} overrides it.
     */
    private final long maxLogits = Long.getLong("sentence4j.decoder.maxLogits", 1L << 25);

    /**
     * @param config   the architecture (the encoder's, or the untied decoder checkpoint's)
     * @param base     BERT base tensors by encoder name ({@code embeddings.word_embeddings.weight}, ...)
     * @param own      decoder-only tensors by state-dict name ({@link #decoderOnlyNames})
     * @param padId    the tokenizer's pad id (ignored labels)
     * @param dataType FLOAT, or DOUBLE for gradient checks
     */
    public EagerDecoder(BertConfig config, Function<String, INDArray> base, Function<String, INDArray> own, long padId,
                        DataType dataType) {
        this.padId = padId;
        this.config = config;
        this.base = base;
        this.own = own;
        this.dataType = dataType;
    }

    /** {@code bert.encoder.layer.{l}.crossattention.<what>}: {@code self.query.weight}, {@code output.LayerNorm.bias}, ... */
    public static String crossAttention(int l, String what) {
        return "bert.encoder.layer." + l + ".crossattention." + what;
    }

    /** The state-dict names of the parameters only the decoder has (cross-attention per layer, LM head). */
    public static List<String> decoderOnlyNames(BertConfig config) {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            for (String p : new String[] {"self.query", "self.key", "self.value", "output.dense", "output.LayerNorm"}) {
                names.add(crossAttention(l, p + ".weight"));
                names.add(crossAttention(l, p + ".bias"));
            }
        }
        names.add(LM_TRANSFORM_WEIGHT);
        names.add(LM_TRANSFORM_BIAS);
        names.add(LM_LAYER_NORM_WEIGHT);
        names.add(LM_LAYER_NORM_BIAS);
        names.add(LM_BIAS);
        return names;
    }

    /**
     * Fresh decoder-only parameters initialised as transformers' {@code BertPreTrainedModel._init_weights}:
     * dense weights normal(0, initializer_range), biases 0, LayerNorm weight 1 and bias 0, LM bias 0;
     * seeded (java.util.Random's Gaussian), so a run is reproducible.
     */
    public static Map<String, INDArray> initDecoderOnly(BertConfig config, double initializerRange, long seed,
                                                       DataType dataType) {
        Random rng = new Random(seed);
        int h = config.hiddenSize();
        Map<String, INDArray> p = new LinkedHashMap<>();
        for (String name : decoderOnlyNames(config)) {
            INDArray a;
            if (name.equals(LM_BIAS)) {
                a = Nd4j.zeros(dataType, config.vocabSize());
            } else if (name.endsWith("LayerNorm.weight")) {
                a = Nd4j.ones(dataType, h);
            } else if (name.endsWith(".weight")) {
                double[] v = new double[h * h];
                for (int i = 0; i < v.length; i++) {
                    v[i] = rng.nextGaussian() * initializerRange;
                }
                a = Nd4j.createFromArray(v).reshape(h, h).castTo(dataType);
            } else {
                a = Nd4j.zeros(dataType, h);
            }
            p.put(name, a);
        }
        return p;
    }

    /** Zero gradients for the decoder-only parameters. */
    public Map<String, INDArray> zeroOwnGradients(List<String> names) {
        Map<String, INDArray> g = new LinkedHashMap<>();
        for (String n : names) {
            INDArray p = own.apply(n);
            g.put(n, Nd4j.zeros(p.dataType(), p.shape()));
        }
        return g;
    }

    /** One decoder forward pass with its loss; {@link #backward} uses what it keeps. */
    public final class Pass {
        private final int batch;
        private final int seq;
        private final long[] ids;
        private final long[] labels;
        private final INDArray memory;
        private final DropoutMasks dropout;
        private final int count;
        private double loss;
        /** Per row log-sum-exp of the logits (the fused cross-entropy's), else null. */
        private double[] shift;
        /** Rows of logits computed at a time ({@link #maxLogits}): all of them unless that is too many. */
        private int chunk;
        private final List<INDArray[]> layers = new ArrayList<>();
        private INDArray[] embed;
        private INDArray[] head;

        private Pass(long[][] inputIds, long[][] labelIds, INDArray memory, DropoutMasks dropout) {
            this.batch = inputIds.length;
            this.seq = inputIds[0].length;
            this.ids = flat(inputIds);
            this.labels = flat(labelIds);
            this.memory = memory.castTo(dataType);
            this.dropout = dropout;
            int c = 0;
            for (long id : labels) {
                if (id != padId) {
                    c++;
                }
            }
            this.count = c;
        }

        /** Mean cross-entropy over the label positions that are not padding (NaN when there are none, as PyTorch). */
        public double loss() {
            return loss;
        }

        /** Number of label positions that count (not padding). */
        public int labelCount() {
            return count;
        }

    }

    private static long[] flat(long[][] m) {
        long[] out = new long[m.length * m[0].length];
        for (int r = 0; r < m.length; r++) {
            System.arraycopy(m[r], 0, out, r * m[0].length, m[0].length);
        }
        return out;
    }

    /**
     * TSDAE's teacher forcing on a padded batch of target ids [B, T] (each row {@code [CLS] ... [SEP] [PAD]...}):
     * decoder inputs {@code ids[:, :-1]}, labels {@code ids[:, 1:]}, then {@link #forward}.
     */
    public Pass forwardShifted(long[][] targetIds, INDArray memory, DropoutMasks dropout) {
        int t = targetIds[0].length;
        if (t < 2) {
            throw new IllegalArgumentException("TSDAE needs target sequences of at least 2 tokens, got " + t);
        }
        long[][] in = new long[targetIds.length][];
        long[][] lab = new long[targetIds.length][];
        for (int r = 0; r < targetIds.length; r++) {
            in[r] = java.util.Arrays.copyOfRange(targetIds[r], 0, t - 1);
            lab[r] = java.util.Arrays.copyOfRange(targetIds[r], 1, t);
        }
        return forward(in, lab, memory, dropout);
    }

    /**
     * The decoder on input ids [B, T] with the memory [B, H] (one slot per row), and the cross-entropy of the
     * logits against {@code labelIds} [B, T] ignoring the pad id.
     *
     * @param dropout masks of the standard sites for {@code T} positions plus the cross-attention sites
     *                ({@link DropoutMasks#sampleDecoder}), or {@link DropoutMasks#none()}
     */
    public Pass forward(long[][] inputIds, long[][] labelIds, INDArray memory, DropoutMasks dropout) {
        SectionTimer.mark("outside");
        Pass p = new Pass(inputIds, labelIds, memory, dropout);
        int n = p.batch * p.seq;
        int h = config.hiddenSize();
        if (p.seq > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("decoder input of " + p.seq + " positions, the model has "
                    + config.maxPositionEmbeddings());
        }
        // embeddings: word + position + token type 0, LayerNorm, dropout
        INDArray sum = Nd4j.create(dataType, n, h);
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(base.apply(WORD_EMBEDDINGS), Nd4j.createFromArray(p.ids))
                .addOutputs(sum).addIntegerArguments(0).build());
        INDArray positions = base.apply(POSITION_EMBEDDINGS).get(NDArrayIndex.interval(0, p.seq), NDArrayIndex.all());
        INDArray s3 = sum.reshape(p.batch, p.seq, h);
        Nd4j.exec(new BroadcastAddOp(s3, positions, s3, 1, 2));
        sum.addiRowVector(base.apply(TOKEN_TYPE_EMBEDDINGS).getRow(0));
        INDArray xhat0 = Nd4j.create(dataType, n, h);
        INDArray rstd0 = Nd4j.create(dataType, n, 1);
        INDArray x = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNorm(sum, null, null, null, base.apply(EMBEDDINGS_LAYER_NORM_WEIGHT),
                base.apply(EMBEDDINGS_LAYER_NORM_BIAS), config.layerNormEps(), xhat0, rstd0, x);
        mul(x, mask(p, DropoutMasks.EMBEDDINGS, n, h));
        p.embed = new INDArray[] {xhat0, rstd0};
        SectionTimer.mark("dec.fwd.embeddings");
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            x = layer(p, l, x);
        }
        SectionTimer.mark("dec.fwd.layers");
        head(p, x);
        return p;
    }

    /**
     * Layer l; keeps [x, q, k, v, probs, ctx, xhat1, rstd1, a1, ctxc, xhatc, rstdc, a2, g, slope, xhat2, rstd2].
     */
    private INDArray layer(Pass p, int l, INDArray x) {
        int n = p.batch * p.seq;
        int h = config.hiddenSize();
        int heads = config.numAttentionHeads();
        int d = config.headSize();
        double eps = config.layerNormEps();
        // causal self-attention
        INDArray q;
        INDArray k;
        INDArray v;
        INDArray probs = Nd4j.create(dataType, p.batch, heads, p.seq, p.seq);
        INDArray ctx;
        INDArray pm = mask4(p, DropoutMasks.attentionProbs(l));
        if (fused()) {
            // q holds the projection output without biases [N, 3H] (the kernel adds them as it reads)
            q = Nd4j.create(dataType, n, 3L * h);
            k = null;
            v = null;
            Gemm.gemm(x, qkvWeight(l), q, false, true, 1.0, 0.0);
            ctx = Nd4j.create(dataType, n, h);
            AttentionKernel.forward(floats(q), qkvBias(l), floats(pm), new float[p.batch * p.seq], floats(probs), floats(ctx),
                    p.batch, p.seq, heads, d, true, null, null);
        } else {
            q = heads(dense(x, base.apply(query(l, "weight")), base.apply(query(l, "bias"))), p);
            k = heads(dense(x, base.apply(key(l, "weight")), base.apply(key(l, "bias"))), p);
            v = heads(dense(x, base.apply(value(l, "weight")), base.apply(value(l, "bias"))), p);
            INDArray scores = Nd4j.matmul(q, k, false, true, false).muli(1.0 / Math.sqrt(d));
            Nd4j.exec(new BroadcastAddOp(scores, causalBias(p.seq), scores, 2, 3));
            Nd4j.exec(new SoftMax(scores, probs, 3));
            INDArray used = probs;
            if (pm != null) {
                used = probs.mul(pm);
            }
            ctx = flatHeads(Nd4j.matmul(used, v), p);
        }
        SectionTimer.mark("dec.fwd.self_attention");
        INDArray z1 = Nd4j.create(dataType, n, h);
        Gemm.gemm(ctx, base.apply(attentionOutput(l, "weight")), z1, false, true, 1.0, 0.0);
        INDArray xhat1 = Nd4j.create(dataType, n, h);
        INDArray rstd1 = Nd4j.create(dataType, n, 1);
        INDArray a1 = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNorm(z1, base.apply(attentionOutput(l, "bias")), mask(p, DropoutMasks.attentionOutput(l), n, h),
                x, base.apply(attentionLayerNorm(l, "weight")), base.apply(attentionLayerNorm(l, "bias")), eps, xhat1, rstd1, a1);

        SectionTimer.mark("dec.fwd.attn_out_layernorm");
        // cross-attention over the one memory slot: context = dropout(1) · V(memory), per position
        INDArray vc = dense(p.memory, own.apply(crossAttention(l, "self.value.weight")),
                own.apply(crossAttention(l, "self.value.bias")));                         // [B, H]
        INDArray ctxc = crossContext(p, l, vc);
        INDArray zc = Nd4j.create(dataType, n, h);
        Gemm.gemm(ctxc, own.apply(crossAttention(l, "output.dense.weight")), zc, false, true, 1.0, 0.0);
        INDArray xhatc = Nd4j.create(dataType, n, h);
        INDArray rstdc = Nd4j.create(dataType, n, 1);
        INDArray a2 = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNorm(zc, own.apply(crossAttention(l, "output.dense.bias")),
                mask(p, DropoutMasks.crossAttentionOutput(l), n, h), a1, own.apply(crossAttention(l, "output.LayerNorm.weight")),
                own.apply(crossAttention(l, "output.LayerNorm.bias")), eps, xhatc, rstdc, a2);

        SectionTimer.mark("dec.fwd.cross_attention");
        // feed-forward
        int inner = config.intermediateSize();
        INDArray g = Nd4j.create(dataType, n, inner);
        INDArray slope = Nd4j.create(dataType, n, inner);
        EagerOps.denseGelu(a2, base.apply(intermediate(l, "weight")), base.apply(intermediate(l, "bias")),
                Nd4j.create(dataType, n, inner), Nd4j.create(dataType, n, inner), g, slope);
        INDArray z2 = Nd4j.create(dataType, n, h);
        Gemm.gemm(g, base.apply(output(l, "weight")), z2, false, true, 1.0, 0.0);
        INDArray xhat2 = Nd4j.create(dataType, n, h);
        INDArray rstd2 = Nd4j.create(dataType, n, 1);
        INDArray out = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNorm(z2, base.apply(output(l, "bias")), mask(p, DropoutMasks.output(l), n, h), a2,
                base.apply(outputLayerNorm(l, "weight")), base.apply(outputLayerNorm(l, "bias")), eps, xhat2, rstd2, out);
        SectionTimer.mark("dec.fwd.ffn");
        p.layers.add(new INDArray[] {x, q, k, v, probs, ctx, xhat1, rstd1, a1, ctxc, xhatc, rstdc, a2, g, slope, xhat2, rstd2});
        return out;
    }

    /** The cross-attention context [N, H]: row (b, t) is V(m_b), each head's part times its dropped probability. */
    private INDArray crossContext(Pass p, int l, INDArray vc) {
        int h = config.hiddenSize();
        INDArray ctx = Nd4j.create(dataType, p.batch, p.seq, h);
        Nd4j.exec(new BroadcastAddOp(ctx, vc, ctx, 0, 2));
        INDArray pm = mask4(p, DropoutMasks.crossAttentionProbs(l)); // [B, heads, T, 1]
        if (pm != null) {
            dropPerHead(p, ctx, pm);
        }
        return ctx.reshape((long) p.batch * p.seq, h);
    }

    /**
     * Multiplies each head's units of {@code x} [B, T, H] (c-order) in place by the cross-attention probability
     * mask [B, heads, T, 1] of its row, position and head: one broadcast over the head's units.
     */
    private void dropPerHead(Pass p, INDArray x, INDArray pm) {
        int heads = config.numAttentionHeads();
        INDArray perHead = pm.reshape(p.batch, heads, p.seq).permute(0, 2, 1).dup('c');     // [B, T, heads]
        INDArray x4 = x.reshape(p.batch, p.seq, heads, config.headSize());
        Nd4j.exec(new BroadcastMulOp(x4, perHead, x4, 0, 1, 2));
    }

    /** The LM head and the cross-entropy; keeps [hL, u-slope, t, xhatT, rstdT]. */
    private void head(Pass p, INDArray hl) {
        int n = p.batch * p.seq;
        int h = config.hiddenSize();
        INDArray gt = Nd4j.create(dataType, n, h);
        INDArray slope = Nd4j.create(dataType, n, h);
        EagerOps.denseGelu(hl, own.apply(LM_TRANSFORM_WEIGHT), own.apply(LM_TRANSFORM_BIAS), Nd4j.create(dataType, n, h),
                Nd4j.create(dataType, n, h), gt, slope);
        INDArray xhat = Nd4j.create(dataType, n, h);
        INDArray rstd = Nd4j.create(dataType, n, 1);
        INDArray t = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNorm(gt.dup(), null, null, null, own.apply(LM_LAYER_NORM_WEIGHT), own.apply(LM_LAYER_NORM_BIAS),
                config.layerNormEps(), xhat, rstd, t);
        int vocab = config.vocabSize();
        p.head = new INDArray[] {hl, slope, t, xhat, rstd};
        p.chunk = (int) Math.max(1, Math.min(n, maxLogits / vocab));
        if (fused()) {
            p.shift = new double[n];
        }
        double total = 0;
        for (int r0 = 0; r0 < n; r0 += p.chunk) {
            int rows = Math.min(p.chunk, n - r0);
            INDArray logits = chunkLogits(p, t, r0, rows);
            long[] labels = java.util.Arrays.copyOfRange(p.labels, r0, r0 + rows);
            if (p.shift != null) {
                // one read per row, the logits left as they are; the gradient pass reuses the log-sum-exp
                double[] shift = new double[rows];
                total += CrossEntropyKernel.forward(FastRoute.floats(logits), rows, vocab, labels, padId, shift);
                System.arraycopy(shift, 0, p.shift, r0, rows);
            } else {
                total += crossEntropySum(logits, labels, padId); // leaves exp(z - max) in the buffer for the backward
            }
        }
        p.loss = p.count == 0 ? Double.NaN : total / p.count;
        SectionTimer.mark("dec.fwd.cross_entropy");
    }

    /**
     * The logits {@code t E^T + bias} of rows [r0, r0 + rows) in the reused buffer (or, for a shorter last chunk, a
     * fresh array). With one chunk (the usual case: fewer than {@code maxLogits} entries) they stay there for the
     * backward pass; with several, the backward pass computes each chunk's logits again (one more product, but
     * the memory is bounded by the chunk, not by tokens × vocabulary).
     */
    private INDArray chunkLogits(Pass p, INDArray t, int r0, int rows) {
        int vocab = config.vocabSize();
        if (logitsBuffer == null || logitsBuffer.size(0) != p.chunk || logitsBuffer.dataType() != dataType) {
            logitsBuffer = null;
            logitsBuffer = Nd4j.create(dataType, p.chunk, vocab);
        }
        INDArray logits = rows == p.chunk ? logitsBuffer : Nd4j.create(dataType, rows, vocab);
        INDArray tc = rows == t.size(0) ? t : t.get(NDArrayIndex.interval(r0, r0 + rows), NDArrayIndex.all()).dup('c');
        SectionTimer.mark("dec.fwd.lm_transform");
        Gemm.gemm(tc, base.apply(WORD_EMBEDDINGS), logits, false, true, 1.0, 0.0);
        SectionTimer.mark("dec.fwd.lm_logits");
        logits.addiRowVector(own.apply(LM_BIAS));
        return logits;
    }

    /** {@link #crossEntropy}'s sum over the counted rows (not divided by their number). */
    private static double crossEntropySum(INDArray logits, long[] labels, long ignore) {
        int count = 0;
        for (long id : labels) {
            if (id != ignore) {
                count++;
            }
        }
        return count == 0 ? 0 : crossEntropy(logits, labels, ignore) * count;
    }

    /**
     * Mean over the rows whose label is not {@code ignore} of {@code logsumexp(z) − z[label]} (max-shifted;
     * PyTorch's {@code CrossEntropyLoss(ignore_index)}): NaN when every label is ignored. Overwrites
     * {@code logits} with the shifted exponentials.
     */
    public static double crossEntropy(INDArray logits, long[] labels, long ignore) {
        INDArray max = logits.max(1);
        Nd4j.exec(new BroadcastSubOp(logits, max, logits, 0));
        double[] picked = new double[labels.length];
        for (int r = 0; r < labels.length; r++) {
            picked[r] = labels[r] == ignore ? 0 : logits.getDouble(r, labels[r]);
        }
        Nd4j.exec(new Exp(logits, logits));
        double[] sums = logits.sum(1).castTo(DataType.DOUBLE).toDoubleVector();
        double total = 0;
        int count = 0;
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] != ignore) {
                total += Math.log(sums[r]) - picked[r];
                count++;
            }
        }
        return count == 0 ? Double.NaN : total / count;
    }

    /**
     * The gradient of {@link #crossEntropy} in place on what it left in the buffer (the shifted exponentials):
     * {@code (softmax(z) − onehot(label)) / count} for the counted rows, 0 for the ignored ones.
     */
    public static void crossEntropyGradientInPlace(INDArray exps, long[] labels, long ignore) {
        int count = 0;
        for (long id : labels) {
            if (id != ignore) {
                count++;
            }
        }
        crossEntropyGradientInPlace(exps, labels, ignore, count);
    }

    /** {@link #crossEntropyGradientInPlace(INDArray, long[], long)} for a mean over {@code count} rows in all. */
    static void crossEntropyGradientInPlace(INDArray exps, long[] labels, long ignore, int count) {
        INDArray logits = exps;
        INDArray sums = logits.sum(1);
        Nd4j.exec(new BroadcastDivOp(logits, sums, logits, 0));
        double[] weight = new double[labels.length];
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] != ignore) {
                logits.putScalar(r, labels[r], logits.getDouble(r, labels[r]) - 1.0);
                weight[r] = 1.0 / count;
            }
        }
        Nd4j.exec(new BroadcastMulOp(logits, Nd4j.createFromArray(weight).castTo(logits.dataType()), logits, 0));
    }

    // ------------------------------------------------------------------ backward

    /**
     * Backward of a pass (the last one run: the logits buffer holds its last chunk): adds every parameter gradient
     * (base tensors into {@code baseGrads} by encoder name, the word-embedding gradient dense, decoder-only ones
     * into {@code ownGrads}) and returns the loss's gradient with respect to the memory [B, H].
     */
    public INDArray backward(Pass p, Map<String, INDArray> baseGrads, Map<String, INDArray> ownGrads) {
        int n = p.batch * p.seq;
        int h = config.hiddenSize();
        SectionTimer.mark("outside");
        INDArray t = p.head[2];
        INDArray dt = Nd4j.create(dataType, n, h);
        int vocab = config.vocabSize();
        boolean single = p.chunk >= n;
        for (int r0 = 0; r0 < n; r0 += p.chunk) {
            int rows = Math.min(p.chunk, n - r0);
            long[] labels = java.util.Arrays.copyOfRange(p.labels, r0, r0 + rows);
            // one chunk: the forward pass left its logits (or exponentials) in the buffer; several: again
            INDArray dLogits = single ? logitsBuffer : chunkLogits(p, t, r0, rows);
            if (p.shift != null) {
                CrossEntropyKernel.backward(FastRoute.floats(dLogits), rows, vocab, labels, padId,
                        java.util.Arrays.copyOfRange(p.shift, r0, r0 + rows), 1f / Math.max(1, p.count));
            } else {
                if (!single) {
                    crossEntropy(dLogits, labels, padId);
                }
                crossEntropyGradientInPlace(dLogits, labels, padId, Math.max(1, p.count));
            }
            EagerOps.addColumnSums(dLogits, ownGrads.get(LM_BIAS));
            SectionTimer.mark("dec.bwd.cross_entropy");
            INDArray tc = single ? t : t.get(NDArrayIndex.interval(r0, r0 + rows), NDArrayIndex.all()).dup('c');
            INDArray dtc = single ? dt : Nd4j.create(dataType, rows, h);
            EagerOps.denseBackward(dLogits, tc, base.apply(WORD_EMBEDDINGS), baseGrads.get(WORD_EMBEDDINGS), null, dtc, false);
            if (!single) {
                dt.get(NDArrayIndex.interval(r0, r0 + rows), NDArrayIndex.all()).assign(dtc);
            }
            SectionTimer.mark("dec.bwd.lm_logits");
        }
        INDArray dgt = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNormBackward(dt, p.head[3], p.head[4], own.apply(LM_LAYER_NORM_WEIGHT),
                ownGrads.get(LM_LAYER_NORM_WEIGHT), ownGrads.get(LM_LAYER_NORM_BIAS), dgt, null, null, null,
                Nd4j.create(dataType, n, h));
        EagerOps.geluBackward(dgt, p.head[1], ownGrads.get(LM_TRANSFORM_BIAS));
        INDArray dx = Nd4j.create(dataType, n, h);
        EagerOps.denseBackward(dgt, p.head[0], own.apply(LM_TRANSFORM_WEIGHT), ownGrads.get(LM_TRANSFORM_WEIGHT), null, dx, false);
        INDArray dMemory = Nd4j.zeros(dataType, p.batch, h);
        SectionTimer.mark("dec.bwd.lm_transform");
        for (int l = config.numHiddenLayers() - 1; l >= 0; l--) {
            dx = layerBackward(p, l, dx, baseGrads, ownGrads, dMemory);
        }
        SectionTimer.mark("dec.bwd.layers");
        // embeddings
        mul(dx, mask(p, DropoutMasks.EMBEDDINGS, n, h));
        INDArray dSum = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNormBackward(dx, p.embed[0], p.embed[1], base.apply(EMBEDDINGS_LAYER_NORM_WEIGHT),
                baseGrads.get(EMBEDDINGS_LAYER_NORM_WEIGHT), baseGrads.get(EMBEDDINGS_LAYER_NORM_BIAS), dSum, null, null, null,
                Nd4j.create(dataType, n, h));
        baseGrads.get(POSITION_EMBEDDINGS).get(NDArrayIndex.interval(0, p.seq), NDArrayIndex.all())
                .addi(dSum.reshape(p.batch, p.seq, h).sum(0));
        INDArray typeRow = baseGrads.get(TOKEN_TYPE_EMBEDDINGS).getRow(0);
        typeRow.addi(dSum.sum(0).reshape(typeRow.shape()));
        EagerEncoder.scatterAddRows(baseGrads.get(WORD_EMBEDDINGS), p.ids, dSum);
        SectionTimer.mark("dec.bwd.embeddings");
        return dMemory;
    }

    private INDArray layerBackward(Pass p, int l, INDArray dOut, Map<String, INDArray> bg, Map<String, INDArray> og,
                                   INDArray dMemory) {
        INDArray[] s = p.layers.get(l);
        INDArray x = s[0], q = s[1], k = s[2], v = s[3], probs = s[4], ctx = s[5], xhat1 = s[6], rstd1 = s[7], a1 = s[8],
                ctxc = s[9], xhatc = s[10], rstdc = s[11], a2 = s[12], g = s[13], slope = s[14], xhat2 = s[15], rstd2 = s[16];
        int n = p.batch * p.seq;
        int h = config.hiddenSize();
        int d = config.headSize();
        int inner = config.intermediateSize();
        INDArray scratch = Nd4j.create(dataType, n, h);
        // feed-forward
        INDArray dA2 = Nd4j.create(dataType, n, h);
        INDArray dz2 = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNormBackward(dOut, xhat2, rstd2, base.apply(outputLayerNorm(l, "weight")),
                bg.get(outputLayerNorm(l, "weight")), bg.get(outputLayerNorm(l, "bias")), dA2, mask(p, DropoutMasks.output(l), n, h),
                dz2, bg.get(output(l, "bias")), scratch);
        INDArray dg = Nd4j.create(dataType, n, inner);
        EagerOps.denseBackward(dz2, g, base.apply(output(l, "weight")), bg.get(output(l, "weight")), null, dg, false);
        EagerOps.geluBackward(dg, slope, bg.get(intermediate(l, "bias")));
        EagerOps.denseBackward(dg, a2, base.apply(intermediate(l, "weight")), bg.get(intermediate(l, "weight")), null, dA2, true);
        SectionTimer.mark("dec.bwd.ffn");
        // cross-attention
        INDArray dA1 = Nd4j.create(dataType, n, h);
        INDArray dzc = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNormBackward(dA2, xhatc, rstdc, own.apply(crossAttention(l, "output.LayerNorm.weight")),
                og.get(crossAttention(l, "output.LayerNorm.weight")), og.get(crossAttention(l, "output.LayerNorm.bias")), dA1,
                mask(p, DropoutMasks.crossAttentionOutput(l), n, h), dzc, og.get(crossAttention(l, "output.dense.bias")), scratch);
        INDArray dctxc = Nd4j.create(dataType, n, h);
        EagerOps.denseBackward(dzc, ctxc, own.apply(crossAttention(l, "output.dense.weight")),
                og.get(crossAttention(l, "output.dense.weight")), null, dctxc, false);
        INDArray dctx3 = dctxc.reshape(p.batch, p.seq, h);
        INDArray pm = mask4(p, DropoutMasks.crossAttentionProbs(l));
        if (pm != null) {
            dropPerHead(p, dctx3, pm);
        }
        INDArray dvc = dctx3.sum(1);                                                       // [B, H]
        EagerOps.denseBackward(dvc, p.memory, own.apply(crossAttention(l, "self.value.weight")),
                og.get(crossAttention(l, "self.value.weight")), og.get(crossAttention(l, "self.value.bias")), dMemory, true);
        // (query and key: zero gradient, see the class comment)
        // self-attention
        INDArray dx = Nd4j.create(dataType, n, h);
        INDArray dz1 = Nd4j.create(dataType, n, h);
        EagerOps.residualLayerNormBackward(dA1, xhat1, rstd1, base.apply(attentionLayerNorm(l, "weight")),
                bg.get(attentionLayerNorm(l, "weight")), bg.get(attentionLayerNorm(l, "bias")), dx,
                mask(p, DropoutMasks.attentionOutput(l), n, h), dz1, bg.get(attentionOutput(l, "bias")), scratch);
        INDArray dctx = Nd4j.create(dataType, n, h);
        EagerOps.denseBackward(dz1, ctx, base.apply(attentionOutput(l, "weight")), bg.get(attentionOutput(l, "weight")), null,
                dctx, false);
        SectionTimer.mark("dec.bwd.cross_attention_attn_out");
        if (fused()) {
            int h3 = 3 * h;
            INDArray dFlat = Nd4j.create(dataType, n, h3);
            float[] sums = new float[p.batch * h3];
            AttentionKernel.backward(floats(q), qkvBias(l), floats(probs), floats(mask4(p, DropoutMasks.attentionProbs(l))),
                    floats(dctx), floats(dFlat), sums, p.batch, p.seq, config.numAttentionHeads(), d, null, null);
            double[] total = new double[h3];
            for (int b = 0; b < p.batch; b++) {
                for (int c = 0; c < h3; c++) {
                    total[c] += sums[b * h3 + c];
                }
            }
            INDArray db = Nd4j.createFromArray(total).castTo(dataType);
            INDArray dW = Nd4j.create(dataType, h3, h);
            Gemm.gemm(dFlat, x, dW, true, false, 1.0, 0.0);
            String[] kinds = {"query", "key", "value"};
            for (int c = 0; c < 3; c++) {
                String w = BertTensorNames.layer(l, "attention.self." + kinds[c] + ".weight");
                String bn = BertTensorNames.layer(l, "attention.self." + kinds[c] + ".bias");
                bg.get(w).addi(dW.get(NDArrayIndex.interval((long) c * h, (long) (c + 1) * h), NDArrayIndex.all()));
                bg.get(bn).addi(db.get(NDArrayIndex.interval((long) c * h, (long) (c + 1) * h)).reshape(bg.get(bn).shape()));
            }
            Gemm.gemm(dFlat, qkvWeight(l), dx, false, false, 1.0, 1.0);
            SectionTimer.mark("dec.bwd.self_attention");
            return dx;
        }
        INDArray dC = heads(dctx, p);
        INDArray pmask = mask4(p, DropoutMasks.attentionProbs(l));
        INDArray used = pmask == null ? probs : probs.mul(pmask);
        INDArray dV = Nd4j.matmul(used, dC, true, false, false);
        INDArray dP = Nd4j.matmul(dC, v, false, true, false);
        if (pmask != null) {
            dP.muli(pmask);
        }
        long rows = (long) p.batch * config.numAttentionHeads() * p.seq;
        EagerOps.softmaxBackwardInPlace(dP.reshape(rows, p.seq), probs.reshape(rows, p.seq),
                Nd4j.create(dataType, rows, p.seq));
        dP.muli(1.0 / Math.sqrt(d));
        INDArray dQ = Nd4j.matmul(dP, k);
        INDArray dK = Nd4j.matmul(dP, q, true, false, false);
        EagerOps.denseBackward(flatHeads(dQ, p), x, base.apply(query(l, "weight")), bg.get(query(l, "weight")),
                bg.get(query(l, "bias")), dx, true);
        EagerOps.denseBackward(flatHeads(dK, p), x, base.apply(key(l, "weight")), bg.get(key(l, "weight")),
                bg.get(key(l, "bias")), dx, true);
        EagerOps.denseBackward(flatHeads(dV, p), x, base.apply(value(l, "weight")), bg.get(value(l, "weight")),
                bg.get(value(l, "bias")), dx, true);
        SectionTimer.mark("dec.bwd.self_attention");
        return dx;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Whether the self-attention runs in the fused float32 kernel ({@link AttentionKernel} with its causal
     * flag), as the encoder's does; else (float64, or without the vector kernels) through ND4J ops.
     */
    private boolean fused() {
        return dataType == DataType.FLOAT && FastRoute.vectorKernels() && FastRoute.encoderKernels();
    }

    /** The native memory of a float32 array for the kernels (a c-order copy unless it can be read directly). */
    private static java.nio.FloatBuffer floats(INDArray a) {
        if (a == null) {
            return null;
        }
        return FastRoute.floats(RowKernels.supports(a) ? a : a.dup('c'));
    }

    /** The Q, K and V weights of layer l stacked [3H, H]. */
    private INDArray qkvWeight(int l) {
        return Nd4j.concat(0, base.apply(query(l, "weight")), base.apply(key(l, "weight")), base.apply(value(l, "weight")));
    }

    /** The Q, K and V biases of layer l end to end [3H] as float32. */
    private float[] qkvBias(int l) {
        return Nd4j.concat(0, base.apply(query(l, "bias")).reshape(-1), base.apply(key(l, "bias")).reshape(-1),
                base.apply(value(l, "bias")).reshape(-1)).castTo(DataType.FLOAT).data().asFloat();
    }

    private INDArray dense(INDArray x, INDArray w, INDArray b) {
        INDArray out = Nd4j.create(dataType, x.size(0), w.size(0));
        EagerOps.dense(x, w, b, out);
        return out;
    }

    /** [N, H] to [B, heads, T, d] (a c-order copy). */
    private INDArray heads(INDArray flat, Pass p) {
        return flat.reshape(p.batch, p.seq, config.numAttentionHeads(), config.headSize()).permute(0, 2, 1, 3).dup('c');
    }

    /** [B, heads, T, d] to [N, H] (a c-order copy). */
    private INDArray flatHeads(INDArray perHead, Pass p) {
        return perHead.permute(0, 2, 1, 3).dup('c').reshape((long) p.batch * p.seq, config.hiddenSize());
    }

    /** [T, T]: 0 where key ≤ query, a large negative number above the diagonal. */
    private INDArray causalBias(int t) {
        double[] b = new double[t * t];
        for (int q = 0; q < t; q++) {
            for (int k = q + 1; k < t; k++) {
                b[q * t + k] = MASKED_SCORE;
            }
        }
        return Nd4j.createFromArray(b).reshape(t, t).castTo(dataType);
    }

    private INDArray mask(Pass p, String site, int n, int h) {
        INDArray m = mask4(p, site);
        return m == null ? null : m.reshape(n, h);
    }

    private INDArray mask4(Pass p, String site) {
        INDArray m = p.dropout.asMap().get(site);
        return m == null ? null : (m.dataType() == dataType ? m : m.castTo(dataType));
    }

    private static void mul(INDArray x, INDArray m) {
        if (m != null) {
            x.muli(m);
        }
    }

    public BertConfig config() {
        return config;
    }

    /** The base tensors' names (for the untied decoder: {@link #BASE_PREFIX} + these are its own parameters). */
    public static List<String> baseNames(BertConfig config) {
        List<String> names = new ArrayList<>();
        for (String n : BertTensorNames.names(config)) {
            if (!n.startsWith("pooler.")) {
                names.add(n);
            }
        }
        return names;
    }
}
