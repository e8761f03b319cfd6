package org.sentence4j.graphs.text;

import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tokenised batch, padded to its longest sequence: what a tokenizer produces and an encoder consumes.
 *
 * @param inputIds      token ids [batch, seq], INT64
 * @param attentionMask 1 for real tokens, 0 for padding [batch, seq], INT64
 * @param tokenTypeIds  segment ids [batch, seq], INT64 (all 0 for single sentences)
 * @param promptLength  the first this many positions of every row (the leading special token and a prompt's
 *                      tokens) are left out of the pooled embedding, as sentence-transformers' Pooling with
 *                      {@code include_prompt = false}; 0 pools every real token
 */
public record TokenBatch(INDArray inputIds, INDArray attentionMask, INDArray tokenTypeIds, int promptLength) {

    /** A batch whose every real token is pooled. */
    public TokenBatch(INDArray inputIds, INDArray attentionMask, INDArray tokenTypeIds) {
        this(inputIds, attentionMask, tokenTypeIds, 0);
    }

    /** The same batch with the first {@code length} positions left out of pooling. */
    public TokenBatch withPromptLength(int length) {
        return new TokenBatch(inputIds, attentionMask, tokenTypeIds, length);
    }

    /**
     * Per row, one past its last real token (attention mask not 0); 0 for a row without tokens. Padding follows
     * the tokens in practice, so this is the row's own length; a masked position before the last token (a hole)
     * stays inside.
     */
    public int[] lengths() {
        long[][] mask = attentionMask.castTo(org.nd4j.linalg.api.buffer.DataType.INT64).toLongMatrix();
        int[] lengths = new int[mask.length];
        for (int i = 0; i < mask.length; i++) {
            int n = mask[i].length;
            while (n > 0 && mask[i][n - 1] == 0) {
                n--;
            }
            lengths[i] = n;
        }
        return lengths;
    }

    public TokenBatch {
        if (promptLength < 0) {
            throw new IllegalArgumentException("promptLength must be >= 0, not " + promptLength);
        }
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(attentionMask, "attentionMask");
        Objects.requireNonNull(tokenTypeIds, "tokenTypeIds");
        if (inputIds.rank() != 2 || !java.util.Arrays.equals(inputIds.shape(), attentionMask.shape())
                || !java.util.Arrays.equals(inputIds.shape(), tokenTypeIds.shape())) {
            throw new IllegalArgumentException("input ids, attention mask and token type ids must share one [batch, seq] shape");
        }
    }

    public int batchSize() {
        return (int) inputIds.size(0);
    }

    public int sequenceLength() {
        return (int) inputIds.size(1);
    }
}
