package org.sentence4j.graphs.sd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * How sentence4j runs SameDiff 1.0.0-M2.1's execution sessions so that memory stays bounded: the one place
 * where it changes SameDiff's array management.
 *
 * <p>Two defects of the stock behaviour, measured on a MiniLM training step (16 pairs × 64 tokens):
 * <ol>
 * <li>{@code SameDiff.calculateGradients*} switches release off on the gradient function
 * ({@code setEnableCache(false)}) before running it, so every activation and gradient of the step (2135
 * arrays, 3.75 GB) stays allocated until the step ends, and is then left to the garbage collector, which
 * runs only when JavaCPP's physical-memory cap is hit: resident memory climbs to the cap, and a step of 32
 * pairs dies under an 8 GB cap. {@link #gradientsAndOutputs} runs the same gradient function through its
 * ordinary {@code output} call with release on: arrays are handed back as soon as no pending op reads them
 * (peak 1.1 GB for 8 pairs instead of 2 GB, and no growth across steps).</li>
 * <li>Each session's {@link ArrayCacheMemoryMgr} keeps released arrays for reuse up to a quarter of
 * JavaCPP's {@code maxbytes}; {@link #apply} gives every session a cache bounded in bytes instead
 * ({@value #CACHE_MB_PROPERTY}, default {@value #DEFAULT_CACHE_MB} MB). Arrays beyond the budget are freed
 * at once (closed), not left to the garbage collector.</li>
 * </ol>
 */
public final class SessionMemory {

    /** System property: megabytes of released arrays one session may keep for reuse (0 = free at once). */
    public static final String CACHE_MB_PROPERTY = "sentence4j.memory.sessionCacheMb";
    /** Default of {@link #CACHE_MB_PROPERTY}. */
    public static final long DEFAULT_CACHE_MB = 256;

    /**
     * System property: run the garbage collector before every n-th training step (0 = never); unset, it runs
     * when resident memory has grown by {@link #GC_GROWTH_PROPERTY} megabytes since the last collection.
     */
    public static final String GC_EVERY_PROPERTY = "sentence4j.memory.gcEverySteps";
    /** System property: the growth of resident memory, in MB, that triggers a collection before a step (default 256). */
    public static final String GC_GROWTH_PROPERTY = "sentence4j.memory.gcGrowthMb";

    /** Resident memory right after the last collection {@link #beforeStep} ran (or first saw). */
    private static final AtomicLong RESIDENT_AFTER_GC = new AtomicLong(-1);

    private static final AtomicLong STEPS = new AtomicLong();
    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong PEAK = new AtomicLong();

    private SessionMemory() {
    }

    /** The configured cache budget of one session, in bytes. */
    public static long cacheBytes() {
        String v = System.getProperty(CACHE_MB_PROPERTY);
        long mb = v == null || v.isBlank() ? DEFAULT_CACHE_MB : Long.parseLong(v.trim());
        if (mb < 0) {
            throw new IllegalArgumentException(CACHE_MB_PROPERTY + " must be >= 0, not " + mb);
        }
        return mb * 1024 * 1024;
    }

    /**
     * {@code sd.calculateGradientsAndOutputs(feed, outputs, wrt)} with intermediate arrays released during the
     * run (see the class comment). Gradients are keyed by the names in {@code wrt}; variables that the loss
     * does not reach are absent, as with the stock call. The loss variable(s) must be set.
     */
    public static OutAndGrad gradientsAndOutputs(SameDiff sd, Map<String, INDArray> feed, Collection<String> outputs,
                                                 Collection<String> wrt) {
        if (sd.getFunction("grad") == null) {
            // SameDiff prints a line per op while it builds the gradient function: kept off the user's stdout
            SameDiffOutput.withoutOpMessages(() -> {
                sd.createGradFunction();
                return null;
            });
        }
        SameDiff grad = sd.getFunction("grad");
        grad.setEnableCache(true);
        apply(sd);
        List<String> names = new ArrayList<>(outputs);
        Map<String, String> gradientNames = new LinkedHashMap<>();
        for (String v : wrt) {
            SDVariable g = sd.getVariable(v).getGradient();
            if (g != null) {
                gradientNames.put(v, g.name());
                names.add(g.name());
            }
        }
        Map<String, INDArray> out = grad.output(feed, names.toArray(new String[0]));
        freeLeftovers(sd, grad, out.values(), feed.values());
        // the returned arrays leave the session's custody (the caller drops them; the garbage collector frees them)
        java.util.Set<Long> returned = new java.util.HashSet<>();
        for (INDArray a : out.values()) {
            if (a != null && returned.add(a.getId())) {
                uncount(a);
            }
        }
        Map<String, INDArray> values = new HashMap<>();
        for (String o : outputs) {
            values.put(o, out.get(o));
        }
        Map<String, INDArray> gradients = new HashMap<>();
        gradientNames.forEach((v, g) -> gradients.put(v, out.get(g)));
        return new OutAndGrad(values, gradients);
    }

    /**
     * Call before each training step: frees the arrays of earlier steps that nobody closes (gradients handed to
     * the optimizer, looked-up embeddings, the loss graph's outputs), which only the garbage collector can free.
     * Without a collection they would be freed only when JavaCPP's physical-memory cap is reached, and resident
     * memory would sit at the cap.
     *
     * <p>By default a collection runs when resident memory has grown by 256 MB (system property
     * {@value #GC_GROWTH_PROPERTY}) since the last one. A collection on every step (the earlier default) cost
     * 30-50 ms each, 8-11 % of a MiniLM CoSENT step at batch 16, while the eager encoder's buffers are reused and leave little garbage
     * (300 steps: 115 s and 1.76 GB peak with a collection every 10 steps, 101 s and 1.56 GB without any).
     * {@value #GC_EVERY_PROPERTY}{@code =n} runs one every n steps instead (0: never).
     */
    public static void beforeStep() {
        String every = System.getProperty(GC_EVERY_PROPERTY);
        if (every != null && !every.isBlank()) {
            long n = Long.parseLong(every.trim());
            if (n > 0 && STEPS.getAndIncrement() % n == 0) {
                System.gc();
            }
            return;
        }
        long growth = Long.getLong(GC_GROWTH_PROPERTY, 256L) << 20;
        long resident = org.bytedeco.javacpp.Pointer.physicalBytes();
        long base = RESIDENT_AFTER_GC.get();
        if (base < 0) {
            RESIDENT_AFTER_GC.compareAndSet(-1, resident);
        } else if (resident > base + growth) {
            System.gc();
            RESIDENT_AFTER_GC.set(org.bytedeco.javacpp.Pointer.physicalBytes());
        }
    }

    /**
     * {@code sd.output(feed, names)} with a bounded session and, after the run, the session's leftovers closed
     * (as for {@link #gradientsAndOutputs}): inference whose memory does not grow with the number of calls.
     */
    public static Map<String, INDArray> output(SameDiff sd, Map<String, INDArray> feed, String... names) {
        apply(sd);
        Map<String, INDArray> out = sd.output(feed, names);
        freeLeftovers(sd, sd, out.values(), feed.values());
        for (INDArray a : new java.util.IdentityHashMap<INDArray, Boolean>() {{
            out.values().forEach(x -> put(x, true));
        }}.keySet()) {
            if (a != null) {
                uncount(a);
            }
        }
        return out;
    }

    /**
     * Closes what the gradient session still holds after a run, except the returned arrays, the fed ones,
     * the graph's variables and constants, views, and arrays parked in the session cache; then forgets the
     * run's values (SameDiff clears them at the start of the next run anyway). Why: after the run the session
     * keeps about a third of the step's arrays (ones it never released: outputs of ops whose release the
     * dependency tracker does not reach), ~1 GB at 16 pairs × 64 tokens, alive until the next step replaces
     * them and then left to the garbage collector.
     */
    private static void freeLeftovers(SameDiff sd, SameDiff grad, Collection<INDArray> returned, Collection<INDArray> fed) {
        java.util.Set<Long> keep = new java.util.HashSet<>();
        returned.forEach(a -> keepBuffer(keep, a));
        fed.forEach(a -> keepBuffer(keep, a));
        for (SameDiff g : new SameDiff[] {sd, grad}) {
            for (SDVariable v : g.variables()) {
                if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE
                        || v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.CONSTANT) {
                    keepBuffer(keep, g.getArrForVarName(v.name()));
                }
            }
        }
        InferenceSession s = grad.getSessions().get(Thread.currentThread().getId());
        if (s == null) {
            return;
        }
        java.util.Set<Long> cached = new java.util.HashSet<>();
        SessionMemMgr m = s.getMmgr();
        if (m instanceof Bounded && ((Bounded) m).delegate instanceof ArrayCacheMemoryMgr) {
            ((ArrayCacheMemoryMgr) ((Bounded) m).delegate).getArrays().values()
                    .forEach(list -> list.forEach(a -> cached.add(a.getId())));
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (org.nd4j.autodiff.samediff.config.SDValue v : s.getNodeValueOutputs().values()) {
            if (v == null) {
                continue;
            }
            List<INDArray> arrays = v.getSdValueType() == org.nd4j.autodiff.samediff.config.SDValueType.LIST
                    ? v.getListValue() : java.util.Collections.singletonList(v.getTensorValue());
            for (INDArray a : arrays) {
                if (a == null || !seen.add(a.getId()) || a.wasClosed() || a.isView() || a.isEmpty()
                        || cached.contains(a.getId()) || keep.contains(a.data().address()) || !a.closeable()) {
                    continue;
                }
                uncount(a);
                a.close();
            }
        }
        s.getNodeValueOutputs().clear();
    }

    private static void keepBuffer(java.util.Set<Long> keep, INDArray a) {
        if (a != null && !a.isEmpty() && !a.wasClosed()) {
            keep.add(a.data().address());
            if (a.data().originalDataBuffer() != null) {
                keep.add(a.data().originalDataBuffer().address());
            }
        }
    }

    /**
     * Gives the current thread's sessions of {@code sd} and of its gradient function a bounded manager
     * (sessions that already have one are left alone; a missing session is created, as SameDiff would).
     */
    public static void apply(SameDiff sd) {
        applyTo(sd);
        SameDiff grad = sd.getFunction("grad");
        if (grad != null) {
            applyTo(grad);
        }
    }

    private static void applyTo(SameDiff sd) {
        Map<Long, InferenceSession> sessions = sd.getSessions();
        long thread = Thread.currentThread().getId();
        InferenceSession s = sessions.get(thread);
        if (s == null) {
            s = new InferenceSession(sd);
            sessions.put(thread, s);
        }
        if (!(s.getMmgr() instanceof Bounded)) {
            SessionMemMgr old = s.getMmgr();
            ArrayCacheMemoryMgr cache = new ArrayCacheMemoryMgr();
            cache.setMaxCacheBytes(cacheBytes());
            s.setMmgr(new Bounded(cache));
            if (old != null) {
                old.close();
            }
        }
    }

    /**
     * Diagnostics: bytes that bounded sessions allocated and still hold (not released to their cache, closed,
     * or returned by {@link #gradientsAndOutputs}). Outputs of plain {@code output} calls stay counted.
     */
    public static long liveBytes() {
        return LIVE.get();
    }

    /** Diagnostics: the largest {@link #liveBytes} since the last call (which restarts the measurement). */
    public static long peakBytesSinceLastCall() {
        return PEAK.getAndSet(LIVE.get());
    }

    /**
     * Bytes of each array counted in {@link #liveBytes}, by array id. Counting by id matters: in a graph with a
     * while loop, SameDiff's array cache hands out again array objects (same id, sometimes another size) that
     * this manager still counts as held (measured in MegaBatchMarginLoss's chunk loop). Summing sizes per
     * hand-out made the diagnostic grow with the number of iterations and drift from run to run; counted by id,
     * a run's arrays add up to zero once it has ended.
     */
    private static final Map<Long, Long> COUNTED = new java.util.concurrent.ConcurrentHashMap<>();

    private static INDArray allocated(INDArray a) {
        if (a != null && !a.isEmpty()) {
            long bytes = a.length() * a.dataType().width();
            Long before = COUNTED.put(a.getId(), bytes);
            PEAK.accumulateAndGet(LIVE.addAndGet(bytes - (before == null ? 0 : before)), Math::max);
        }
        return a;
    }

    private static void uncount(INDArray a) {
        Long bytes = COUNTED.remove(a.getId());
        if (bytes != null) {
            LIVE.addAndGet(-bytes);
        }
    }

    /** The bounded cache, counting what it hands out and gets back. */
    private static final class Bounded implements SessionMemMgr {
        private final SessionMemMgr delegate;

        Bounded(SessionMemMgr delegate) {
            this.delegate = delegate;
        }

        @Override
        public INDArray allocate(boolean detached, DataType dataType, long... shape) {
            return allocated(delegate.allocate(detached, dataType, shape));
        }

        @Override
        public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
            return allocated(delegate.allocate(detached, descriptor));
        }

        @Override
        public INDArray ulike(INDArray arr) {
            return allocated(delegate.ulike(arr));
        }

        @Override
        public INDArray dup(INDArray arr) {
            return allocated(delegate.dup(arr));
        }

        @Override
        public void release(INDArray array) {
            uncount(array);
            delegate.release(array);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
