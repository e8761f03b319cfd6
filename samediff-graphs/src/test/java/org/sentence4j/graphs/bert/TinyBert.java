package org.sentence4j.graphs.bert;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.text.TokenBatch;

/** The tiny configuration and batches the encoder tests share. */
final class TinyBert {

    /** vocab 20, hidden 8, 2 layers, 2 heads, intermediate 16, 16 positions, 2 token types. */
    static final BertConfig CONFIG = new BertConfig(20, 8, 2, 2, 16, 16, 2, 1e-12, "gelu", 0.1, 0.1);

    static final List<PoolingMode> ALL_MODES = List.of(PoolingMode.values());

    private TinyBert() {
    }

    static PoolingConfig allModes() {
        return new PoolingConfig(CONFIG.hiddenSize(), ALL_MODES, true);
    }

    /** Three right-padded rows of lengths 5, 3 and 2, repeated ids, both token types. */
    static TokenBatch paddedBatch() {
        return batch(new long[][] {{2, 5, 7, 5, 9}, {3, 11, 4, 0, 0}, {2, 19, 0, 0, 0}},
                new long[][] {{0, 0, 1, 1, 1}, {0, 1, 1, 0, 0}, {0, 0, 0, 0, 0}}, new int[] {5, 3, 2});
    }

    static TokenBatch batch(long[][] ids, long[][] types, int[] lengths) {
        long[][] mask = new long[ids.length][ids[0].length];
        for (int i = 0; i < ids.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                mask[i][t] = 1;
            }
        }
        return new TokenBatch(Nd4j.createFromArray(ids), Nd4j.createFromArray(mask), Nd4j.createFromArray(types));
    }

    /** Row {@code i} of a batch alone, cut to {@code length} tokens. */
    static TokenBatch row(TokenBatch b, int i, int length) {
        return new TokenBatch(cut(b.inputIds(), i, length), cut(b.attentionMask(), i, length), cut(b.tokenTypeIds(), i, length));
    }

    private static INDArray cut(INDArray a, int i, int length) {
        long[] row = new long[length];
        for (int t = 0; t < length; t++) {
            row[t] = a.getLong(i, t);
        }
        return Nd4j.createFromArray(new long[][] {row});
    }
}
