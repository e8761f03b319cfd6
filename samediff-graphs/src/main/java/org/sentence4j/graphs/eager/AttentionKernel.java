package org.sentence4j.graphs.eager;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product self-attention of one layer, forward and backward, fused per (sequence, head) block and
 * written with the JDK's vector API (float32).
 *
 * <p>Why: through ND4J one attention block is a chain of separate native ops over [B, heads, T, T] arrays
 * (permute Q/K/V out of the projection, batched QK^T, scale, add the padding bias, softmax, dropout, batched
 * PV, permute back; the backward pass twice as many), each a trip through memory with its own dispatch and
 * thread fork/join; libnd4j's batched products of these small matrices run at 30-55 GFLOP/s and its softmax
 * at ~2 ns per element. Here each block's Q, K and V ([T, head] slices of the projection output) are copied
 * into per-thread arrays that stay in cache, and everything from scores to context happens there: products
 * by a register-blocked vector kernel (~100 GFLOP/s per core at head size 32), exp by the vector API
 * (~0.3 ns per element). Blocks are independent, so the result does not depend on thread
 * scheduling.
 *
 * <p>Layout: {@code qkv} holds the projection output without its biases, [B·T, 3H] (a row is a token, its
 * columns Q | K | V, each heads × head), and {@code bias} the biases [3H], added as a block is read;
 * {@code ctx} and {@code dctx} are [B·T, H], {@code dqkv} is laid out as {@code qkv}, {@code probs} and
 * {@code mask} are [B, heads, T, T] (all c-order float32). The 1/sqrt(head) scale is applied to Q before the
 * product (the ND4J route scales the scores; the difference is rounding).
 *
 * <p>Only loaded when {@link FastRoute#vectorKernels()}; the class does not load without the module.
 */
final class AttentionKernel {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /** Score of a key beyond the sequence (a padding column of the per-block arrays): weight exactly 0. */
    private static final float OUTSIDE = Float.NEGATIVE_INFINITY;

    private AttentionKernel() {
    }

    /**
     * Per-thread block arrays, grown when a larger block comes. A block uses its own sequence's length padded to
     * whole vectors as its row stride ({@code np} in the kernels, at most {@code tp}) and the head size padded
     * ({@code dp}) as its column stride, whatever the capacity.
     */
    private static final class Block {
        final int tp;
        final int dp;
        final float[] q;     // [tp, dp]
        final float[] k;     // [tp, dp]
        final float[] v;     // [tp, dp]
        final float[] t1;    // [dp, tp]: K^T (forward) or V^T (backward)
        final float[] s;     // [tp, tp]: scores, then probabilities
        final float[] pd;    // [tp, tp]: dropped probabilities
        final float[] ds;    // [tp, tp]: gradient of the probabilities, then of the scores
        final float[] mk;    // [tp, tp]: the block's dropout mask
        final float[] out;   // [tp, dp]
        final float[] dc;    // [tp, dp]
        final float[] keyBias;  // [tp]

        Block(int tp, int dp) {
            this.tp = tp;
            this.dp = dp;
            q = new float[tp * dp];
            k = new float[tp * dp];
            v = new float[tp * dp];
            t1 = new float[dp * tp];
            s = new float[tp * tp];
            pd = new float[tp * tp];
            ds = new float[tp * tp];
            mk = new float[tp * tp];
            out = new float[tp * dp];
            dc = new float[tp * dp];
            keyBias = new float[tp];
        }
    }

    private static final ThreadLocal<Block> BLOCKS = new ThreadLocal<>();

    /** This thread's block arrays for sequences up to {@code seq} long (reused while they are large enough). */
    private static Block block(int seq, int head) {
        int tp = round(seq);
        int dp = round(head);
        Block w = BLOCKS.get();
        if (w == null || w.tp < tp || w.dp != dp) {
            w = new Block(tp, dp);
            BLOCKS.set(w);
        }
        return w;
    }

    /** Rounds up to a whole number of vectors (which is also a multiple of the 4-row blocking). */
    private static int round(int n) {
        int r = Math.max(4, L);
        return (n + r - 1) / r * r;
    }

    /**
     * Forward: {@code ctx = dropout(softmax(Q K^T / sqrt(head) + keyBias)) V} per sequence and head.
     *
     * @param qkv     the projection output without biases [B·T, 3H]
     * @param bias    the Q, K and V biases end to end [3H]
     * @param keyBias added to the scores of each key [B·T] (0 for a token, a large negative number for padding)
     * @param mask    dropout mask of the probabilities (values 0 or 1/(1-p)), or null
     * @param probs   where to keep the probabilities (before dropout) for the backward pass, or null
     * @param lengths per sequence, the positions the block works on (one past its last token, as
     *                {@link org.sentence4j.graphs.text.TokenBatch#lengths}); the rows from there to {@code seq}
     *                of {@code ctx} are set to 0, and only the
     *                [length, length] corner of the sequence's slice of {@code probs} and {@code mask} is
     *                used. Null: every sequence is {@code seq} long.
     * @param rowStart per sequence, the row of {@code qkv} and {@code ctx} (and, backward, {@code dctx} and
     *                {@code dqkv}) that holds its position 0, when those arrays hold the real tokens only, packed
     *                (each sequence's {@code lengths[b]} rows one after the other; no padding rows to zero). Null:
     *                the padded layout, sequence b from row b·seq. {@code keyBias}, {@code probs} and {@code mask}
     *                keep the padded layout either way.
     */
    static void forward(FloatBuffer qkv, float[] bias, FloatBuffer mask, float[] keyBias, FloatBuffer probs,
                        FloatBuffer ctx, int batch, int seq, int heads, int head, int[] lengths, int[] rowStart) {
        forward(qkv, bias, mask, keyBias, probs, ctx, batch, seq, heads, head, false, lengths, rowStart);
    }

    /**
     * {@link #forward} with an optional causal mask (a decoder's self-attention): with {@code causal}, key k is
     * hidden from query q when k &gt; q (its score becomes -inf before the softmax, so its probability is
     * exactly 0 and, in {@link #backward}, so is its gradient: the backward pass needs no flag).
     */
    static void forward(FloatBuffer qkv, float[] bias, FloatBuffer mask, float[] keyBias, FloatBuffer probs,
                        FloatBuffer ctx, int batch, int seq, int heads, int head, boolean causal, int[] lengths,
                        int[] rowStart) {
        float scale = (float) (1.0 / Math.sqrt(head));
        int hidden = heads * head;
        IntStream.range(0, batch * heads).parallel().forEach(blockIndex -> {
            Block w = block(seq, head);
            int b = blockIndex / heads;
            int col = blockIndex % heads * head;
            int n = lengths == null ? seq : lengths[b];
            int np = round(n);
            int dp = w.dp;
            int row0 = rowStart == null ? b * seq : rowStart[b];
            loadQkv(qkv, bias, w, row0, n, hidden, col, head);
            scale(w.q, n * dp, scale);
            transpose(w.k, dp, w.t1, np, n, head);
            for (int j = 0; j < np; j++) {
                w.keyBias[j] = j < n ? keyBias[b * seq + j] : OUTSIDE;
            }
            // scores [np, np] = Q K^T
            product(w.q, dp, 1, w.t1, np, w.s, np, np, np, head);
            if (causal) {
                for (int i = 0; i < n; i++) {
                    java.util.Arrays.fill(w.s, i * np + i + 1, (i + 1) * np, Float.NEGATIVE_INFINITY);
                }
            }
            long blockBase = (long) blockIndex * seq * seq;
            for (int i = 0; i < n; i++) {
                softmaxRow(w.s, i * np, w.keyBias, np);
            }
            if (probs != null) {
                copyBlock(w.s, np, probs, blockBase, seq, n, true);
            }
            float[] used = w.s;
            if (mask != null) {
                copyBlock(w.mk, np, mask, blockBase, seq, n, false);
                multiply(w.s, 0, w.mk, 0, w.pd, 0, n * np);
                used = w.pd;
            }
            // context [np, dp] = P V (sum over the n keys only)
            product(used, np, 1, w.v, dp, w.out, dp, np, dp, n);
            store(ctx, 0, row0, n, hidden, col, head, w.out, dp);
            if (rowStart == null) {
                zeroRows(ctx, 0, row0, seq, n, hidden, col, head);
            }
        });
    }

    /**
     * Backward of {@link #forward}: writes the gradients of Q, K and V into {@code dqkv} [B·T, 3H] (the layout
     * of {@code qkv}; the biases' gradients are its column sums) given the gradient of the context
     * {@code dctx}, from the probabilities the forward pass kept and the same dropout mask. Also writes each
     * sequence's column sums of {@code dqkv} into {@code biasSums} [B, 3H] (summed over sequences by the
     * caller, in order, they are the bias gradients; a block sums rows it has in cache anyway).
     */
    static void backward(FloatBuffer qkv, float[] bias, FloatBuffer probs, FloatBuffer mask, FloatBuffer dctx,
                         FloatBuffer dqkv, float[] biasSums, int batch, int seq, int heads, int head, int[] lengths,
                         int[] rowStart) {
        float scale = (float) (1.0 / Math.sqrt(head));
        int hidden = heads * head;
        int stride = 3 * hidden; // a row of qkv: Q | K | V
        IntStream.range(0, batch * heads).parallel().forEach(blockIndex -> {
            Block w = block(seq, head);
            int b = blockIndex / heads;
            int col = blockIndex % heads * head;
            int n = lengths == null ? seq : lengths[b];
            int np = round(n);
            int dp = w.dp;
            int row0 = rowStart == null ? b * seq : rowStart[b];
            loadQkv(qkv, bias, w, row0, n, hidden, col, head);
            transpose(w.v, dp, w.t1, np, n, head);
            load(dctx, 0, row0, n, hidden, col, head, null, 0, w.dc, dp);
            long blockBase = (long) blockIndex * seq * seq;
            copyBlock(w.s, np, probs, blockBase, seq, n, false);
            for (int i = 0; i < n && n < np; i++) {
                java.util.Arrays.fill(w.s, i * np + n, (i + 1) * np, 0f);
            }
            float[] used = w.s;
            if (mask != null) {
                copyBlock(w.mk, np, mask, blockBase, seq, n, false);
                multiply(w.s, 0, w.mk, 0, w.pd, 0, n * np);
                used = w.pd;
            }
            // dV [np, dp] = P_dropped^T dC
            product(used, 1, np, w.dc, dp, w.out, dp, np, dp, n);
            storeGradient(w, dqkv, biasSums, 2 * hidden, b, row0, seq, n, rowStart == null, stride, col, head);
            // dP [np, np] = dC V^T, then through dropout and softmax: dS = P * (dP - rowsum(P * dP)) / sqrt(head)
            product(w.dc, dp, 1, w.t1, np, w.ds, np, np, np, head);
            for (int i = 0; i < n; i++) {
                if (mask != null) {
                    multiply(w.ds, i * np, w.mk, i * np, w.ds, i * np, n);
                }
                softmaxBackwardRow(w.s, w.ds, i * np, n, scale);
            }
            // dQ = dS K, dK = dS^T Q (sums over the n positions)
            product(w.ds, np, 1, w.k, dp, w.out, dp, np, dp, n);
            storeGradient(w, dqkv, biasSums, 0, b, row0, seq, n, rowStart == null, stride, col, head);
            product(w.ds, 1, np, w.q, dp, w.out, dp, np, dp, n);
            storeGradient(w, dqkv, biasSums, hidden, b, row0, seq, n, rowStart == null, stride, col, head);
        });
    }

    // ------------------------------------------------------------------ block moves

    /** Q, K and V of sequence b and the head whose columns start at col, biases added, into w.q, w.k, w.v. */
    private static void loadQkv(FloatBuffer qkv, float[] bias, Block w, int row0, int n, int hidden, int col, int head) {
        int stride = 3 * hidden;
        load(qkv, 0, row0, n, stride, col, head, bias, col, w.q, w.dp);
        load(qkv, hidden, row0, n, stride, col, head, bias, hidden + col, w.k, w.dp);
        load(qkv, 2 * hidden, row0, n, stride, col, head, bias, 2 * hidden + col, w.v, w.dp);
    }

    /**
     * Copies columns [col, col + width) of the first n rows of the sequence whose position 0 is row row0 (rows of
     * stride rowStride from element base on) into dst rows of stride ld, adding bias[biasAt + c] to column c when
     * bias is not null.
     */
    private static void load(FloatBuffer src, int base, int row0, int n, int rowStride, int col, int width,
                             float[] bias, int biasAt, float[] dst, int ld) {
        for (int t = 0; t < n; t++) {
            src.get(base + (row0 + t) * rowStride + col, dst, t * ld, width);
            if (bias != null) {
                int c = 0;
                for (; c + L <= width; c += L) {
                    int o = t * ld + c;
                    FloatVector.fromArray(F, dst, o).add(FloatVector.fromArray(F, bias, biasAt + c)).intoArray(dst, o);
                }
                for (; c < width; c++) {
                    dst[t * ld + c] += bias[biasAt + c];
                }
            }
        }
    }

    private static void store(FloatBuffer dst, int base, int row0, int n, int rowStride, int col, int width, float[] src,
                              int ld) {
        for (int t = 0; t < n; t++) {
            dst.put(base + (row0 + t) * rowStride + col, src, t * ld, width);
        }
    }

    private static final float[] ZEROS = new float[1024];

    /** Zeroes columns [col, col + width) of rows [n, seq) of the sequence from row0: the positions past its length. */
    private static void zeroRows(FloatBuffer dst, int base, int row0, int seq, int n, int rowStride, int col, int width) {
        for (int t = n; t < seq; t++) {
            for (int c = 0; c < width; c += ZEROS.length) {
                dst.put(base + (row0 + t) * rowStride + col + c, ZEROS, 0, Math.min(ZEROS.length, width - c));
            }
        }
    }

    /**
     * Moves the [n, n] corner of a block's [seq, seq] slice of a [B, heads, T, T] array (from element base) to or
     * from rows of stride ld of a block array: one copy when the rows are neither padded nor cut (ld == n ==
     * seq), else one per row.
     */
    private static void copyBlock(float[] a, int ld, FloatBuffer buf, long base, int seq, int n, boolean store) {
        if (ld == seq && n == seq) {
            if (store) {
                buf.put((int) base, a, 0, seq * seq);
            } else {
                buf.get((int) base, a, 0, seq * seq);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            if (store) {
                buf.put((int) (base + (long) i * seq), a, i * ld, n);
            } else {
                buf.get((int) (base + (long) i * seq), a, i * ld, n);
            }
        }
    }

    /**
     * Writes the block's gradient in {@code w.out} to the columns of dqkv from {@code part + col} on (part 0, H
     * or 2H: Q, K or V) and its column sums, the sequence's share of the bias gradient, into biasSums.
     */
    private static void storeGradient(Block w, FloatBuffer dqkv, float[] biasSums, int part, int b, int row0, int seq,
                                      int n, boolean padded, int stride, int col, int head) {
        store(dqkv, part, row0, n, stride, col, head, w.out, w.dp);
        if (padded) {
            zeroRows(dqkv, part, row0, seq, n, stride, col, head);
        }
        columnSums(w.out, w.dp, n, head, biasSums, b * stride + part + col);
    }

    /** dst[at + c] = sum over t < rows of a[t·ld + c], for c < width. */
    private static void columnSums(float[] a, int ld, int rows, int width, float[] dst, int at) {
        for (int c = 0; c < width; c++) {
            dst[at + c] = 0f;
        }
        for (int t = 0; t < rows; t++) {
            int c = 0;
            for (; c + L <= width; c += L) {
                FloatVector.fromArray(F, dst, at + c).add(FloatVector.fromArray(F, a, t * ld + c)).intoArray(dst, at + c);
            }
            for (; c < width; c++) {
                dst[at + c] += a[t * ld + c];
            }
        }
    }

    /** dst[c, t] = src[t, c] for t < seq, c < width; padding columns t >= seq set to 0. */
    private static void transpose(float[] src, int lds, float[] dst, int ldd, int seq, int width) {
        for (int c = 0; c < width; c++) {
            int o = c * ldd;
            for (int t = 0; t < seq; t++) {
                dst[o + t] = src[t * lds + c];
            }
            for (int t = seq; t < ldd; t++) {
                dst[o + t] = 0f;
            }
        }
    }

    private static void scale(float[] a, int n, float factor) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, a, i).mul(factor).intoArray(a, i);
        }
        for (; i < n; i++) {
            a[i] *= factor;
        }
    }

    /** z[zo + j] = x[xo + j] * y[yo + j] for j < n. */
    private static void multiply(float[] x, int xo, float[] y, int yo, float[] z, int zo, int n) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromArray(F, x, xo + j).mul(FloatVector.fromArray(F, y, yo + j)).intoArray(z, zo + j);
        }
        for (; j < n; j++) {
            z[zo + j] = x[xo + j] * y[yo + j];
        }
    }

    // ------------------------------------------------------------------ softmax

    /** Row of tp scores at offset o: adds the key bias, then softmax in place (padding columns get 0). */
    private static void softmaxRow(float[] s, int o, float[] bias, int tp) {
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < tp; j += L) {
            FloatVector x = FloatVector.fromArray(F, s, o + j).add(FloatVector.fromArray(F, bias, j));
            x.intoArray(s, o + j);
            max = max.max(x);
        }
        float m = max.reduceLanes(VectorOperators.MAX);
        for (int j = 0; j < tp; j += L) {
            FloatVector.fromArray(F, s, o + j).sub(m).lanewise(VectorOperators.EXP).intoArray(s, o + j);
        }
        // summed in a loop of its own: a vector live across the exp call would be spilled around it
        FloatVector sum = FloatVector.zero(F);
        for (int j = 0; j < tp; j += L) {
            sum = sum.add(FloatVector.fromArray(F, s, o + j));
        }
        float inv = 1f / sum.reduceLanes(VectorOperators.ADD);
        for (int j = 0; j < tp; j += L) {
            FloatVector.fromArray(F, s, o + j).mul(inv).intoArray(s, o + j);
        }
    }

    /**
     * Row at offset o: ds = p * (ds - sum(p * ds)) * scale over the seq real columns (the padding columns of
     * ds are set to 0 so the products over positions can run to the padded width).
     */
    private static void softmaxBackwardRow(float[] p, float[] ds, int o, int seq, float scale) {
        int j = 0;
        FloatVector acc = FloatVector.zero(F);
        for (; j + L <= seq; j += L) {
            acc = FloatVector.fromArray(F, p, o + j).fma(FloatVector.fromArray(F, ds, o + j), acc);
        }
        float dot = acc.reduceLanes(VectorOperators.ADD);
        for (; j < seq; j++) {
            dot += p[o + j] * ds[o + j];
        }
        j = 0;
        for (; j + L <= seq; j += L) {
            FloatVector pv = FloatVector.fromArray(F, p, o + j);
            FloatVector.fromArray(F, ds, o + j).sub(dot).mul(pv).mul(scale).intoArray(ds, o + j);
        }
        for (; j < seq; j++) {
            ds[o + j] = p[o + j] * (ds[o + j] - dot) * scale;
        }
    }

    // ------------------------------------------------------------------ products

    /**
     * {@code c[i, j] = sum_{k < kd} a[i·ars + k·acs] · b[k·ldb + j]} for i < m, j < n (c rows of stride ldc).
     * m must be a multiple of 4 and n of the vector width (the block arrays are padded so); a is read with
     * arbitrary strides, so a transposed operand needs no copy. Register-blocked: 4 rows × up to 4 vectors.
     */
    static void product(float[] a, int ars, int acs, float[] b, int ldb, float[] c, int ldc, int m, int n, int kd) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            for (int i = 0; i < m; i += 4) {
                block4x4(a, ars, acs, b, ldb, c, ldc, i, j, kd);
            }
        }
        for (; j + 2 * L <= n; j += 2 * L) {
            for (int i = 0; i < m; i += 4) {
                block4x2(a, ars, acs, b, ldb, c, ldc, i, j, kd);
            }
        }
        for (; j < n; j += L) {
            for (int i = 0; i < m; i += 4) {
                block4x1(a, ars, acs, b, ldb, c, ldc, i, j, kd);
            }
        }
    }

    private static void block4x4(float[] a, int ars, int acs, float[] b, int ldb, float[] c, int ldc, int i, int j,
                                 int kd) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a0 = i * ars;
        for (int k = 0; k < kd; k++) {
            int bo = k * ldb + j;
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, b, bo + 3 * L);
            int ao = a0 + k * acs;
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(F, a[ao + ars]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(F, a[ao + 2 * ars]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(F, a[ao + 3 * ars]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        int o = i * ldc + j;
        c00.intoArray(c, o);
        c01.intoArray(c, o + L);
        c02.intoArray(c, o + 2 * L);
        c03.intoArray(c, o + 3 * L);
        o += ldc;
        c10.intoArray(c, o);
        c11.intoArray(c, o + L);
        c12.intoArray(c, o + 2 * L);
        c13.intoArray(c, o + 3 * L);
        o += ldc;
        c20.intoArray(c, o);
        c21.intoArray(c, o + L);
        c22.intoArray(c, o + 2 * L);
        c23.intoArray(c, o + 3 * L);
        o += ldc;
        c30.intoArray(c, o);
        c31.intoArray(c, o + L);
        c32.intoArray(c, o + 2 * L);
        c33.intoArray(c, o + 3 * L);
    }

    private static void block4x2(float[] a, int ars, int acs, float[] b, int ldb, float[] c, int ldc, int i, int j,
                                 int kd) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = i * ars;
        for (int k = 0; k < kd; k++) {
            int bo = k * ldb + j;
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            int ao = a0 + k * acs;
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[ao + ars]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[ao + 2 * ars]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[ao + 3 * ars]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int o = i * ldc + j;
        c00.intoArray(c, o);
        c01.intoArray(c, o + L);
        o += ldc;
        c10.intoArray(c, o);
        c11.intoArray(c, o + L);
        o += ldc;
        c20.intoArray(c, o);
        c21.intoArray(c, o + L);
        o += ldc;
        c30.intoArray(c, o);
        c31.intoArray(c, o + L);
    }

    private static void block4x1(float[] a, int ars, int acs, float[] b, int ldb, float[] c, int ldc, int i, int j,
                                 int kd) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        int a0 = i * ars;
        for (int k = 0; k < kd; k++) {
            FloatVector b0 = FloatVector.fromArray(F, b, k * ldb + j);
            int ao = a0 + k * acs;
            c0 = FloatVector.broadcast(F, a[ao]).fma(b0, c0);
            c1 = FloatVector.broadcast(F, a[ao + ars]).fma(b0, c1);
            c2 = FloatVector.broadcast(F, a[ao + 2 * ars]).fma(b0, c2);
            c3 = FloatVector.broadcast(F, a[ao + 3 * ars]).fma(b0, c3);
        }
        int o = i * ldc + j;
        c0.intoArray(c, o);
        c1.intoArray(c, o + ldc);
        c2.intoArray(c, o + 2 * ldc);
        c3.intoArray(c, o + 3 * ldc);
    }
}
