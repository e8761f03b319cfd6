package org.sentence4j.graphs.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.sentence4j.graphs.eager.FastRoute;
import org.sentence4j.graphs.eager.VectorKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line, the first time a model is built, when this JVM runs the encoder slower than it could and only
 * the user can change that: the vector API module is missing (a JVM option, which no code can add once the JVM
 * runs), or ND4J's natives were loaded before {@link NativeSettings} could set their environment. The line names
 * the exact option or variables and what they cost, measured; nothing is logged when all is in place.
 */
public final class FastRouteHint {

    private static final Logger LOG = LoggerFactory.getLogger(FastRouteHint.class);
    private static final AtomicBoolean SHOWN = new AtomicBoolean();

    /** The vector-API flag, as a JVM option. */
    public static final String VECTOR_FLAG = "--add-modules jdk.incubator.vector";

    private FastRouteHint() {
    }

    /** Logs the hint once per JVM if there is something to say. */
    public static void onFirstUse() {
        if (SHOWN.get()) {
            return;
        }
        String hint = hint(FastRoute.enabled(), VectorKernels.moduleLoaded(), NativeSettings.report());
        if (hint != null && SHOWN.compareAndSet(false, true)) {
            LOG.warn(hint);
        }
    }

    /** The hint for these facts, or null when there is nothing to say. */
    static String hint(boolean fastRoute, boolean vectorModule, List<NativeSettings.Setting> settings) {
        if (!fastRoute) {
            return null; // the ND4J route by choice or backend (CUDA): the flags would change nothing
        }
        StringBuilder sb = new StringBuilder();
        if (!vectorModule) {
            sb.append("sentence4j: the JVM runs without the vector API, so the encoder's attention and element-wise"
                    + " kernels take the slower route (").append(VECTOR_COST).append("); add the JVM option '")
                    .append(VECTOR_FLAG).append("' (e.g. in JDK_JAVA_OPTIONS, or Surefire's argLine)");
        }
        String late = settings.stream().filter(s -> s.outcome() == NativeSettings.Outcome.TOO_LATE)
                .map(s -> s.name() + "=" + s.value()).collect(Collectors.joining(" "));
        if (!late.isEmpty()) {
            sb.append(sb.length() == 0 ? "sentence4j: " : "; also, ")
                    .append("ND4J's native libraries were loaded before sentence4j could set ").append(late)
                    .append(" (").append(SETTINGS_COST).append("): export them before the JVM starts, or build the first"
                            + " sentence4j model before other ND4J use");
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /**
     * Measured cost of running without the vector module: tools/plain-java-bench, STS Benchmark test's 2,758
     * sentences, 2 cores, 16.8 s without the flag vs 13.5 s with it (the launcher: 13.1 s).
     */
    static final String VECTOR_COST = "measured: encoding takes about 1.25x as long";
    /** Measured cost of the native settings missing: the same run, 28.8 s without them vs 16.8 s with them. */
    static final String SETTINGS_COST = "measured: encoding takes about 1.7x as long";
}
