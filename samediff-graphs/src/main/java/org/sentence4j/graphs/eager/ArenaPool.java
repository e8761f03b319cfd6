package org.sentence4j.graphs.eager;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The {@link Arena}s of one {@link EagerEncoder}, so that inference passes can run on several threads at once
 * while each pass has buffers no other pass touches.
 *
 * <p>Why a pool and not one arena per thread: an arena holds every intermediate of the largest batch it served
 * (about 250 MB for 32 MiniLM texts of 256 tokens), and a server's request threads are many and long-lived.
 * Here arenas exist only for passes that actually overlap: an inference pass borrows an arena for its duration
 * and gives it back, so a server with 200 threads and at most two passes at a time holds two arenas.
 *
 * <ul>
 *   <li>The <em>primary</em> arena also holds the activations that training passes keep for their backward
 *       pass. Training passes and backward passes lock it for their duration (training is single-threaded;
 *       the lock makes an inference pass from another thread wait instead of overwriting a scratch buffer in
 *       use). An inference pass takes the primary arena when it is free, so a single-threaded user has one
 *       arena, as before.</li>
 *   <li>When the primary arena is busy, an inference pass takes an idle spare arena or makes a new one. At
 *       most {@value #MAX_PASSES_PROPERTY} inference passes run at once (default: the number of processors);
 *       more wait for an arena. Every pass already spreads its products and kernels over all cores, so more
 *       passes than cores would add memory, not throughput.</li>
 * </ul>
 */
final class ArenaPool {

    /** System property: the most inference passes of one encoder that run at the same time. */
    static final String MAX_PASSES_PROPERTY = "sentence4j.encoder.maxConcurrentPasses";

    private final DataType dataType;
    private final Arena primary;
    private final ReentrantLock primaryLock = new ReentrantLock();
    private final Semaphore passes;
    private final ConcurrentLinkedDeque<Arena> idle = new ConcurrentLinkedDeque<>();
    private final Set<Arena> spares = ConcurrentHashMap.newKeySet();

    ArenaPool(DataType dataType) {
        this.dataType = dataType;
        this.primary = new Arena(dataType);
        this.passes = new Semaphore(maxPasses());
    }

    /** {@value #MAX_PASSES_PROPERTY}, or the number of processors; a clear error for a value below 1. */
    static int maxPasses() {
        String v = System.getProperty(MAX_PASSES_PROPERTY);
        if (v == null || v.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MAX_PASSES_PROPERTY + " must be a whole number >= 1, not '" + v + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(MAX_PASSES_PROPERTY + " must be >= 1, not " + n);
        }
        return n;
    }

    /** The primary arena, locked by this thread until {@link #unlockPrimary}: for training passes. */
    Arena lockPrimary() {
        primaryLock.lock();
        return primary;
    }

    void unlockPrimary() {
        primaryLock.unlock();
    }

    /**
     * An arena for one inference pass, for this thread alone until it is {@link #release}d: the primary
     * arena when no pass holds it, else an idle spare, else a new spare. Waits while the maximum number of
     * inference passes runs.
     */
    Arena acquire() {
        passes.acquireUninterruptibly();
        try {
            // a thread that holds the primary arena already (it is reentrant) gets another one
            if (!primaryLock.isHeldByCurrentThread() && primaryLock.tryLock()) {
                return primary;
            }
            Arena a = idle.pollFirst();
            if (a == null) {
                a = new Arena(dataType);
                spares.add(a);
            }
            return a;
        } catch (RuntimeException | Error e) {
            passes.release();
            throw e;
        }
    }

    /** Gives back an arena from {@link #acquire}. */
    void release(Arena a) {
        if (a == primary) {
            primaryLock.unlock();
        } else {
            idle.addFirst(a); // the most recently used spare first: its buffers are the warmest
        }
        passes.release();
    }

    /** Bytes held by every arena (a snapshot: arenas in use may be growing). */
    long bytes() {
        long total = primary.bytes();
        for (Arena a : spares) {
            total += a.bytes();
        }
        return total;
    }

    /** Number of arenas made so far (the primary included). */
    int arenas() {
        return 1 + spares.size();
    }

    /**
     * Frees the buffers of the primary arena (waiting for a pass that holds it) and drops the idle spares;
     * spares in use at the time keep theirs. Every arena grows again on demand.
     */
    void release() {
        primaryLock.lock();
        try {
            primary.release();
        } finally {
            primaryLock.unlock();
        }
        for (Arena a = idle.pollFirst(); a != null; a = idle.pollFirst()) {
            spares.remove(a);
            a.release();
        }
    }
}
