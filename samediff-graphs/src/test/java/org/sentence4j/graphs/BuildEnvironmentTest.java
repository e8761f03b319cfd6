package org.sentence4j.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The test JVM gets the settings the parent POM promises: BLAS kernels chosen from the CPU, an off-heap cap. */
class BuildEnvironmentTest {

    @Test
    void blasKernelsMatchTheCpu() throws IOException {
        String coretype = System.getenv("OPENBLAS_CORETYPE");
        assertNotNull(coretype, "the parent POM sets OPENBLAS_CORETYPE for tests");
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            String info = Files.readString(cpuinfo);
            String expected = info.contains(" avx512f") ? "SkylakeX" : info.contains(" avx2") ? "Haswell" : "Prescott";
            assertEquals(expected, coretype);
        }
    }

    @Test
    void offHeapMemoryIsCapped() {
        String cap = System.getProperty("org.bytedeco.javacpp.maxphysicalbytes");
        assertNotNull(cap, "the parent POM caps JavaCPP's off-heap memory for tests");
        assertTrue(Nd4j.getExecutioner() != null);
    }
}
