package org.sentence4j.spark.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The driver-heap check that runs before a distributed run's first job. */
class DriverMemoryCheckTest {

    private static final long MINILM = 90_261_504L;

    @Test
    void aSmallHeapIsRefusedWithTheNumbersAndTheFix() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SparkStepRunner.checkDriverMemory(2 * MINILM, 2_147_483_648L, 3));
        assertTrue(e.getMessage().contains("too small for 3 task(s)") && e.getMessage().contains("181 MB")
                && e.getMessage().contains("SENTENCE4J_HEAP="), e.getMessage());
    }

    @Test
    void enoughHeapPasses() {
        assertDoesNotThrow(() -> SparkStepRunner.checkDriverMemory(MINILM, 4_000_000_000L, 4));
        // more tasks than result-getter threads cost no more driver memory
        assertDoesNotThrow(() -> SparkStepRunner.checkDriverMemory(MINILM, 2_000_000_000L, 64));
    }
}
