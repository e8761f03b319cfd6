package org.sentence4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sentence4j.graphs.SentenceEncoder;

/**
 * Where executors get a model from. A source is small and serializable: it travels in every task's closure,
 * and each executor JVM loads the model it names once ({@link ExecutorModels}).
 * <ul>
 * <li>{@link #defaultModel()}: the embedded all-MiniLM-L6-v2, which every executor has in its jar;</li>
 * <li>{@link #folder(String)}: a model folder at a path every executor can read (a shared file system);</li>
 * <li>{@link #shipped(JavaSparkContext, ModelBundle)}: the folder's bytes, broadcast with the job, for
 * executors that see nothing of the driver's disk.</li>
 * </ul>
 */
public interface ModelSource extends Serializable {

    /** Identifies the model within a JVM: equal keys load equal models. */
    String key();

    /** Loads the model (on an executor, once per JVM through {@link ExecutorModels}). */
    SentenceEncoder load() throws IOException;

    /** The embedded default model. */
    static ModelSource defaultModel() {
        return new DefaultModelSource();
    }

    /** A model folder that every executor can read at this path. */
    static ModelSource folder(String path) {
        return new FolderSource(Objects.requireNonNull(path, "path"));
    }

    /** A model shipped with the job: the bundle is broadcast once and each executor loads it from memory. */
    static ModelSource shipped(JavaSparkContext sc, ModelBundle bundle) {
        return new ShippedSource(sc.broadcast(bundle));
    }

    /** The embedded all-MiniLM-L6-v2. */
    record DefaultModelSource() implements ModelSource {
        @Override
        public String key() {
            return "default:all-MiniLM-L6-v2";
        }

        @Override
        public SentenceEncoder load() throws IOException {
            return SentenceEncoder.defaultModel();
        }
    }

    /** A folder on a file system every executor reads. */
    record FolderSource(String path) implements ModelSource {
        @Override
        public String key() {
            return "folder:" + Path.of(path).toAbsolutePath().normalize();
        }

        @Override
        public SentenceEncoder load() throws IOException {
            return SentenceEncoder.load(Path.of(path));
        }
    }

    /** A bundle broadcast with the job. */
    record ShippedSource(Broadcast<ModelBundle> bundle) implements ModelSource {
        @Override
        public String key() {
            return "broadcast:" + bundle.id();
        }

        @Override
        public SentenceEncoder load() throws IOException {
            return bundle.value().open();
        }
    }
}
