package org.sentence4j.graphs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The natives' environment set in-process ({@link NativeSettings}) and the one-line hint ({@link FastRouteHint}),
 * checked where it matters: in fresh JVMs started without the launcher's environment, asking OpenBLAS itself
 * which kernels it chose.
 */
class NativeSettingsTest {

    @Test
    void valuesFollowTheCpu() {
        assertEquals("SkylakeX", value(NativeSettings.wanted(Set.of("avx2", "avx512f")), "OPENBLAS_CORETYPE"));
        assertEquals("Haswell", value(NativeSettings.wanted(Set.of("avx2")), "OPENBLAS_CORETYPE"));
        assertNull(value(NativeSettings.wanted(Set.of("sse2")), "OPENBLAS_CORETYPE"), "left to OpenBLAS");
        assertEquals("PASSIVE", value(NativeSettings.wanted(Set.of()), "OMP_WAIT_POLICY"));
        assertEquals("4", value(NativeSettings.wanted(Set.of()), "OPENBLAS_THREAD_TIMEOUT"));
    }

    @Test
    void theHintNamesTheFlagAndTheVariables() {
        List<NativeSettings.Setting> late = List.of(new NativeSettings.Setting("OPENBLAS_CORETYPE", "SkylakeX", NativeSettings.Outcome.TOO_LATE),
                new NativeSettings.Setting("OMP_WAIT_POLICY", "PASSIVE", NativeSettings.Outcome.USER));
        String both = FastRouteHint.hint(true, false, late);
        assertTrue(both.contains("--add-modules jdk.incubator.vector") && both.contains("OPENBLAS_CORETYPE=SkylakeX")
                && !both.contains("OMP_WAIT_POLICY") && !both.contains("\n"), both);
        assertNull(FastRouteHint.hint(true, true, List.of()), "nothing to say");
        assertNull(FastRouteHint.hint(false, false, late), "the ND4J route (CUDA): flags change nothing");
    }

    /** A fresh JVM without our environment: the library sets it before OpenBLAS loads, and OpenBLAS follows. */
    @Test
    void aPlainJvmGetsTheSettingsBeforeTheNativesLoad(@TempDir Path dir) throws Exception {
        String core = value(NativeSettings.wanted(NativeSettings.cpuFlags()), "OPENBLAS_CORETYPE");
        Map<String, String> out = probe(dir, Map.of(), false);
        assertEquals("APPLIED", out.get("OMP_WAIT_POLICY"), out.toString());
        assertEquals("APPLIED", out.get("OPENBLAS_THREAD_TIMEOUT"), out.toString());
        if (core != null) {
            assertEquals("APPLIED", out.get("OPENBLAS_CORETYPE"), out.toString());
            assertEquals(core.toLowerCase(), out.get("corename").toLowerCase(), "OpenBLAS runs the kernels chosen: " + out);
        }
    }

    /** A value the user set wins, and OpenBLAS runs it. */
    @Test
    void theUsersValueWins(@TempDir Path dir) throws Exception {
        Map<String, String> out = probe(dir, Map.of("OPENBLAS_CORETYPE", "Haswell"), false);
        assertEquals("USER", out.get("OPENBLAS_CORETYPE"), out.toString());
        assertEquals("haswell", out.get("corename").toLowerCase(), out.toString());
    }

    /** ND4J used before sentence4j: too late to set anything, and the hint says what to export. */
    @Test
    void afterNd4jLoadedItIsTooLateAndTheHintSaysSo(@TempDir Path dir) throws Exception {
        Map<String, String> out = probe(dir, Map.of(), true);
        assertEquals("TOO_LATE", out.get("OMP_WAIT_POLICY"), out.toString());
        String hint = out.get("hint");
        assertTrue(hint != null && hint.contains("OMP_WAIT_POLICY=PASSIVE") && hint.contains("export them"), out.toString());
    }

    private static String value(List<String[]> wanted, String name) {
        return wanted.stream().filter(nv -> nv[0].equals(name)).map(nv -> nv[1]).findFirst().orElse(null);
    }

    /** Runs {@link Probe} in a fresh JVM with the launcher's variables removed and {@code env} added. */
    private static Map<String, String> probe(Path dir, Map<String, String> env, boolean nd4jFirst) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), Boolean.toString(nd4jFirst)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        for (String v : List.of("OPENBLAS_CORETYPE", "OPENBLAS_THREAD_TIMEOUT", "OMP_WAIT_POLICY", "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS")) {
            pb.environment().remove(v);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe ends");
        String out = Files.readString(dir.resolve("out.txt"));
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(0, p.exitValue(), out + err);
        return out.lines().filter(l -> l.contains("=")).collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')),
                l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
    }

    /** OpenBLAS's own answer, from the library this process loaded (JavaCPP's bindings do not expose it). */
    static String coreName() throws java.io.IOException {
        String lib;
        try (var maps = Files.lines(Path.of("/proc/self/maps"))) {
            lib = maps.filter(l -> l.contains("libopenblas")).map(l -> l.substring(l.indexOf('/'))).findFirst().orElseThrow();
        }
        return com.sun.jna.NativeLibrary.getInstance(lib).getFunction("openblas_get_corename").invokeString(new Object[0], false);
    }

    /** The fresh JVM's side: builds the default model (optionally after using ND4J), prints what happened. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            if (Boolean.parseBoolean(args[0])) {
                org.nd4j.linalg.factory.Nd4j.create(2, 2); // the natives load here, before any sentence4j class
            }
            try (var model = org.sentence4j.graphs.SentenceEncoder.defaultModel()) {
                for (NativeSettings.Setting s : NativeSettings.report()) {
                    System.out.println(s.name() + "=" + s.outcome());
                }
                System.out.println("corename=" + coreName());
                String hint = FastRouteHint.hint(true, true, NativeSettings.report());
                System.out.println("hint=" + hint);
            }
        }
    }
}
