package org.sentence4j.graphs.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment variables ND4J's native libraries read once, when they load, and that decide how fast the
 * encoder runs on a CPU: which OpenBLAS kernels run, and whether idle BLAS and OpenMP worker threads spin or
 * sleep. The {@code ./sentence4j} launcher exports them before the JVM starts; a library user's plain {@code java}
 * does not, so the library sets them itself, in this process, before ND4J loads ({@link #apply()}, called by the
 * classes through which a model is first built or loaded).
 *
 * <ul>
 *   <li>{@code OPENBLAS_CORETYPE}: the OpenBLAS bundled with ND4J does not pick its AVX-512 kernels by itself on
 *       recent Xeons; chosen from the CPU's flags in {@code /proc/cpuinfo} (avx512f: SkylakeX, avx2: Haswell),
 *       left to OpenBLAS otherwise.</li>
 *   <li>{@code OPENBLAS_THREAD_TIMEOUT=4}, {@code OMP_WAIT_POLICY=PASSIVE}: OpenBLAS and OpenMP workers sleep
 *       when idle instead of spinning on the cores the next op (or the Java kernels) needs.</li>
 * </ul>
 *
 * <p>A variable the user has set wins and is never touched; {@code -Dsentence4j.nativeSettings=false} turns the
 * whole thing off. The variables are set with the C library's {@code setenv} through JNA (on the class path with
 * DJL's tokenizers), on Linux only. When ND4J's natives are already loaded (the application used ND4J first), it
 * is too late: nothing is set and {@link #report()} says so, for the one-line hint of {@link FastRouteHint}.
 */
public final class NativeSettings {

    /** System property: {@code false} leaves the environment alone. */
    public static final String PROPERTY = "sentence4j.nativeSettings";

    private static final Logger LOG = LoggerFactory.getLogger(NativeSettings.class);

    /** What happened to one variable. */
    public enum Outcome {
        /** Set in this process by {@link #apply()}. */
        APPLIED,
        /** Already set by the user (environment or launcher): kept. */
        USER,
        /** ND4J's natives were loaded before {@link #apply()} ran: not set. */
        TOO_LATE,
        /** Not set: switched off, not Linux, or setenv not reachable. */
        SKIPPED
    }

    /** One variable, the value sentence4j wants, and what happened. */
    public record Setting(String name, String value, Outcome outcome) {
    }

    private static List<Setting> report;

    private NativeSettings() {
    }

    /** Sets the variables once per JVM (later calls return the first call's report). */
    public static synchronized List<Setting> apply() {
        if (report != null) {
            return report;
        }
        List<Setting> out = new ArrayList<>();
        boolean enabled = !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        boolean loaded = linux && nativesLoaded();
        for (String[] nv : wanted(cpuFlags())) {
            String name = nv[0];
            String value = nv[1];
            Outcome o;
            if (System.getenv(name) != null) {
                o = Outcome.USER;
            } else if (!enabled || !linux) {
                o = Outcome.SKIPPED;
            } else if (loaded) {
                o = Outcome.TOO_LATE;
            } else {
                o = CLibrary.setenv(name, value) ? Outcome.APPLIED : Outcome.SKIPPED;
            }
            out.add(new Setting(name, value, o));
        }
        report = List.copyOf(out);
        LOG.debug("native settings: {}", report);
        return report;
    }

    /** The report of {@link #apply()} (applying first if nothing has). */
    public static List<Setting> report() {
        return apply();
    }

    /** The variables and values sentence4j wants on a CPU with these flags. */
    static List<String[]> wanted(Set<String> cpuFlags) {
        List<String[]> w = new ArrayList<>();
        String core = cpuFlags.contains("avx512f") ? "SkylakeX" : cpuFlags.contains("avx2") ? "Haswell" : null;
        if (core != null) {
            w.add(new String[] {"OPENBLAS_CORETYPE", core});
        }
        w.add(new String[] {"OPENBLAS_THREAD_TIMEOUT", "4"});
        w.add(new String[] {"OMP_WAIT_POLICY", "PASSIVE"});
        return w;
    }

    /** The first processor's flags in {@code /proc/cpuinfo} (empty where there is none). */
    static Set<String> cpuFlags() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return Set.of();
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Stream.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).collect(Collectors.toSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** Whether OpenBLAS or ND4J's native library is mapped into this process already. */
    static boolean nativesLoaded() {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.anyMatch(l -> l.contains("libopenblas") || l.contains("libnd4jcpu") || l.contains("libjnind4jcpu"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The C library's {@code setenv}, through JNA, looked up only when needed. */
    private static final class CLibrary {
        static boolean setenv(String name, String value) {
            try {
                com.sun.jna.Function f = com.sun.jna.NativeLibrary.getInstance("c").getFunction("setenv");
                return f.invokeInt(new Object[] {name, value, 0}) == 0;
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("cannot set {} in this process: {}", name, e.toString());
                return false;
            }
        }
    }
}
