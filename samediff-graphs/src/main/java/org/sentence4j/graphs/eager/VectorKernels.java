package org.sentence4j.graphs.eager;

/**
 * Whether the JDK's vector API ({@code jdk.incubator.vector}) is there: the module is in the boot layer (the JVM
 * was started with {@code --add-modules jdk.incubator.vector}, as the launcher and the test runner do). Whether
 * the vector kernels run is {@link FastRoute#vectorKernels()}'s decision (the CPU backend, the switches).
 *
 * <p>Why a separate check: the vector-API classes ({@link AttentionKernel}) fail to load without the module,
 * so callers ask here first and otherwise take the ND4J route, which computes the same values more slowly.
 * A library user who does not add the module loses speed, not function.
 */
public final class VectorKernels {

    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorKernels() {
    }

    /** {@link FastRoute#vectorKernels()}: kept for callers of the old name. */
    public static boolean enabled() {
        return FastRoute.vectorKernels();
    }

    /** True when the JVM has the {@code jdk.incubator.vector} module, whatever the switch says. */
    public static boolean moduleLoaded() {
        return MODULE;
    }
}
