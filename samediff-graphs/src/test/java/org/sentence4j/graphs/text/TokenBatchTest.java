package org.sentence4j.graphs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** {@link TokenBatch#lengths}: per row, one past its last real token, a hole in the mask kept inside. */
class TokenBatchTest {

    @Test
    void lengthsAreOnePastTheLastToken() {
        long[][] mask = {{1, 1, 0, 0}, {1, 0, 1, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}};
        TokenBatch batch = new TokenBatch(Nd4j.createFromArray(mask), Nd4j.createFromArray(mask), Nd4j.zeros(4, 4).castTo(
                org.nd4j.linalg.api.buffer.DataType.INT64));
        assertArrayEquals(new int[] {2, 3, 0, 4}, batch.lengths());
    }
}
