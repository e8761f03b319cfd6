package org.sentence4j.graphs.eager;

import java.util.Map;
import java.util.TreeMap;

/**
 * Wall-clock time per section of the eager encoder, when switched on with the system property
 * {@code sentence4j.eager.profile=true} (the benchmark's profile switch does it): each {@link #mark} charges
 * the time since the previous mark to the named section. Off, a mark costs one boolean test. The previous
 * mark is per thread, so passes on several threads each charge their own intervals (the totals then add up
 * to more than the wall-clock time).
 */
public final class SectionTimer {

    private static final boolean ENABLED = Boolean.getBoolean("sentence4j.eager.profile");
    private static final Map<String, long[]> TOTALS = new TreeMap<>();
    /** This thread's previous mark. */
    private static final ThreadLocal<long[]> LAST = ThreadLocal.withInitial(() -> new long[] {System.nanoTime()});

    private SectionTimer() {
    }

    /** Whether timing is on. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** Charges the time since the previous mark (or {@link #restart}) to {@code section}. */
    public static void mark(String section) {
        if (!ENABLED) {
            return;
        }
        long now = System.nanoTime();
        long[] last = LAST.get();
        synchronized (TOTALS) {
            long[] t = TOTALS.computeIfAbsent(section, k -> new long[2]);
            t[0] += now - last[0];
            t[1]++;
        }
        last[0] = now;
    }

    /** Starts a new interval without charging the time since the last mark to anything. */
    public static void restart() {
        LAST.get()[0] = System.nanoTime();
    }

    /** Milliseconds per section since the last {@link #reset}, and the calls counted. */
    public static String summary() {
        StringBuilder sb = new StringBuilder();
        synchronized (TOTALS) {
            long total = TOTALS.values().stream().mapToLong(t -> t[0]).sum();
            TOTALS.forEach((k, t) -> sb.append(String.format(java.util.Locale.ROOT, "  %-22s %8.1f ms %5.1f %% (%d calls)%n",
                    k, t[0] / 1e6, 100.0 * t[0] / Math.max(1, total), t[1])));
        }
        return sb.toString();
    }

    /** Clears the totals. */
    public static void reset() {
        synchronized (TOTALS) {
            TOTALS.clear();
        }
        restart();
    }
}
