package org.sentence4j.graphs.eager;

import static org.sentence4j.graphs.bert.BertTensorNames.*;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.bert.DropoutMasks;
import org.sentence4j.graphs.bert.EncoderArchitecture;
import org.sentence4j.graphs.bert.PositionIds;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * The BERT encoder with pooling as direct ND4J calls and a hand-written backward pass: the same computation
 * and the same parameters (live arrays of a {@link org.sentence4j.graphs.bert.BertEncoder}) as the SameDiff
 * graph, computed faster.
 *
 * <p>Why it exists: on SameDiff 1.0.0-M2.1 a MiniLM training step spent ~70 % of its time in element-wise
 * ops and their automatic gradients (including gradients of the dropout masks), in fresh result arrays and
 * in session bookkeeping, and the matrix products ran at a fraction of the BLAS speed because each wrote a
 * new c-order array. Here every large intermediate lives in an {@link Arena} (allocated once, reused every
 * step), matrix products write into those buffers, and the backward pass computes only what the parameter
 * gradients need. The SameDiff graph remains the reference: the tests check that both give the same
 * outputs and gradients, and this against finite differences.
 *
 * <p>Usage: {@link #forward} one pass per text column (keeping its activations when {@code keep} is set),
 * run the loss on the pooled embeddings, then {@link #backward} each kept pass with the loss's gradient
 * with respect to its embeddings. Parameter gradients are added into the arrays of the map given to
 * backward (Hugging Face names), so several passes (columns) accumulate into one set.
 *
 * <p>Threads: inference passes ({@code keep = false}) may run on any number of threads at once; each borrows
 * an arena of its own for its duration ({@link ArenaPool}), and the rest of a pass (kernels, products, the
 * parameters it only reads) shares nothing writable, so a pass gives the same bits whatever runs beside it.
 * Training passes ({@code keep = true}) and {@link #backward} use the one arena that holds the kept
 * activations and are meant for one training thread; they lock it, so an inference pass from another thread
 * waits or takes another arena rather than corrupting them. Inference while the optimizer updates the
 * parameters in place reads whatever mix of old and new weights is there at the time: not supported.
 */
public final class EagerEncoder {

    /** Added to the attention scores of padding keys (as the graph: exp underflows to exactly 0). */
    private static final double MASKED_SCORE = -1e9;

    /**
     * The BERT block computes its row-wise work (embeddings, dense layers, LayerNorm, GELU, dropout) on the real
     * tokens of a batch only, packed, and the fused attention per sequence over its own length, reading and
     * writing the packed rows directly (through the padded layout only when a mask has a hole);
     * {@code -Dsentence4j.encoder.padded=true} runs every row and every padded position, padding included (the
     * earlier route, same numbers).
     */
    private static boolean packing() {
        return !Boolean.getBoolean("sentence4j.encoder.padded");
    }

    private final BertConfig config;
    private final Function<String, INDArray> param;
    private final EagerPooling pooling;
    private final DataType dataType;
    /** Buffers of the passes: one arena per pass running at the time ({@link ArenaPool}). */
    private final ArenaPool arenas;
    /** ModernBERT's block, or null for the post-LayerNorm BERT family. */
    private final ModernBertBlock modernBlock;

    /**
     * @param config    the architecture
     * @param parameter the live parameter array of each Hugging Face tensor name (what the optimizer updates)
     * @param pooling   pooling modes
     * @param normalize L2-normalise the pooled embedding
     * @param dataType  FLOAT, or DOUBLE for gradient checks
     */
    public EagerEncoder(BertConfig config, Function<String, INDArray> parameter, PoolingConfig pooling, boolean normalize,
                        DataType dataType) {
        this.config = config;
        this.param = parameter;
        this.pooling = new EagerPooling(pooling, normalize, config.dense(), parameter);
        this.dataType = dataType;
        this.arenas = new ArenaPool(dataType);
        this.modernBlock = config.architecture().modernBlock() ? new ModernBertBlock(config, parameter, dataType) : null;
    }

    /** One forward pass: its outputs, and (when kept) what its backward pass needs. */
    public final class Pass {
        /** Where the pass's buffers are: the primary arena for a kept pass, a borrowed one for inference. */
        private final Arena arena;
        private final String slot;
        private final int batch;
        private final int seq;
        private final int numLayers;
        private final boolean kept;
        private final long[] ids;
        private final double[][] mask;
        /** The attention mask with the prompt's positions zeroed (include_prompt = false), else the mask itself. */
        private final double[][] poolMask;
        private final DropoutMasks dropout;
        /** Token types as one-hot rows [N, types]: their embedding is a product (forward and backward); null without types. */
        private final INDArray typeOneHot;
        /** Position ids [N] counted past the padding id (RoBERTa, XLM-R, MPNet), or null for 0..T-1 in every row. */
        private final long[] positionIds;
        /** MPNet's relative-position bucket of each (query, key) pair [T·T], or null. */
        private final int[] buckets;
        /** MPNet's relative-position bias [heads, T, T] for this pass's length (shared by all layers), or null. */
        private INDArray relativeBias;
        /** Attention through {@link AttentionKernel} (float32 with the vector API), else through ND4J ops. */
        private final boolean fusedAttention;
        /** Added to each key's attention score [B·T] on the fused path (else null): 0 for a token, -1e9 for padding. */
        private final float[] keyBias;
        /** Per sequence, the positions the fused kernel attends over ({@link TokenBatch#lengths}), or null. */
        private final int[] attentionLengths;
        /**
         * Per sequence, its first packed row, when the fused kernel works on the packed rows directly (packed, and
         * every row's tokens a prefix of it: no hole in the mask), else null (attention then reads the rows
         * scattered into the padded layout).
         */
        private final int[] packedRowStart;
        private final List<EagerPooling.State> pooled = new ArrayList<>();
        /** Rows of the row-wise work: the real tokens when packed, else batch × seq. */
        private final int rows;
        /** The padded flat index (b·T + t) of each packed row, or null when not packed. */
        private final long[] packedIndex;
        private final INDArray packedIndexArray;
        /** The ids of the rows (packed or padded). */
        private final long[] rowIds;
        /** Dropout masks gathered to the packed rows, per site. */
        private final Map<String, INDArray> packedMasks = new java.util.HashMap<>();
        /** A ModernBERT pass's activations (its hidden states live here, not in the arena), else null. */
        private ModernBertBlock.Activations modern;

        private Pass(Arena arena, String slot, TokenBatch tokens, int numLayers, boolean kept, DropoutMasks dropout) {
            this.arena = arena;
            this.slot = slot;
            this.batch = tokens.batchSize();
            this.seq = tokens.sequenceLength();
            this.numLayers = numLayers;
            this.kept = kept;
            this.ids = tokens.inputIds().castTo(DataType.INT64).reshape(-1).toLongVector();
            this.mask = tokens.attentionMask().castTo(DataType.DOUBLE).toDoubleMatrix();
            this.poolMask = poolingMask(mask, tokens.promptLength());
            this.dropout = dropout;
            int real = 0;
            for (double[] row : mask) {
                for (double m : row) {
                    real += m != 0 ? 1 : 0;
                }
            }
            boolean pack = packing() && !config.architecture().modernBlock() && real < batch * seq && real > 0;
            this.rows = pack ? real : batch * seq;
            this.packedIndex = pack ? new long[real] : null;
            if (pack) {
                for (int b = 0, k = 0; b < batch; b++) {
                    for (int t = 0; t < seq; t++) {
                        if (mask[b][t] != 0) {
                            packedIndex[k++] = (long) b * seq + t;
                        }
                    }
                }
            }
            this.packedIndexArray = pack ? Nd4j.createFromArray(packedIndex) : null;
            this.rowIds = select(ids, packedIndex);
            this.typeOneHot = config.architecture().tokenTypes() ? typeOneHot(select(
                    tokens.tokenTypeIds().castTo(DataType.INT64).reshape(-1).toLongVector(), packedIndex)) : null;
            long[] positions = config.architecture().paddingOffsetPositions()
                    ? PositionIds.paddingOffset(ids, batch, seq, config.padTokenId()) : null;
            if (positions == null && pack) {
                positions = new long[batch * seq];
                for (int i = 0; i < positions.length; i++) {
                    positions[i] = i % seq;
                }
            }
            this.positionIds = positions == null ? null : select(positions, packedIndex);
            this.buckets = config.architecture().relativeAttentionBias() ? PositionIds.relativeBuckets(seq) : null;
            // the fused kernel has no relative-position bias: MPNet's attention runs on the ND4J route
            this.fusedAttention = dataType == DataType.FLOAT && FastRoute.vectorKernels() && FastRoute.encoderKernels()
                    && buckets == null && !config.architecture().modernBlock();
            this.keyBias = fusedAttention ? keyBias(mask) : null;
            this.attentionLengths = fusedAttention && packing() ? tokens.lengths() : null;
            this.packedRowStart = pack && attentionLengths != null ? rowStarts(mask, attentionLengths) : null;
        }

        /** The pooled (and normalised) sentence embedding [B, D] of the last hidden state. */
        public INDArray sentenceEmbedding() {
            return pooled.get(pooled.size() - 1).output;
        }

        /**
         * The pooled embedding of every hidden state (index 0 = embedding layer, last = the sentence embedding),
         * or only the last when the pass was run without {@code allLayers}.
         */
        public List<INDArray> layerEmbeddings() {
            List<INDArray> out = new ArrayList<>();
            pooled.forEach(p -> out.add(p.output));
            return out;
        }

        /**
         * The last hidden state [B, T, H] of a kept pass; valid until the next pass on the same slot. An
         * inference pass gave its buffers back when it ended: use {@link EagerEncoder#tokenEmbeddings}.
         */
        public INDArray tokenEmbeddings() {
            if (!kept) {
                throw new IllegalStateException("an inference pass keeps no hidden state; use EagerEncoder.tokenEmbeddings(batch)"
                        + " or forward with keep=true");
            }
            if (modern != null) {
                return modern.output.reshape(batch, seq, config.hiddenSize());
            }
            // packed: scattered into a scratch buffer that the next pooling reuses, so a copy
            return packedIndex == null ? paddedHidden(this, numLayers) : paddedHidden(this, numLayers).dup();
        }

        public int numLayers() {
            return numLayers;
        }
    }

    // ------------------------------------------------------------------ forward

    /**
     * Runs the encoder on a batch.
     *
     * @param slot      names this pass's stored activations; passes whose backward is still to come need
     *                  distinct slots (e.g. one per column), a later pass on the same slot overwrites them
     * @param tokens    the token batch
     * @param numLayers transformer layers to run (0 = embeddings only)
     * @param dropout   masks of a training pass ({@link DropoutMasks#none()} for inference)
     * @param keep      keep the activations for {@link #backward} (a training pass, one training thread);
     *                  without, an inference pass, which any number of threads may run at once
     * @param allLayers pool every hidden state (for losses over layers), not only the last
     */
    public Pass forward(String slot, TokenBatch tokens, int numLayers, DropoutMasks dropout, boolean keep,
                        boolean allLayers) {
        config.checkLayerCount(numLayers);
        config.checkBatch(tokens);
        if (!dropout.asMap().isEmpty()) {
            dropout.checkShapes(config, numLayers, tokens.batchSize(), tokens.sequenceLength());
        }
        SectionTimer.mark("outside");
        FastRoute.writtenOnHost(dropout.asMap().values()); // drawn through host views; a device backend must copy them
        Arena arena = keep ? arenas.lockPrimary() : arenas.acquire();
        try {
            Pass p = new Pass(arena, keep ? slot : "inference", tokens, numLayers, keep, dropout);
            run(p, allLayers);
            if (!keep && p.modern != null) {
                p.modern.releaseAll(); // the pooled outputs are copies; free the native memory now, not at some GC
            }
            return p;
        } finally {
            if (keep) {
                arenas.unlockPrimary();
            } else {
                arenas.release(arena);
            }
        }
    }

    /**
     * The last hidden state [B, T, H] of an inference pass over every layer (Hugging Face's
     * {@code last_hidden_state}), copied out of the pass's buffers before they are given back.
     */
    public INDArray tokenEmbeddings(TokenBatch tokens) {
        config.checkBatch(tokens);
        Arena arena = arenas.acquire();
        try {
            Pass p = new Pass(arena, "inference", tokens, config.numHiddenLayers(), false, DropoutMasks.none());
            run(p, false);
            if (p.modern != null) {
                INDArray out = p.modern.output.reshape(p.batch, p.seq, config.hiddenSize()).dup();
                p.modern.releaseAll();
                return out;
            }
            return paddedHidden(p, p.numLayers).dup();
        } finally {
            arenas.release(arena);
        }
    }

    /** The forward computation of a pass, in its arena. */
    private void run(Pass p, boolean allLayers) {
        int numLayers = p.numLayers;
        int h = config.hiddenSize();
        if (modernBlock != null) {
            p.modern = modernBlock.forward(p.ids, p.mask, p.batch, p.seq, numLayers, p.kept);
            if (allLayers) {
                for (int l = 0; l < numLayers; l++) {
                    p.pooled.add(pooling.forward(p.modern.hidden.get(l).reshape(p.batch, p.seq, h), p.poolMask));
                }
            }
            if (!allLayers || numLayers > 0) {
                p.pooled.add(pooling.forward(p.modern.output.reshape(p.batch, p.seq, h), p.poolMask));
            }
            SectionTimer.mark("fwd.modernbert");
            return;
        }
        int n = p.rows;
        embeddings(p, n, h);
        if (allLayers) {
            p.pooled.add(pooling.forward(paddedHidden(p, 0), p.poolMask));
        }
        INDArray bias = p.fusedAttention ? null : attentionBias(p); // the fused kernel reads p.keyBias
        if (p.buckets != null) {
            p.relativeBias = PositionIds.relativeBias(param.apply(EncoderArchitecture.RELATIVE_ATTENTION_BIAS), p.buckets,
                    p.seq, dataType);
        }
        for (int l = 0; l < numLayers; l++) {
            layer(p, l, bias);
            if (allLayers && l < numLayers - 1) {
                p.pooled.add(pooling.forward(paddedHidden(p, l + 1), p.poolMask));
            }
        }
        if (!allLayers || numLayers > 0) {
            p.pooled.add(pooling.forward(paddedHidden(p, numLayers), p.poolMask));
        }
        SectionTimer.mark("fwd.pooling");
    }

    /** word + position + token type, LayerNorm, dropout: hidden state 0. */
    private void embeddings(Pass p, int n, int h) {
        INDArray sum = p.arena.get(slotName(p, -1, "sum"), n, h);
        Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(param.apply(WORD_EMBEDDINGS), Nd4j.createFromArray(p.rowIds))
                .addOutputs(sum).addIntegerArguments(0).build());
        if (p.positionIds == null) {
            INDArray positions = param.apply(POSITION_EMBEDDINGS).get(NDArrayIndex.interval(0, p.seq), NDArrayIndex.all());
            Nd4j.exec(new BroadcastAddOp(sum.reshape(p.batch, p.seq, h), positions, sum.reshape(p.batch, p.seq, h), 1, 2));
        } else {
            INDArray rows = p.arena.get("scratch.nh", n, h);
            Nd4j.exec(DynamicCustomOp.builder("gather")
                    .addInputs(param.apply(POSITION_EMBEDDINGS), Nd4j.createFromArray(p.positionIds))
                    .addOutputs(rows).addIntegerArguments(0).build());
            sum.addi(rows);
        }
        if (p.typeOneHot != null) {
            Gemm.gemm(p.typeOneHot, param.apply(TOKEN_TYPE_EMBEDDINGS), sum, false, false, 1.0, 1.0);
        }
        INDArray out = hidden(p, 0);
        EagerOps.residualLayerNorm(sum, null, null, null, param.apply(EMBEDDINGS_LAYER_NORM_WEIGHT),
                param.apply(EMBEDDINGS_LAYER_NORM_BIAS), config.layerNormEps(), p.arena.get(slotName(p, -1, "xhat"), n, h),
                p.arena.get(slotName(p, -1, "rstd"), n, 1), out);
        drop(p, DropoutMasks.EMBEDDINGS, out, n, h);
        SectionTimer.mark("fwd.embeddings");
    }

    /** One BertLayer: attention block and feed-forward block, each with dropout, residual and LayerNorm. */
    private void layer(Pass p, int l, INDArray bias) {
        int n = p.rows;
        int h = config.hiddenSize();
        INDArray x = hidden(p, l);
        INDArray ctx = p.arena.get(slotName(p, l, "ctx"), n, h);
        attention(p, l, x, bias, ctx);
        SectionTimer.mark("fwd.attention");

        INDArray z1 = p.arena.get("scratch.nh", n, h);
        // the output projections' biases are added by the LayerNorm pass that follows
        Gemm.gemm(ctx, param.apply(attentionOutput(l, "weight")), z1, false, true, 1.0, 0.0);
        SectionTimer.mark("fwd.dense.attn_out");
        INDArray a1 = p.arena.get(slotName(p, l, "a1"), n, h);
        EagerOps.residualLayerNorm(z1, param.apply(attentionOutput(l, "bias")),
                flatMask(p, DropoutMasks.attentionOutput(l), n, h), x, param.apply(attentionLayerNorm(l, "weight")),
                param.apply(attentionLayerNorm(l, "bias")), config.layerNormEps(), p.arena.get(slotName(p, l, "xhat1"), n, h),
                p.arena.get(slotName(p, l, "rstd1"), n, 1), a1);
        SectionTimer.mark("fwd.layernorm");

        int inner = config.intermediateSize();
        INDArray u = p.arena.get("scratch.ni", n, inner);
        // the backward pass needs GELU's output (for the weight gradient) and slope, not its input
        INDArray g = p.arena.get(slotName(p, l, "gelu"), n, inner);
        EagerOps.denseGelu(a1, param.apply(intermediate(l, "weight")), param.apply(intermediate(l, "bias")), u,
                p.arena.get("scratch.ni2", n, inner), g, p.kept ? p.arena.get(slotName(p, l, "gelu_slope"), n, inner) : null);
        SectionTimer.mark("fwd.ffn_in_gelu");
        INDArray z2 = p.arena.get("scratch.nh", n, h);
        Gemm.gemm(g, param.apply(output(l, "weight")), z2, false, true, 1.0, 0.0);
        SectionTimer.mark("fwd.dense.ffn_out");
        EagerOps.residualLayerNorm(z2, param.apply(output(l, "bias")), flatMask(p, DropoutMasks.output(l), n, h), a1,
                param.apply(outputLayerNorm(l, "weight")), param.apply(outputLayerNorm(l, "bias")), config.layerNormEps(),
                p.arena.get(slotName(p, l, "xhat2"), n, h), p.arena.get(slotName(p, l, "rstd2"), n, 1), hidden(p, l + 1));
        SectionTimer.mark("fwd.layernorm");
    }

    /**
     * Self-attention of layer l: one product for Q, K and V ([N, 3H]), rearranged to [3, B, heads, T, head]
     * (kept), batched products for scores and context, softmax with the padding bias, dropout on the
     * probabilities; writes the concatenated heads [N, H] into {@code ctx}.
     */
    private void attention(Pass p, int l, INDArray x, INDArray bias, INDArray ctx) {
        int n = p.batch * p.seq;
        int h = config.hiddenSize();
        int heads = config.numAttentionHeads();
        int d = config.headSize();
        // one product for Q, K and V ([N, 3H]) with their weights copied into one reused [3H, H] buffer
        boolean onRows = p.packedRowStart != null;
        INDArray qkvFlat = onRows ? p.arena.get(p.kept ? slotName(p, l, "qkv_rows") : "scratch.packed3h", p.rows, 3L * h)
                : p.arena.get(p.fusedAttention && p.kept ? slotName(p, l, "qkv_flat") : "scratch.n3h", n, 3L * h);
        if (p.packedIndex == null || onRows) {
            Gemm.gemm(x, qkvWeight(p, l), qkvFlat, false, true, 1.0, 0.0);
        } else {
            // the product on the real tokens only; attention reads them in the padded layout (padding rows 0)
            INDArray packed = p.arena.get("scratch.packed3h", p.rows, 3L * h);
            Gemm.gemm(x, qkvWeight(p, l), packed, false, true, 1.0, 0.0);
            scatterRows(p, packed, qkvFlat);
        }
        SectionTimer.mark("fwd.dense.qkv");
        INDArray ctxOut = p.packedIndex == null || onRows ? ctx : p.arena.get("scratch.ctxpad", n, h);
        if (p.fusedAttention) {
            // the fused kernel adds the biases as it reads Q, K and V (forward and backward)
            INDArray probs = p.kept ? p.arena.get(slotName(p, l, "probs"), p.batch, heads, p.seq, p.seq) : null;
            AttentionKernel.forward(floats(qkvFlat), qkvBias(l), floats(dropoutMask(p, DropoutMasks.attentionProbs(l))),
                    p.keyBias, floats(probs), floats(ctxOut), p.batch, p.seq, heads, d, p.attentionLengths, p.packedRowStart);
            if (p.packedIndex != null && !onRows) {
                gatherRows(p, ctxOut, ctx);
            }
            SectionTimer.mark("fwd.attn.fused");
            return;
        }
        String[] b = qkvBiases(l);
        EagerOps.addRow(qkvFlat, Nd4j.concat(0, param.apply(b[0]).reshape(-1), param.apply(b[1]).reshape(-1),
                param.apply(b[2]).reshape(-1)));
        INDArray qkv = p.arena.get(slotName(p, l, "qkv"), 3, p.batch, heads, p.seq, d);
        qkv.assign(qkvFlat.reshape(p.batch, p.seq, 3, heads, d).permute(2, 0, 3, 1, 4));
        // K and V also as [B, heads, head, T]: libnd4j's batched matmul with transposeB is 2-3x slower than a
        // plain one on a transposed copy (QK^T at 128 tokens: 19.7 ms against 6.0 + a 2 ms copy)
        INDArray kvT = p.arena.get(slotName(p, l, "kv_transposed"), 2, p.batch, heads, d, p.seq);
        kvT.assign(qkvFlat.reshape(p.batch, p.seq, 3, heads, d).permute(2, 0, 3, 4, 1)
                .get(NDArrayIndex.interval(1, 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
        SectionTimer.mark("fwd.attn.permute");

        INDArray probs = p.arena.get(slotName(p, l, "probs"), p.batch, heads, p.seq, p.seq);
        INDArray scores = p.arena.get("scratch.bhtt", p.batch, heads, p.seq, p.seq);
        Nd4j.matmul(qkv.slice(0), kvT.slice(0), scores, false, false, false);
        scores.muli(1.0 / Math.sqrt(d));
        if (p.relativeBias != null) {
            Nd4j.exec(new BroadcastAddOp(scores, p.relativeBias, scores, 1, 2, 3));
        }
        Nd4j.exec(new BroadcastAddOp(scores, bias, scores, 0, 3));
        Nd4j.exec(new SoftMax(scores, probs, 3));
        SectionTimer.mark("fwd.attn.scores_softmax");
        INDArray used = probs;
        INDArray mask = dropoutMask(p, DropoutMasks.attentionProbs(l));
        if (mask != null) {
            used = scores; // scores are no longer needed: reuse their buffer for the dropped probabilities
            Nd4j.exec(new MulOp(probs, mask, used));
        }
        INDArray context = p.arena.get("scratch.bhtd", p.batch, heads, p.seq, d);
        Nd4j.matmul(used, qkv.slice(2), context, false, false, false);
        SectionTimer.mark("fwd.attn.dropout_context");
        ctxOut.reshape(p.batch, p.seq, heads, d).assign(context.permute(0, 2, 1, 3));
        if (p.packedIndex != null) {
            gatherRows(p, ctxOut, ctx);
        }
        SectionTimer.mark("fwd.attn.permute");
    }

    /** The entries of a padded flat array at the packed rows, or the array itself when not packed. */
    private static long[] select(long[] padded, long[] index) {
        if (index == null) {
            return padded;
        }
        long[] out = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = padded[(int) index[i]];
        }
        return out;
    }

    /** The rows of a padded flat [B·T, W] array at the packed rows, into {@code dst} [rows, W]. */
    private static void gatherRows(Pass p, INDArray padded, INDArray dst) {
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(padded, p.packedIndexArray).addOutputs(dst)
                .addIntegerArguments(0).build());
    }

    /** Packed rows [rows, W] into a padded flat [B·T, W] array whose other rows become 0. */
    private static void scatterRows(Pass p, INDArray packed, INDArray padded) {
        padded.assign(0);
        Nd4j.exec(DynamicCustomOp.builder("scatter_upd").addInputs(padded, p.packedIndexArray, packed).addOutputs(padded)
                .build());
    }

    /** Hidden state i as [B, T, H] for pooling: a view when not packed, else scattered into a scratch buffer. */
    private INDArray paddedHidden(Pass p, int i) {
        int h = config.hiddenSize();
        if (p.packedIndex == null) {
            return hidden(p, i).reshape(p.batch, p.seq, h);
        }
        INDArray padded = p.arena.get("scratch.unpacked", (long) p.batch * p.seq, h);
        scatterRows(p, hidden(p, i), padded);
        return padded.reshape(p.batch, p.seq, h);
    }

    /** Adds the gradient of a pooled state to the gradient of its hidden state (packed rows when packed). */
    private void poolingBackward(Pass p, EagerPooling.State state, INDArray dPooled, INDArray dx,
                                 Map<String, INDArray> grads) {
        int h = config.hiddenSize();
        if (p.packedIndex == null) {
            pooling.backward(state, dPooled, dx.reshape(p.batch, p.seq, h), grads);
            return;
        }
        INDArray padded = p.arena.zeros("scratch.unpacked", (long) p.batch * p.seq, h);
        pooling.backward(state, dPooled, padded.reshape(p.batch, p.seq, h), grads);
        INDArray rows = p.arena.get("scratch.packed_grad", p.rows, h);
        gatherRows(p, padded, rows);
        dx.addi(rows);
    }

    /**
     * Each sequence's first packed row, if every sequence's tokens are the first {@code lengths[b]} positions
     * (the packed rows are then each sequence's tokens one after the other); null when a mask has a hole.
     */
    private static int[] rowStarts(double[][] mask, int[] lengths) {
        int[] start = new int[mask.length];
        int row = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                if (mask[b][t] == 0) {
                    return null;
                }
            }
            start[b] = row;
            row += lengths[b];
        }
        return start;
    }

    /** (1 - mask) * -1e9 flat [B·T] in float32, for the fused attention kernel. */
    private static float[] keyBias(double[][] mask) {
        int seq = mask.length == 0 ? 0 : mask[0].length;
        float[] bias = new float[mask.length * seq];
        for (int i = 0; i < mask.length; i++) {
            for (int t = 0; t < seq; t++) {
                bias[i * seq + t] = (float) ((1 - mask[i][t]) * MASKED_SCORE);
            }
        }
        return bias;
    }

    /** (1 - mask) * -1e9 as [B, T], broadcast over heads and queries. */
    private INDArray attentionBias(Pass p) {
        double[][] bias = new double[p.batch][p.seq];
        for (int i = 0; i < p.batch; i++) {
            for (int t = 0; t < p.seq; t++) {
                bias[i][t] = (1 - p.mask[i][t]) * MASKED_SCORE;
            }
        }
        return Nd4j.createFromArray(bias).castTo(dataType);
    }

    // ------------------------------------------------------------------ backward

    /**
     * Backward pass of a kept forward pass: adds the gradient of every parameter into {@code grads} (Hugging
     * Face names, arrays shaped like the parameters, zeroed by the caller at the start of a step).
     *
     * @param p               a pass run with {@code keep}
     * @param dSentence       gradient of the loss with respect to the sentence embedding [B, D]
     * @param dLayers         gradients with respect to the pooled hidden states 0..L-1 (a pass run with
     *                        {@code allLayers}), or an empty list; null entries mean zero
     */
    public void backward(Pass p, INDArray dSentence, List<INDArray> dLayers, Map<String, INDArray> grads) {
        if (!p.kept) {
            throw new IllegalStateException("this pass was run without keeping its activations; forward with keep=true");
        }
        arenas.lockPrimary();
        try {
            backwardLocked(p, dSentence, dLayers, grads);
        } finally {
            arenas.unlockPrimary();
        }
    }

    private void backwardLocked(Pass p, INDArray dSentence, List<INDArray> dLayers, Map<String, INDArray> grads) {
        int n = p.rows; // a ModernBERT pass is never packed: rows = batch × seq
        int h = config.hiddenSize();
        if (p.modern != null) {
            INDArray dOut = Nd4j.zeros(dataType, n, h);
            poolingBackward(p, p.pooled.get(p.pooled.size() - 1), dSentence, dOut, grads);
            modernBlock.backward(p.modern, dOut, (l, dx) -> {
                INDArray dPooled = l < dLayers.size() ? dLayers.get(l) : null;
                if (dPooled != null) {
                    poolingBackward(p, p.pooled.get(l), dPooled, dx, grads);
                }
            }, grads);
            SectionTimer.mark("bwd.modernbert");
            return;
        }
        INDArray dx = p.arena.zeros("grad.x", n, h);
        SectionTimer.mark("outside");
        poolingBackward(p, p.pooled.get(p.pooled.size() - 1), dSentence, dx, grads);
        SectionTimer.mark("bwd.pooling");
        for (int l = p.numLayers - 1; l >= 0; l--) {
            dx = layerBackward(p, l, dx, grads);
            INDArray dPooled = l < dLayers.size() ? dLayers.get(l) : null;
            if (dPooled != null) {
                poolingBackward(p, p.pooled.get(l), dPooled, dx, grads);
            }
        }
        embeddingsBackward(p, dx, grads);
    }

    /** Backward of layer l given the gradient of its output; returns the gradient of its input. */
    private INDArray layerBackward(Pass p, int l, INDArray dOut, Map<String, INDArray> grads) {
        int n = p.rows;
        int h = config.hiddenSize();
        int inner = config.intermediateSize();
        INDArray scratchH = p.arena.get("scratch.nh", n, h);

        // output LayerNorm, then the residual splits the gradient: dz2 reaches both FFN output and a1
        INDArray dz2 = p.arena.get("grad.z2", n, h);
        INDArray da1 = p.arena.get("grad.a1", n, h);
        EagerOps.residualLayerNormBackward(dOut, p.arena.get(slotName(p, l, "xhat2"), n, h),
                p.arena.get(slotName(p, l, "rstd2"), n, 1), param.apply(outputLayerNorm(l, "weight")),
                grads.get(outputLayerNorm(l, "weight")), grads.get(outputLayerNorm(l, "bias")), da1,
                flatMask(p, DropoutMasks.output(l), n, h), dz2, grads.get(output(l, "bias")), scratchH);
        SectionTimer.mark("bwd.layernorm");

        INDArray g = p.arena.get(slotName(p, l, "gelu"), n, inner);
        INDArray dg = p.arena.get("grad.ni", n, inner);
        // the bias gradients come from the kernels that produce each dense layer's output gradient
        EagerOps.denseBackward(dz2, g, param.apply(output(l, "weight")), grads.get(output(l, "weight")), null, dg, false);
        SectionTimer.mark("bwd.dense.ffn_out");
        EagerOps.geluBackward(dg, p.arena.get(slotName(p, l, "gelu_slope"), n, inner), grads.get(intermediate(l, "bias")));
        SectionTimer.mark("bwd.gelu");
        INDArray a1 = p.arena.get(slotName(p, l, "a1"), n, h);
        EagerOps.denseBackward(dg, a1, param.apply(intermediate(l, "weight")), grads.get(intermediate(l, "weight")), null,
                da1, true);
        SectionTimer.mark("bwd.dense.ffn_in");

        INDArray dz1 = p.arena.get("grad.z1", n, h);
        INDArray dx = p.arena.get(l % 2 == 0 ? "grad.x" : "grad.x2", n, h);
        EagerOps.residualLayerNormBackward(da1, p.arena.get(slotName(p, l, "xhat1"), n, h),
                p.arena.get(slotName(p, l, "rstd1"), n, 1), param.apply(attentionLayerNorm(l, "weight")),
                grads.get(attentionLayerNorm(l, "weight")), grads.get(attentionLayerNorm(l, "bias")), dx,
                flatMask(p, DropoutMasks.attentionOutput(l), n, h), dz1, grads.get(attentionOutput(l, "bias")), scratchH);
        SectionTimer.mark("bwd.layernorm");
        INDArray dctx = p.arena.get("grad.ctx", n, h);
        EagerOps.denseBackward(dz1, p.arena.get(slotName(p, l, "ctx"), n, h), param.apply(attentionOutput(l, "weight")),
                grads.get(attentionOutput(l, "weight")), null, dctx, false);
        SectionTimer.mark("bwd.dense.attn_out");
        attentionBackward(p, l, dctx, dx, grads);
        return dx;
    }

    /** Backward of {@link #attention}: adds the Q/K/V parameter gradients and the input gradient into dx. */
    private void attentionBackward(Pass p, int l, INDArray dctxRows, INDArray dx, Map<String, INDArray> grads) {
        int n = p.batch * p.seq;
        int h = config.hiddenSize();
        int heads = config.numAttentionHeads();
        int d = config.headSize();
        boolean onRows = p.packedRowStart != null;
        INDArray dctx = dctxRows;
        if (p.packedIndex != null && !onRows) {
            dctx = p.arena.get("scratch.ctxpad", n, h);
            scatterRows(p, dctxRows, dctx);
        }
        INDArray dFlat = onRows ? p.arena.get("scratch.packed3h", p.rows, 3L * h) : p.arena.get("scratch.n3h", n, 3L * h);
        INDArray db;
        if (p.fusedAttention) {
            float[] sums = new float[p.batch * 3 * h];
            INDArray qkvKept = onRows ? p.arena.get(slotName(p, l, "qkv_rows"), p.rows, 3L * h)
                    : p.arena.get(slotName(p, l, "qkv_flat"), n, 3L * h);
            AttentionKernel.backward(floats(qkvKept), qkvBias(l),
                    floats(p.arena.get(slotName(p, l, "probs"), p.batch, heads, p.seq, p.seq)),
                    floats(dropoutMask(p, DropoutMasks.attentionProbs(l))), floats(dctx), floats(dFlat), sums, p.batch,
                    p.seq, heads, d, p.attentionLengths, p.packedRowStart);
            double[] total = new double[3 * h];
            for (int i = 0; i < p.batch; i++) {
                for (int k = 0; k < 3 * h; k++) {
                    total[k] += sums[i * 3 * h + k];
                }
            }
            db = Nd4j.createFromArray(total).castTo(dataType);
            SectionTimer.mark("bwd.attn.fused");
        } else {
            attentionBackwardNd4j(p, l, dctx, dFlat, grads);
            db = p.arena.get("grad.bqkv", 3L * h).assign(0);
            EagerOps.addColumnSums(dFlat, db);
        }
        if (p.packedIndex != null && !onRows) {
            INDArray rows = p.arena.get("scratch.packed3h", p.rows, 3L * h);
            gatherRows(p, dFlat, rows);
            dFlat = rows;
        }
        INDArray dW = p.arena.get("grad.wqkv", 3L * h, h);
        Gemm.gemm(dFlat, hidden(p, l), dW, true, false, 1.0, 0.0);
        String[] w = qkvWeights(l);
        String[] b = qkvBiases(l);
        for (int k = 0; k < 3; k++) {
            grads.get(w[k]).addi(dW.get(NDArrayIndex.interval((long) k * h, (long) (k + 1) * h), NDArrayIndex.all()));
            grads.get(b[k]).addi(db.get(NDArrayIndex.interval((long) k * h, (long) (k + 1) * h)).reshape(grads.get(b[k]).shape()));
        }
        Gemm.gemm(dFlat, qkvWeight(p, l), dx, false, false, 1.0, 1.0);
        SectionTimer.mark("bwd.dense.qkv");
    }

    /** The ND4J route of the attention backward (float64, or without the vector kernels): dQ|dK|dV into dFlat. */
    private void attentionBackwardNd4j(Pass p, int l, INDArray dctx, INDArray dFlat, Map<String, INDArray> grads) {
        int heads = config.numAttentionHeads();
        int d = config.headSize();
        INDArray qkv = p.arena.get(slotName(p, l, "qkv"), 3, p.batch, heads, p.seq, d);
        INDArray probs = p.arena.get(slotName(p, l, "probs"), p.batch, heads, p.seq, p.seq);
        INDArray dContext = p.arena.get("scratch.bhtd", p.batch, heads, p.seq, d);
        dContext.assign(dctx.reshape(p.batch, p.seq, heads, d).permute(0, 2, 1, 3));
        SectionTimer.mark("bwd.attn.permute");

        INDArray mask = dropoutMask(p, DropoutMasks.attentionProbs(l));
        INDArray used = probs;
        INDArray scratch = p.arena.get("scratch.bhtt", p.batch, heads, p.seq, p.seq);
        if (mask != null) {
            used = scratch;
            Nd4j.exec(new MulOp(probs, mask, used));
        }
        INDArray dqkv = p.arena.get("grad.qkv", 3, p.batch, heads, p.seq, d);
        Nd4j.matmul(used, dContext, dqkv.slice(2), true, false, false);              // dV = P^T dC
        INDArray dProbs = p.arena.get("grad.bhtt", p.batch, heads, p.seq, p.seq);
        INDArray kvT = p.arena.get(slotName(p, l, "kv_transposed"), 2, p.batch, heads, d, p.seq);
        Nd4j.matmul(dContext, kvT.slice(1), dProbs, false, false, false);            // dP = dC V^T
        SectionTimer.mark("bwd.attn.matmul");
        if (mask != null) {
            dProbs.muli(mask);
        }
        long rows = (long) p.batch * heads * p.seq;
        EagerOps.softmaxBackwardInPlace(dProbs.reshape(rows, p.seq), probs.reshape(rows, p.seq), scratch.reshape(rows, p.seq));
        if (p.buckets != null) {
            // the bias was added after scaling: its gradient is the scores' gradient, summed over the batch
            PositionIds.addRelativeBiasGradient(dProbs.sum(0), p.buckets, p.seq,
                    grads.get(EncoderArchitecture.RELATIVE_ATTENTION_BIAS));
        }
        dProbs.muli(1.0 / Math.sqrt(d));
        SectionTimer.mark("bwd.attn.softmax");
        Nd4j.matmul(dProbs, qkv.slice(1), dqkv.slice(0), false, false, false);       // dQ = dS K
        Nd4j.matmul(dProbs, qkv.slice(0), dqkv.slice(1), true, false, false);        // dK = dS^T Q
        SectionTimer.mark("bwd.attn.matmul");

        dFlat.reshape(p.batch, p.seq, 3, heads, d).assign(dqkv.permute(1, 3, 0, 2, 4));
        SectionTimer.mark("bwd.attn.permute");
    }

    /** Backward of {@link #embeddings}: word rows (scatter-add in position order), positions, token types, LayerNorm. */
    private void embeddingsBackward(Pass p, INDArray dh0, Map<String, INDArray> grads) {
        int n = p.rows;
        int h = config.hiddenSize();
        drop(p, DropoutMasks.EMBEDDINGS, dh0, n, h);
        INDArray dSum = p.arena.get("grad.z1", n, h);
        EagerOps.residualLayerNormBackward(dh0, p.arena.get(slotName(p, -1, "xhat"), n, h),
                p.arena.get(slotName(p, -1, "rstd"), n, 1), param.apply(EMBEDDINGS_LAYER_NORM_WEIGHT),
                grads.get(EMBEDDINGS_LAYER_NORM_WEIGHT), grads.get(EMBEDDINGS_LAYER_NORM_BIAS), dSum, null, null, null,
                p.arena.get("scratch.nh", n, h));
        if (p.positionIds == null) {
            INDArray dPositions = p.arena.get("grad.positions", (long) p.seq * h).assign(0);
            EagerOps.addColumnSums(dSum.reshape(p.batch, (long) p.seq * h), dPositions);
            grads.get(POSITION_EMBEDDINGS).get(NDArrayIndex.interval(0, p.seq), NDArrayIndex.all())
                    .addi(dPositions.reshape(p.seq, h));
        } else {
            scatterAddRows(grads.get(POSITION_EMBEDDINGS), p.positionIds, dSum);
        }
        if (p.typeOneHot != null) {
            Gemm.gemm(p.typeOneHot, dSum, grads.get(TOKEN_TYPE_EMBEDDINGS), true, false, 1.0, 1.0);
        }
        scatterAddRows(grads.get(WORD_EMBEDDINGS), p.rowIds, dSum);
        SectionTimer.mark("bwd.embeddings");
    }

    /**
     * Adds row i of {@code rows} to row ids[i] of {@code table}, summing the rows of one id in position order in
     * double precision. Deterministic, unlike libnd4j's multi-threaded scatter_add, which adds repeated ids in
     * thread order (a resumed run would then not reproduce an uninterrupted one). The sums are added to the
     * table through its host memory on the fast route ({@link FastRoute}), else by one scatter_add of the
     * per-id sums, whose ids are distinct, so that thread order does not matter there either.
     */
    public static void scatterAddRows(INDArray table, long[] ids, INDArray rows) {
        if (!table.dataType().isFPType()) {
            throw new IllegalArgumentException("word-embedding gradient in " + table.dataType() + " is not supported");
        }
        int h = (int) table.size(1);
        Map<Long, double[]> sums = new java.util.TreeMap<>();
        double[] values = rows.dup('c').data().asDouble();
        for (int i = 0; i < ids.length; i++) {
            double[] acc = sums.computeIfAbsent(ids[i], k -> new double[h]);
            for (int k = 0, o = i * h; k < h; k++) {
                acc[k] += values[o + k];
            }
        }
        if (!FastRoute.enabled() || (table.dataType() != DataType.FLOAT && table.dataType() != DataType.DOUBLE)) {
            if (sums.isEmpty()) {
                return;
            }
            long[] distinct = new long[sums.size()];
            double[] summed = new double[sums.size() * h];
            int r = 0;
            for (Map.Entry<Long, double[]> e : sums.entrySet()) {
                distinct[r] = e.getKey();
                System.arraycopy(e.getValue(), 0, summed, r * h, h);
                r++;
            }
            INDArray updates = Nd4j.createFromArray(summed).reshape(distinct.length, h).castTo(table.dataType());
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(table, Nd4j.createFromArray(distinct), updates)
                    .addOutputs(table).build());
            return;
        }
        boolean direct = table.ordering() == 'c' && table.offset() == 0 && !table.isView();
        INDArray target = direct ? table : table.dup('c');
        if (target.dataType() == DataType.FLOAT) {
            FloatBuffer buf = FastRoute.floats(target);
            sums.forEach((id, acc) -> {
                int o = (int) (id * h);
                for (int k = 0; k < h; k++) {
                    buf.put(o + k, (float) (buf.get(o + k) + acc[k]));
                }
            });
        } else if (target.dataType() == DataType.DOUBLE) {
            DoubleBuffer buf = FastRoute.doubles(target);
            sums.forEach((id, acc) -> {
                int o = (int) (id * h);
                for (int k = 0; k < h; k++) {
                    buf.put(o + k, buf.get(o + k) + acc[k]);
                }
            });
        }
        if (!direct) {
            table.assign(target);
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The native memory of a float32 array for the vector kernels: the array itself when it is c-order and
     * contiguous from offset 0 (arena buffers, sampled masks), else a c-order copy (only valid for inputs).
     */
    private static FloatBuffer floats(INDArray a) {
        if (a == null) {
            return null;
        }
        return FastRoute.floats(RowKernels.supports(a) ? a : a.dup('c'));
    }

    /** Hidden state i (0 = embeddings output) of a pass, flat [N, H]. */
    private INDArray hidden(Pass p, int i) {
        return p.arena.get(slotName(p, i, "hidden"), p.rows, config.hiddenSize());
    }

    /** Arena name of an activation: per pass slot and layer when kept, shared by layers for inference. */
    private static String slotName(Pass p, int layer, String what) {
        if (!p.kept && !what.equals("hidden")) {
            return p.slot + "." + what;
        }
        if (!p.kept) {
            return p.slot + ".hidden." + (layer % 2); // inference needs only the current and the next hidden state
        }
        return p.slot + "." + layer + "." + what;
    }

    private static String[] qkvWeights(int l) {
        return new String[] {query(l, "weight"), key(l, "weight"), value(l, "weight")};
    }

    private static String[] qkvBiases(int l) {
        return new String[] {query(l, "bias"), key(l, "bias"), value(l, "bias")};
    }

    /**
     * The Q, K and V weights stacked [3H, H], copied into one reused buffer (a copy per call rather than a new
     * concatenated array: the optimizer may have changed the weights since the last pass).
     */
    private INDArray qkvWeight(Pass p, int l) {
        int h = config.hiddenSize();
        INDArray stacked = p.arena.get("weights.qkv", 3L * h, h);
        String[] w = qkvWeights(l);
        for (int k = 0; k < 3; k++) {
            stacked.get(NDArrayIndex.interval((long) k * h, (long) (k + 1) * h), NDArrayIndex.all()).assign(param.apply(w[k]));
        }
        return stacked;
    }

    /** The Q, K and V biases end to end [3H] as float32 (for the fused kernel). */
    private float[] qkvBias(int l) {
        int h = config.hiddenSize();
        float[] all = new float[3 * h];
        String[] b = qkvBiases(l);
        for (int k = 0; k < 3; k++) {
            System.arraycopy(param.apply(b[k]).dup().data().asFloat(), 0, all, k * h, h);
        }
        return all;
    }

    /** One-hot rows built in a Java array (a putScalar per token cost ~1 µs each, milliseconds per batch). */
    private INDArray typeOneHot(long[] types) {
        int width = config.typeVocabSize();
        double[] oneHot = new double[types.length * width];
        for (int i = 0; i < types.length; i++) {
            oneHot[i * width + (int) types[i]] = 1.0;
        }
        return Nd4j.createFromArray(oneHot).reshape(types.length, width).castTo(dataType);
    }

    /** Multiplies a flat [N, H] activation (or its gradient) by the site's mask, if the pass has one. */
    private void drop(Pass p, String site, INDArray x, int n, int h) {
        INDArray m = flatMask(p, site, n, h);
        if (m != null) {
            x.muli(m);
        }
    }

    /** The site's mask as a flat [N, H] array, or null when the pass has none. */
    private INDArray flatMask(Pass p, String site, int n, int h) {
        INDArray m = dropoutMask(p, site);
        if (m == null || p.packedIndex == null) {
            return m == null ? null : m.reshape(n, h);
        }
        // a hidden site's mask at the real tokens (the same units: masks are drawn per row and position)
        return p.packedMasks.computeIfAbsent(site, k -> {
            INDArray rows = Nd4j.create(m.dataType(), p.rows, h);
            gatherRows(p, m.reshape((long) p.batch * p.seq, h), rows);
            return rows;
        });
    }

    private INDArray dropoutMask(Pass p, String site) {
        INDArray m = p.dropout.asMap().get(site);
        return m == null ? null : (m.dataType() == dataType ? m : m.castTo(dataType));
    }

    /** The mask pooling reads: the attention mask without its first {@code promptLength} positions. */
    private static double[][] poolingMask(double[][] mask, int promptLength) {
        if (promptLength == 0) {
            return mask;
        }
        double[][] out = new double[mask.length][];
        for (int i = 0; i < mask.length; i++) {
            out[i] = mask[i].clone();
            java.util.Arrays.fill(out[i], 0, Math.min(promptLength, out[i].length), 0.0);
        }
        return out;
    }

    /** Zero gradient arrays for every parameter, under Hugging Face names. */
    public Map<String, INDArray> zeroGradients() {
        Map<String, INDArray> g = new LinkedHashMap<>();
        for (String name : BertTensorNames.names(config)) {
            INDArray p = param.apply(name);
            g.put(name, Nd4j.zeros(p.dataType(), p.shape()));
        }
        return g;
    }

    /** Bytes held by reusable activation buffers, of every arena. */
    public long bufferBytes() {
        return arenas.bytes();
    }

    /** Arenas made so far: 1, plus one per inference pass that ran while all others were busy. */
    public int arenaCount() {
        return arenas.arenas();
    }

    /**
     * Frees the reusable buffers (they are allocated again by the next pass): the training arena's, after
     * waiting for a pass that uses it, and those of spare arenas no pass is using.
     */
    public void releaseBuffers() {
        arenas.release();
    }

    public BertConfig config() {
        return config;
    }

    public DataType dataType() {
        return dataType;
    }
}
