package org.sentence4j.graphs.eager;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.Locale;

import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place that decides whether sentence4j computes on an array's memory itself (the Java and vector-API
 * kernels, reading and writing through NIO views of the native buffer, and {@code cblas_sgemm} called on the
 * buffer's address) or leaves the work to ND4J ops. Every such call site asks here: the encoder's LayerNorm,
 * GELU and attention kernels, its matrix products ({@link Gemm}), the word-embedding scatter-add, the
 * dropout-mask draw, and the trainer's AdamW and gradient clipping.
 *
 * <p><b>The rule.</b> The fast route runs only on ND4J's CPU backend ({@code Nd4j.getEnvironment().isCPU()}),
 * where an array's buffer is ordinary host memory that every op reads and writes. On the CUDA backend an array
 * lives on the device with a host copy that ND4J synchronises only around its own ops: a write through a host
 * view is not seen by the device (and a device result not by the view), so the kernels would compute with
 * stale data and give wrong numbers without an error. There, and whenever {@code -Dsentence4j.route=nd4j} is
 * set, every computation goes through ND4J ops (the same numbers to float32 rounding, slower on the CPU).
 *
 * <p><b>Switches</b> (system properties, read at every call, so a test can switch them):
 * <ul>
 *   <li>{@value #ROUTE_PROPERTY} = {@code auto} (default: fast route on the CPU backend, ND4J elsewhere) or
 *       {@code nd4j} (ND4J everywhere; all switches below are then moot);</li>
 *   <li>{@code sentence4j.eager.noVectorKernels=true}: no vector-API kernels; the scalar Java loops over
 *       host memory still run (also the case when the JVM lacks {@code jdk.incubator.vector});</li>
 *   <li>{@code sentence4j.eager.noJavaKernels=true}: the encoder's LayerNorm, GELU and attention through ND4J
 *       ops (the other fast paths stay);</li>
 *   <li>{@code sentence4j.eager.noDirectBlas=true}: matrix products through {@code Nd4j.gemm}.</li>
 * </ul>
 */
public final class FastRoute {

    /** System property: {@code auto} (default) or {@code nd4j}, which forces the ND4J route on the CPU too. */
    public static final String ROUTE_PROPERTY = "sentence4j.route";

    private FastRoute() {
    }

    /** The backend facts, found once (the backend does not change within a JVM). */
    private static final class Backend {
        static final boolean CPU = cpu();
        static final boolean OPENBLAS = openBlas();

        private static boolean cpu() {
            try {
                return Nd4j.getEnvironment().isCPU();
            } catch (RuntimeException | LinkageError e) {
                return false; // no backend that says it is the CPU: take ND4J's route, which is always right
            }
        }

        private static boolean openBlas() {
            try {
                return Class.forName("org.bytedeco.openblas.global.openblas", false, FastRoute.class.getClassLoader()) != null;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
    }

    /** True on ND4J's CPU backend, whatever the switches say. */
    public static boolean cpuBackend() {
        return Backend.CPU;
    }

    /**
     * True when sentence4j may compute on arrays' host memory: the CPU backend and not {@code -Dsentence4j.route=nd4j}.
     * A clear error for a value of {@value #ROUTE_PROPERTY} other than {@code auto} or {@code nd4j}.
     */
    public static boolean enabled() {
        String v = System.getProperty(ROUTE_PROPERTY);
        if (v == null) {
            return Backend.CPU;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "", "auto":
                return Backend.CPU;
            case "nd4j":
                return false;
            default:
                throw new IllegalArgumentException(ROUTE_PROPERTY + " must be 'auto' or 'nd4j', not '" + v + "'");
        }
    }

    /** The vector-API kernels: the fast route, the module in the JVM, and not switched off. */
    public static boolean vectorKernels() {
        return enabled() && VectorKernels.moduleLoaded() && !Boolean.getBoolean("sentence4j.eager.noVectorKernels");
    }

    /** The encoder's Java kernels (LayerNorm, GELU, fused attention): the fast route, not switched off. */
    public static boolean encoderKernels() {
        return enabled() && !Boolean.getBoolean("sentence4j.eager.noJavaKernels");
    }

    /** {@code cblas_sgemm} on the arrays' memory: the fast route, OpenBLAS's bindings present, not switched off. */
    public static boolean directBlas() {
        return enabled() && Backend.OPENBLAS && !Boolean.getBoolean("sentence4j.eager.noDirectBlas");
    }

    /**
     * The native memory of a float32 array as an NIO view, for the kernels. Fails (rather than compute on a
     * buffer the device does not see) when the fast route is off: a call site that did not ask first.
     */
    public static FloatBuffer floats(INDArray a) {
        requireEnabled();
        return a.data().asNioFloat();
    }

    /** {@link #floats} for a float64 array. */
    public static DoubleBuffer doubles(INDArray a) {
        requireEnabled();
        return a.data().asNioDouble();
    }

    private static void requireEnabled() {
        if (!enabled()) {
            throw new IllegalStateException("a Java kernel asked for host memory while the ND4J route is in force (backend "
                    + (Backend.CPU ? "CPU" : "not CPU") + ", " + ROUTE_PROPERTY + "=" + System.getProperty(ROUTE_PROPERTY)
                    + "): its call site must ask FastRoute first");
        }
    }

    /**
     * Tells ND4J that these arrays were written through host views (the dropout-mask draw, which has no ND4J
     * form), so that a device backend copies them to the device before its next op reads them. Nothing to do
     * on the CPU backend.
     */
    public static void writtenOnHost(Collection<INDArray> arrays) {
        if (Backend.CPU) {
            return;
        }
        for (INDArray a : arrays) {
            Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
        }
    }
}
