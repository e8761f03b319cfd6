package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sentence4j.graphs.bert.EagerEncoderParityTest.assertClose;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.eager.VectorKernels;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * The fused float32 attention kernel (vector API) against the ND4J route in float64, at shapes where its
 * padding to whole vectors matters: sequence lengths that are and are not multiples of the vector width,
 * head sizes 32 (MiniLM), 16 and 24, right-padded rows (one of a single token), with and without dropout,
 * forward outputs and every parameter gradient. The ND4J route is itself checked against the SameDiff graph
 * in {@link EagerEncoderParityTest}.
 */
class FusedAttentionParityTest {

    @Test
    void theTestJvmHasTheVectorModule() {
        // the test runner adds jdk.incubator.vector; without it the tests below would compare the ND4J route
        // with itself and could not fail
        assertTrue(VectorKernels.enabled(), "run the tests with --add-modules jdk.incubator.vector");
    }

    @ParameterizedTest(name = "hidden {0}, heads {1}, seq {2}, dropout {3}")
    @CsvSource({"64, 2, 37, true", "64, 2, 64, true", "64, 4, 19, false", "48, 2, 50, true", "96, 3, 128, false"})
    void fusedFloat32MatchesFloat64(int hidden, int heads, int seq, boolean dropout) {
        BertConfig config = new BertConfig(50, hidden, 2, heads, 2 * hidden, 160, 2, 1e-12, "gelu", 0.1, 0.1);
        BertWeights w = BertInitializer.gaussian(config, 21, 0.3);
        TokenBatch batch = batch(seq, 5);
        Nd4j.getRandom().setSeed(3);
        INDArray r = Nd4j.randn(DataType.DOUBLE, batch.batchSize(), hidden);

        EagerEncoder reference = BertEncoder.builder(config).weights(w).dataType(DataType.DOUBLE).build().eager();
        DropoutMasks m64 = dropout ? DropoutMasks.sample(config, 2, batch.batchSize(), seq, 7, DataType.DOUBLE) : DropoutMasks.none();
        EagerEncoder.Pass p64 = reference.forward("c", batch, 2, m64, true, false);
        Map<String, INDArray> expected = reference.zeroGradients();
        reference.backward(p64, r, List.of(), expected);

        EagerEncoder fused = BertEncoder.builder(config).weights(w).dataType(DataType.FLOAT).build().eager();
        DropoutMasks m32 = dropout ? DropoutMasks.sample(config, 2, batch.batchSize(), seq, 7, DataType.FLOAT) : DropoutMasks.none();
        EagerEncoder.Pass p32 = fused.forward("c", batch, 2, m32, true, false);
        assertClose(p64.sentenceEmbedding(), p32.sentenceEmbedding(), 1e-5, "sentence embedding");
        Map<String, INDArray> grads = fused.zeroGradients();
        fused.backward(p32, r.castTo(DataType.FLOAT), List.of(), grads);
        for (String name : expected.keySet()) {
            assertClose(expected.get(name), grads.get(name), 3e-5, "gradient of " + name);
        }
        // inference (no kept activations) gives the training pass's output when there is no dropout
        if (!dropout) {
            assertClose(p64.sentenceEmbedding(), fused.forward("i", batch, 2, DropoutMasks.none(), false, false)
                    .sentenceEmbedding(), 1e-5, "inference embedding");
        }
    }

    /** Five rows: full length, one token, and three random lengths; random ids and token types. */
    private static TokenBatch batch(int seq, long seed) {
        Random rnd = new Random(seed);
        int rows = 5;
        long[][] ids = new long[rows][seq];
        long[][] types = new long[rows][seq];
        int[] lengths = {seq, 1, 1 + rnd.nextInt(seq), 1 + rnd.nextInt(seq), 1 + rnd.nextInt(seq)};
        for (int i = 0; i < rows; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                ids[i][t] = 1 + rnd.nextInt(49);
                types[i][t] = t > lengths[i] / 2 ? 1 : 0;
            }
        }
        return TinyBert.batch(ids, types, lengths);
    }
}
