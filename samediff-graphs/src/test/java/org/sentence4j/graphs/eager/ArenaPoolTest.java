package org.sentence4j.graphs.eager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Which arena a pass gets, how many exist, and the limit on passes at once. */
class ArenaPoolTest {

    @Test
    void overlappingPassesGetDistinctArenasAndReuseThem() throws Exception {
        ArenaPool pool = withLimit("3", () -> new ArenaPool(DataType.FLOAT));
        Arena first = pool.acquire();
        Arena second = pool.acquire();
        Arena third = pool.acquire();
        assertNotSame(first, second);
        assertNotSame(second, third);
        assertNotSame(first, third);
        assertEquals(3, pool.arenas());
        // a fourth pass waits until one ends
        CompletableFuture<Arena> fourth = CompletableFuture.supplyAsync(pool::acquire);
        assertThrows(TimeoutException.class, () -> fourth.get(300, TimeUnit.MILLISECONDS));
        pool.release(second);
        assertSame(second, fourth.get(30, TimeUnit.SECONDS), "the idle spare is reused, no new arena");
        assertEquals(3, pool.arenas());
        pool.release(first);
        pool.release(third);
        pool.release(fourth.get());
        // alone again: the primary arena, whichever ran last
        Arena alone = pool.acquire();
        assertSame(first, alone, "the first pass had the primary arena, and a lone pass gets it back");
        pool.release(alone);
    }

    @Test
    void aTrainingPassHoldsThePrimaryArena() throws Exception {
        ArenaPool pool = withLimit("2", () -> new ArenaPool(DataType.FLOAT));
        Arena primary = pool.lockPrimary();
        try {
            Arena other = CompletableFuture.supplyAsync(pool::acquire).get(30, TimeUnit.SECONDS);
            assertNotSame(primary, other, "an inference pass on another thread does not share the training arena");
            pool.release(other);
        } finally {
            pool.unlockPrimary();
        }
    }

    @Test
    void releaseFreesIdleArenas() {
        ArenaPool pool = withLimit("2", () -> new ArenaPool(DataType.FLOAT));
        Arena a = pool.acquire();
        Arena b = pool.acquire();
        a.get("x", 1000);
        b.get("x", 500);
        assertEquals(6000, pool.bytes());
        pool.release(a);
        pool.release(b);
        pool.release();
        assertEquals(0, pool.bytes());
        assertEquals(1, pool.arenas(), "idle spares are dropped");
    }

    @Test
    void theLimitIsAWholeNumberOfAtLeastOne() {
        assertEquals(Runtime.getRuntime().availableProcessors(), withLimit(null, ArenaPool::maxPasses));
        assertEquals(5, withLimit(" 5 ", ArenaPool::maxPasses));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> withLimit("0", () -> new ArenaPool(DataType.FLOAT)));
        assertTrue(zero.getMessage().contains(ArenaPool.MAX_PASSES_PROPERTY + " must be >= 1"), zero.getMessage());
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class, () -> withLimit("two", ArenaPool::maxPasses));
        assertTrue(word.getMessage().contains("not 'two'"), word.getMessage());
    }

    private static <T> T withLimit(String value, java.util.function.Supplier<T> body) {
        if (value == null) {
            System.clearProperty(ArenaPool.MAX_PASSES_PROPERTY);
        } else {
            System.setProperty(ArenaPool.MAX_PASSES_PROPERTY, value);
        }
        try {
            return body.get();
        } finally {
            System.clearProperty(ArenaPool.MAX_PASSES_PROPERTY);
        }
    }
}
