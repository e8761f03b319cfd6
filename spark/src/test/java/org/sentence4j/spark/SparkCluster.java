package org.sentence4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One real Spark cluster per test JVM: {@code local-cluster[2,1,3072]}, a Master and a Worker inside this JVM
 * and two executor JVMs of one core each, started on first use and stopped when the JVM exits (each start
 * costs seconds, the executors' first job loads ND4J). The settings are the command line's ({@link SparkSetup}).
 */
public final class SparkCluster {

    public static final String MASTER = "local-cluster[2,1,3072]";

    private static SparkSession session;

    private SparkCluster() {
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            try {
                // the Worker builds executor command lines from SPARK_HOME (Surefire sets it): an empty jars/ is enough
                Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SparkConf conf = SparkSetup.conf(MASTER, "sentence4j-tests", "3G")
                    .set("spark.executor.memory", "2g")
                    .set("spark.task.maxFailures", "4")
                    .set("spark.sql.shuffle.partitions", "4");
            session = SparkSession.builder().config(conf).getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
        }
        return session;
    }

    public static JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }
}
