package org.sentence4j.losses;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

/** Helpers the loss families' unit tests share: inputs, float64 evaluation, error and config assertions. */
public final class LossTestSupport {

    /** Evaluates in float64, so that hand-computed values can be checked tightly. */
    public static final EmbeddingLossRunner RUNNER = new EmbeddingLossRunner(DataType.DOUBLE);

    private LossTestSupport() {
    }

    /** A DOUBLE array of the given shape filled with standard normal values from {@code new Random(seed)}. */
    public static INDArray random(long seed, long... shape) {
        Random r = new Random(seed);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /** Evaluates {@code loss} on the columns, with {@code labels} unless they are null. */
    public static LossEvaluation eval(SentenceLoss loss, INDArray labels, INDArray... columns) {
        LossBatch b = LossBatch.of(columns);
        if (labels != null) {
            b.withLabels(labels);
        }
        return RUNNER.evaluate(loss, b);
    }

    /** Asserts that evaluating fails with a {@link LossInputException}, and returns it. */
    public static LossInputException fails(SentenceLoss loss, INDArray labels, INDArray... columns) {
        return assertThrows(LossInputException.class, () -> eval(loss, labels, columns));
    }

    /** Asserts that {@code call} throws a {@link LossInputException} whose message contains every fragment. */
    public static LossInputException assertInputError(Executable call, String... fragments) {
        LossInputException e = assertThrows(LossInputException.class, call);
        assertMentions(e, fragments);
        return e;
    }

    /** Asserts that the message of {@code e} contains every part. */
    public static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    /** An insertion-ordered map from alternating keys and values. */
    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
