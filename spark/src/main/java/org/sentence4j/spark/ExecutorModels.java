package org.sentence4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

import org.sentence4j.graphs.SentenceEncoder;

/**
 * The models an executor JVM has loaded for encoding, one per {@link ModelSource#key()}: the first task that
 * needs a model loads it, every later task of any job on that JVM reuses it (a model is loaded once per
 * executor, not once per task or partition). {@link SentenceEncoder#encode} may be called by several task
 * threads at once, so one instance serves them all.
 */
public final class ExecutorModels {

    private static final ConcurrentHashMap<String, SentenceEncoder> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /** The model of this source in this JVM, loaded on first use. */
    public static SentenceEncoder get(ModelSource source) {
        return MODELS.computeIfAbsent(source.key(), k -> {
            try {
                return source.load();
            } catch (IOException e) {
                throw new UncheckedIOException("executor cannot load the model " + k + ": " + e.getMessage(), e);
            }
        });
    }

    /** Number of models loaded in this JVM (for tests and diagnostics). */
    public static int loaded() {
        return MODELS.size();
    }
}
