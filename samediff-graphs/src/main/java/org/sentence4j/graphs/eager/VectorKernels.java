package org.sentence4j.graphs.eager;

/**
 * Whether the kernels written with the JDK's vector API ({@code jdk.incubator.vector}) can run: the module is
 * in the boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector}, as the launcher and
 * the test runner do) and {@code -Dsentence4j.eager.noVectorKernels=true} is not set.
 *
 * <p>Why a separate check: the vector-API classes ({@link AttentionKernel}) fail to load without the module,
 * so callers ask here first and otherwise take the ND4J route, which computes the same values more slowly.
 * A library user who does not add the module loses speed, not function.
 */
public final class VectorKernels {

    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorKernels() {
    }

    /** True when the vector-API kernels are loaded and enabled (read on every call, so tests can switch it). */
    public static boolean enabled() {
        return MODULE && !Boolean.getBoolean("sentence4j.eager.noVectorKernels");
    }

    /** True when the JVM has the {@code jdk.incubator.vector} module, whatever the switch says. */
    public static boolean moduleLoaded() {
        return MODULE;
    }
}
