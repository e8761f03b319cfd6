package org.sentence4j.trainer.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.DropoutMasks;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.progress.ProgressBar;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * GradCache execution of one text column (Gao et al. 2021, "Scaling Deep Contrastive Learning Batch Size
 * under Memory Limited Setup"), as sentence-transformers' Cached* losses run it: the column's rows are split
 * into chunks; {@link #embed} runs each chunk forward without keeping activations; the trainer evaluates the
 * loss on the whole batch's embeddings; {@link #backward} runs each chunk forward again, now keeping its
 * activations, and back-propagates the chunk's rows of the embedding gradient. The result equals the plain
 * full-batch step (the loss sees every in-batch negative) while only one chunk's activations are alive.
 *
 * <p>Dropout: a chunk draws its masks from the column's seed with its first row as the row offset
 * ({@link DropoutMasks#sampleRealTokens(BertConfig, int, long, org.sentence4j.graphs.text.TokenBatch, long,
 * DataType)}), and both passes draw the same ones, so the embeddings the loss saw are the ones differentiated. Since a mask
 * unit is a function of its global row and position only, these are exactly the masks that the plain step draws
 * on those rows' real tokens: with dropout on, the cached step equals the plain step of the base loss, not
 * just in distribution (GradCacheTest). A chunk keeps only the positions up to its longest row (trailing
 * padding of the whole batch is cut), which also makes short chunks cheaper and changes nothing else. With the loss's
 * {@code show_progress_bar} each pass over a column's chunks shows a progress bar (rate and ETA), as
 * sentence-transformers' "Embed mini-batches".
 */
final class GradCache {

    /** Rows [from, to) of a column, cut to its longest row, with the column's dropout seed. */
    record Chunk(int from, int to, TokenBatch tokens, long dropoutSeed) {
    }

    private final BertConfig config;
    private final DataType dataType;
    private final int rowsPerChunk;
    private final Integer tokensPerChunk;
    /** Makes the progress bar of a pass (label, chunks), or null for none. */
    private java.util.function.BiFunction<String, Integer, ProgressBar> progress;

    /**
     * @param rowsPerChunk    {@code mini_batch_size}: rows per chunk
     * @param tokensPerChunk  {@code mini_batch_num_tokens}: when set, chunks are packed greedily with whole
     *                        rows up to this many real (non-padding) tokens, at least one row each
     * @param showProgressBar {@code show_progress_bar}: a progress bar over the chunks of each pass
     */
    GradCache(BertConfig config, DataType dataType, int rowsPerChunk, Integer tokensPerChunk, boolean showProgressBar) {
        if (rowsPerChunk <= 0) {
            throw new IllegalArgumentException("mini_batch_size must be > 0, got " + rowsPerChunk);
        }
        this.config = config;
        this.dataType = dataType;
        this.rowsPerChunk = rowsPerChunk;
        this.tokensPerChunk = tokensPerChunk;
        this.progress = showProgressBar ? (label, n) -> new ProgressBar(label, n, "mini-batches") : null;
    }

    /** Replaces how progress bars are made (tests write them to a buffer); null turns them off. */
    GradCache withProgress(java.util.function.BiFunction<String, Integer, ProgressBar> bars) {
        this.progress = bars;
        return this;
    }

    private ProgressBar bar(String label, int chunks) {
        return progress == null ? null : progress.apply(label, chunks);
    }

    /** The chunks of a column's batch; each draws its dropout masks from the column's seed at its own rows. */
    List<Chunk> chunks(TokenBatch tokens, long columnSeed) {
        int rows = tokens.batchSize();
        double[][] mask = tokens.attentionMask().castTo(DataType.DOUBLE).toDoubleMatrix();
        List<Chunk> chunks = new ArrayList<>();
        int from = 0;
        while (from < rows) {
            int to = from + 1;
            if (tokensPerChunk == null) {
                to = Math.min(rows, from + rowsPerChunk);
            } else {
                long budget = realTokens(mask[from]);
                while (to < rows && budget + realTokens(mask[to]) <= tokensPerChunk) {
                    budget += realTokens(mask[to]);
                    to++;
                }
            }
            chunks.add(new Chunk(from, to, slice(tokens, mask, from, to), columnSeed));
            from = to;
        }
        return chunks;
    }

    /** First pass: the column's sentence embeddings [rows, D], chunk by chunk, with dropout, nothing kept. */
    INDArray embed(EagerEncoder eager, List<Chunk> chunks, int rows) {
        INDArray out = null;
        try (ProgressBar bar = bar("Embed mini-batches", chunks.size())) {
            for (Chunk c : chunks) {
                INDArray e = eager.forward("gradcache", c.tokens(), config.numHiddenLayers(), masks(c), false, false)
                        .sentenceEmbedding();
                if (out == null) {
                    out = Nd4j.create(e.dataType(), rows, e.size(1));
                }
                out.get(NDArrayIndex.interval(c.from(), c.to()), NDArrayIndex.all()).assign(e);
                if (bar != null) {
                    bar.advance(1);
                }
            }
        }
        return out;
    }

    /** Second pass: each chunk again, back-propagating its rows of {@code dEmbeddings} into {@code grads}. */
    void backward(EagerEncoder eager, List<Chunk> chunks, INDArray dEmbeddings, Map<String, INDArray> grads) {
        try (ProgressBar bar = bar("Backward mini-batches", chunks.size())) {
            for (Chunk c : chunks) {
                EagerEncoder.Pass pass = eager.forward("gradcache", c.tokens(), config.numHiddenLayers(), masks(c), true, false);
                INDArray rows = dEmbeddings.get(NDArrayIndex.interval(c.from(), c.to()), NDArrayIndex.all()).dup();
                eager.backward(pass, rows, List.of(), grads);
                if (bar != null) {
                    bar.advance(1);
                }
            }
        }
    }

    /** Dropout on (training) or off (evaluation mode). */
    void dropout(boolean on) {
        this.dropout = on;
    }

    private boolean dropout = true;

    private DropoutMasks masks(Chunk c) {
        if (!dropout) {
            return DropoutMasks.none();
        }
        return DropoutMasks.sampleRealTokens(config, config.numHiddenLayers(), c.from(), c.tokens(), c.dropoutSeed(), dataType);
    }

    private static long realTokens(double[] maskRow) {
        long n = 0;
        for (double m : maskRow) {
            n += m != 0 ? 1 : 0;
        }
        return n;
    }

    /** Rows [from, to), cut after the last position that is real in any of them. */
    private static TokenBatch slice(TokenBatch tokens, double[][] mask, int from, int to) {
        int length = 1;
        for (int r = from; r < to; r++) {
            for (int t = mask[r].length - 1; t >= length; t--) {
                if (mask[r][t] != 0) {
                    length = t + 1;
                    break;
                }
            }
        }
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = {NDArrayIndex.interval(from, to),
                NDArrayIndex.interval(0, Math.min(length, tokens.sequenceLength()))};
        return new TokenBatch(tokens.inputIds().get(idx).dup(), tokens.attentionMask().get(idx).dup(),
                tokens.tokenTypeIds().get(idx).dup());
    }
}
