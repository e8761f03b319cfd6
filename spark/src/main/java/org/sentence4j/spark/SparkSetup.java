package org.sentence4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.spark.SparkConf;

/**
 * The Spark settings sentence4j needs, in one place, for the command line and the tests: Spark does the
 * rest (a cluster's own settings in {@code spark-defaults.conf} or on {@code spark-submit} are kept unless
 * named here).
 * <ul>
 * <li>executors get the JVM flags of the fast route ({@code --add-modules jdk.incubator.vector}) and ND4J's
 * off-heap cap, and the BLAS settings of the launcher in their environment;</li>
 * <li>{@code local} and {@code local-cluster} masters stay on the loopback interface, without the web UI;</li>
 * <li>{@code local-cluster[W,C,MB]} (executor JVMs on this machine, no Spark installation) gets this JVM's
 * class path for its executors; it needs {@code SPARK_HOME} to name a folder with a {@code jars/} folder,
 * which may be empty (the launcher sets one up).</li>
 * </ul>
 */
public final class SparkSetup {

    /** The executor flag that lets the vector kernels run (as the launcher and the tests use). */
    public static final String VECTOR_MODULE = "--add-modules jdk.incubator.vector";

    private SparkSetup() {
    }

    /**
     * A configuration for {@code master} named {@code appName}.
     *
     * @param executorOffHeap ND4J's off-heap cap in each executor, e.g. {@code 4G}
     */
    public static SparkConf conf(String master, String appName, String executorOffHeap) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        String javaOpts = VECTOR_MODULE + " -Dorg.bytedeco.javacpp.maxbytes=" + executorOffHeap
                + " -Dorg.bytedeco.javacpp.maxphysicalbytes=0 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn";
        String userOpts = conf.get("spark.executor.extraJavaOptions", "");
        conf.set("spark.executor.extraJavaOptions", (javaOpts + " " + userOpts).trim());
        for (String env : new String[] {"OPENBLAS_CORETYPE", "OPENBLAS_THREAD_TIMEOUT", "OMP_WAIT_POLICY"}) {
            String v = System.getenv(env);
            if (v != null && !conf.contains("spark.executorEnv." + env)) {
                conf.set("spark.executorEnv." + env, v);
            }
        }
        String m = master.toLowerCase(Locale.ROOT);
        if (m.startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        if (m.startsWith("local-cluster")) {
            String home = System.getenv("SPARK_HOME");
            if (home == null || !Files.isDirectory(Path.of(home, "jars"))) {
                throw new IllegalStateException("master " + master + " starts executor JVMs through a Spark Worker, which needs"
                        + " SPARK_HOME to name a folder with a jars/ subfolder (it may be empty) and SPARK_SCALA_VERSION=2.12;"
                        + " the ./sentence4j launcher sets both up. SPARK_HOME is " + (home == null ? "unset" : home));
            }
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            conf.setIfMissing("spark.executor.extraClassPath", classPath);
        }
        return conf;
    }
}
