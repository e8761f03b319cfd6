package org.sentence4j.graphs.eager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The fused attention kernel working per sequence on its own length (one past its last token): the
 * same sequences padded to different batch lengths give bit-identical context rows and Q/K/V gradients (a block's
 * work depends on its sequence only), padding rows come out 0, and the result equals the kernel run over the
 * whole padded width with the padding masked (the earlier route) within float32 rounding, dropout included; on
 * packed rows (real tokens only, sequence after sequence) it gives the padded layout's result bit for bit.
 */
class AttentionKernelLengthsTest {

    private static final int HEADS = 3;
    private static final int HEAD = 24;
    private static final int HIDDEN = HEADS * HEAD;
    private static final int[] LENGTHS = {1, 17, 5, 0, 33, 16};

    private record Run(float[] ctx, float[] dqkv, float[] biasSums) {
    }

    /** Forward and backward over the sequences of LENGTHS padded to seq, per sequence or over the padded width. */
    private static Run run(int seq, boolean perSequence, boolean dropout, boolean hole) {
        return run(seq, perSequence, dropout, hole, false);
    }

    /** {@link #run(int, boolean, boolean, boolean)}; packed: Q/K/V, the context and their gradients as real rows only. */
    private static Run run(int seq, boolean perSequence, boolean dropout, boolean hole, boolean packed) {
        int batch = LENGTHS.length;
        Random random = new Random(11);
        float[] keyBias = new float[batch * seq];
        float[] qkv = new float[batch * seq * 3 * HIDDEN];
        float[] dctx = new float[batch * seq * HIDDEN];
        // values drawn per (sequence, position), so they do not depend on seq
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                boolean real = t < LENGTHS[b] && !(hole && b == 4 && t == 7);
                keyBias[b * seq + t] = real ? 0f : -1e9f;
                Random r = new Random(1000L * b + t);
                for (int c = 0; c < 3 * HIDDEN; c++) {
                    qkv[(b * seq + t) * 3 * HIDDEN + c] = t < LENGTHS[b] ? (float) r.nextGaussian() : 0f;
                }
                for (int c = 0; c < HIDDEN; c++) {
                    dctx[(b * seq + t) * HIDDEN + c] = real ? (float) r.nextGaussian() : 0f;
                }
            }
        }
        float[] bias = new float[3 * HIDDEN];
        for (int c = 0; c < bias.length; c++) {
            bias[c] = (float) random.nextGaussian() * 0.1f;
        }
        FloatBuffer mask = null;
        if (dropout) {
            float[] m = new float[batch * HEADS * seq * seq];
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < HEADS; h++) {
                    for (int q = 0; q < seq; q++) {
                        for (int k = 0; k < seq; k++) {
                            long key = ((b * 7L + h) * 101 + q) * 101 + k;
                            m[((b * HEADS + h) * seq + q) * seq + k] = new Random(key).nextFloat() < 0.1f ? 0f : 1f / 0.9f;
                        }
                    }
                }
            }
            mask = FloatBuffer.wrap(m);
        }
        // one past each sequence's last token (TokenBatch.lengths; the hole of row 4 lies inside)
        int[] lengths = perSequence ? LENGTHS.clone() : null;
        FloatBuffer probs = FloatBuffer.allocate(batch * HEADS * seq * seq);
        float[] ctx = new float[batch * seq * HIDDEN];
        java.util.Arrays.fill(ctx, Float.NaN);   // every row must be written
        int[] rowStart = null;
        if (packed) {
            // the real tokens only, each sequence's rows after the previous one's
            rowStart = new int[batch];
            for (int b = 1; b < batch; b++) {
                rowStart[b] = rowStart[b - 1] + LENGTHS[b - 1];
            }
            qkv = realRows(qkv, seq, 3 * HIDDEN);
            dctx = realRows(dctx, seq, HIDDEN);
            ctx = realRows(ctx, seq, HIDDEN);
        }
        AttentionKernel.forward(FloatBuffer.wrap(qkv), bias, mask, keyBias, probs, FloatBuffer.wrap(ctx), batch, seq, HEADS,
                HEAD, lengths, rowStart);
        float[] dqkv = new float[qkv.length];
        java.util.Arrays.fill(dqkv, Float.NaN);
        float[] sums = new float[batch * 3 * HIDDEN];
        AttentionKernel.backward(FloatBuffer.wrap(qkv), bias, probs, mask, FloatBuffer.wrap(dctx), FloatBuffer.wrap(dqkv),
                sums, batch, seq, HEADS, HEAD, lengths, rowStart);
        return new Run(ctx, dqkv, sums);
    }

    /** Rows [0, LENGTHS[b]) of every sequence, of a [batch·seq, width] array. */
    private static float[] realRows(float[] a, int seq, int width) {
        int total = java.util.Arrays.stream(LENGTHS).sum();
        float[] out = new float[total * width];
        int o = 0;
        for (int b = 0; b < LENGTHS.length; b++) {
            System.arraycopy(a, b * seq * width, out, o, LENGTHS[b] * width);
            o += LENGTHS[b] * width;
        }
        return out;
    }

    @Test
    void resultsDoNotDependOnThePaddingOfTheBatch() {
        if (!FastRoute.vectorKernels()) {
            throw new AssertionError("run the tests with --add-modules jdk.incubator.vector");
        }
        for (boolean dropout : new boolean[] {false, true}) {
            Run tight = run(33, true, dropout, false);
            Run wide = run(61, true, dropout, false);
            assertArrayEquals(realRows(tight.ctx(), 33, HIDDEN), realRows(wide.ctx(), 61, HIDDEN), "context");
            assertArrayEquals(realRows(tight.dqkv(), 33, 3 * HIDDEN), realRows(wide.dqkv(), 61, 3 * HIDDEN), "dQKV");
            assertArrayEquals(tight.biasSums(), wide.biasSums(), "bias sums");
            for (int b = 0; b < LENGTHS.length; b++) {
                for (int i = b * 61 * HIDDEN + LENGTHS[b] * HIDDEN; i < (b + 1) * 61 * HIDDEN; i++) {
                    assertEquals(0f, wide.ctx()[i], "padding row of the context");
                }
            }
        }
    }

    @Test
    void packedRowsGiveThePaddedLayoutsResultBitForBit() {
        for (boolean dropout : new boolean[] {false, true}) {
            Run padded = run(35, true, dropout, false);
            Run packed = run(35, true, dropout, false, true);
            assertArrayEquals(realRows(padded.ctx(), 35, HIDDEN), packed.ctx(), "context");
            assertArrayEquals(realRows(padded.dqkv(), 35, 3 * HIDDEN), packed.dqkv(), "dQKV");
            assertArrayEquals(padded.biasSums(), packed.biasSums(), "bias sums");
        }
    }

    @Test
    void equalsThePaddedWidthWithinRounding() {
        for (boolean hole : new boolean[] {false, true}) {
            Run perSequence = run(40, true, true, hole);
            Run padded = run(40, false, true, hole);
            assertClose(realRows(padded.ctx(), 40, HIDDEN), realRows(perSequence.ctx(), 40, HIDDEN), "context");
            assertClose(realRows(padded.dqkv(), 40, 3 * HIDDEN), realRows(perSequence.dqkv(), 40, 3 * HIDDEN), "dQKV");
            assertClose(padded.biasSums(), perSequence.biasSums(), "bias sums");
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        double scale = 0;
        for (float x : expected) {
            scale = Math.max(scale, Math.abs(x));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= 1e-6 * scale, what + ": " + worst + " (scale " + scale + ")");
    }
}
