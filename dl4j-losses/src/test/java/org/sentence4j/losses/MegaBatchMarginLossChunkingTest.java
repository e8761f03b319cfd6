package org.sentence4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.sd.SessionMemory;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

/**
 * MegaBatchMarginLoss's mini-batched version builds its score matrix in chunks of {@code mini_batch_size}
 * anchor rows (a forward-only while loop) and supplies the negative term's gradient itself: its value and
 * embedding gradients equal the full-batch version's for chunk sizes that do and do not divide the batch, B = 1
 * and 2, inside MatryoshkaLoss, and against central differences; and the loss graph's arrays no longer grow
 * with B².
 */
class MegaBatchMarginLossChunkingTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();

    private static INDArray random(long seed, long rows, long dim, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, dim).castTo(type);
    }

    private static SentenceLoss megaBatch(boolean miniBatched, int miniBatchSize, Map<String, Object> margins) {
        Map<String, Object> o = new java.util.LinkedHashMap<>(margins);
        o.put("use_mini_batched_version", miniBatched);
        o.put("mini_batch_size", miniBatchSize);
        return REGISTRY.create("MegaBatchMarginLoss", o);
    }

    /** max |a - b| over the loss and every column gradient, relative to the largest entry. */
    private static double difference(LossEvaluation a, LossEvaluation b) {
        double worst = Math.abs(a.loss() - b.loss()) / Math.max(1e-300, Math.abs(a.loss()));
        for (int c = 0; c < a.gradColumns().size(); c++) {
            INDArray x = a.gradColumns().get(c).castTo(DataType.DOUBLE);
            INDArray y = b.gradColumns().get(c).castTo(DataType.DOUBLE);
            double scale = Math.max(1e-12, x.amaxNumber().doubleValue());
            worst = Math.max(worst, x.sub(y).amaxNumber().doubleValue() / scale);
        }
        return worst;
    }

    @Test
    void chunkedEqualsFullBatchForEveryChunkSize() {
        // margins that put most rows on the active side of both hinges, so that both gradients are exercised
        Map<String, Object> margins = Map.of("positive_margin", 0.9, "negative_margin", -0.2);
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
            EmbeddingLossRunner runner = new EmbeddingLossRunner(type);
            for (int rows : new int[] {1, 2, 7, 23}) {
                LossBatch batch = LossBatch.of(random(rows, rows, 6, type), random(rows + 100, rows, 6, type));
                LossEvaluation full = runner.evaluate(megaBatch(false, 50, margins), batch);
                assertTrue(full.gradColumns().get(1).amaxNumber().doubleValue() > 0 || rows == 1);
                for (int chunk : new int[] {1, 3, 7, 50}) {
                    LossEvaluation chunked = runner.evaluate(megaBatch(true, chunk, margins), batch);
                    double d = difference(full, chunked);
                    assertTrue(d <= tolerance, type + " B " + rows + " mini_batch_size " + chunk + ": " + d);
                }
            }
        }
    }

    @Test
    void chunkedInsideMatryoshkaEqualsFullBatch() {
        EmbeddingLossRunner runner = new EmbeddingLossRunner(DataType.DOUBLE);
        LossBatch batch = LossBatch.of(random(1, 9, 8, DataType.DOUBLE), random(2, 9, 8, DataType.DOUBLE));
        Map<String, Object> dims = Map.of("matryoshka_dims", List.of(8, 4, 2));
        LossEvaluation full = runner.evaluate(REGISTRY.create(new LossSpec("MatryoshkaLoss", dims,
                LossSpec.of("MegaBatchMarginLoss", Map.of("use_mini_batched_version", false)))), batch);
        LossEvaluation chunked = runner.evaluate(REGISTRY.create(new LossSpec("MatryoshkaLoss", dims,
                LossSpec.of("MegaBatchMarginLoss", Map.of("mini_batch_size", 4)))), batch);
        assertTrue(difference(full, chunked) <= 1e-12, "difference " + difference(full, chunked));
    }

    @Test
    void chunkedGradientMatchesFiniteDifferences() {
        SentenceLoss loss = megaBatch(true, 3, Map.of("positive_margin", 0.9, "negative_margin", -0.2));
        LossBatch batch = LossBatch.of(random(5, 7, 4, DataType.DOUBLE), random(6, 7, 4, DataType.DOUBLE));
        EmbeddingLossRunner.Prepared p = new EmbeddingLossRunner(DataType.DOUBLE).prepare(loss, batch);
        LossEvaluation analytic = p.evaluate();
        for (int c = 0; c < 2; c++) {
            INDArray x = batch.columns().get(c).dup();
            INDArray grad = analytic.gradColumns().get(c).reshape(-1);
            for (long i = 0; i < x.length(); i++) {
                double numeric = FiniteDifferenceGradientTest.centralDifference(p, p.columnInputs().get(c), x, i);
                assertEquals(numeric, grad.getDouble(i), 1e-6 + 1e-5 * Math.abs(numeric), "column " + c + " entry " + i);
            }
        }
    }

    /**
     * B = 1024 rows of dimension 16: the full-batch graph holds several B×B arrays (4 MB each in float32) at once;
     * the chunked one, with chunks of 32 rows, holds [32, B] pieces and B×D arrays.
     */
    /**
     * Peak bytes of the loss graph's session arrays (value and gradients), measured as
     * {@link SessionMemory#peakBytesSinceLastCall} above what was held before the run.
     */
    private static long sessionPeak(SentenceLoss loss, int rows) {
        LossBatch batch = LossBatch.of(random(7, rows, 16, DataType.FLOAT), random(8, rows, 16, DataType.FLOAT));
        long before = SessionMemory.liveBytes();
        SessionMemory.peakBytesSinceLastCall();
        new EmbeddingLossRunner(DataType.FLOAT).evaluate(loss, batch);
        return SessionMemory.peakBytesSinceLastCall() - before;
    }

    /**
     * Doubling the batch doubles the chunked graph's peak (chunks of 32 rows: [32, B] pieces and B×D arrays) and
     * quadruples the full-batch graph's (several B×B arrays at once). Measured: B = 1024 and 2048, chunked
     * 1.2 and 2.3 MB, full 34 and 135 MB (one B×B float32 array is 4.2 and 16.8 MB).
     */
    @Test
    void chunkedGraphMemoryDoesNotGrowWithTheSquareOfTheBatch() {
        long[] full = new long[2];
        long[] chunked = new long[2];
        int[] rows = {1024, 2048};
        for (int i = 0; i < 2; i++) {
            full[i] = sessionPeak(megaBatch(false, 32, Map.of()), rows[i]);
            chunked[i] = sessionPeak(megaBatch(true, 32, Map.of()), rows[i]);
            System.out.printf("MegaBatchMarginLoss B=%d: session peak full %.1f MB, mini-batched %.1f MB%n", rows[i],
                    full[i] / 1e6, chunked[i] / 1e6);
        }
        long square = 4L * rows[1] * rows[1];
        assertTrue(full[1] >= square, "the full-batch graph holds a B×B array: " + full[1]);
        assertTrue(chunked[1] < square / 4, "mini-batched peak " + chunked[1] + " bytes, one B×B array is " + square);
        assertTrue(full[1] > 3.5 * full[0], "full-batch peaks " + full[0] + " -> " + full[1]);
        assertTrue(chunked[1] < 2.5 * chunked[0], "mini-batched peaks " + chunked[0] + " -> " + chunked[1]);
    }
}
