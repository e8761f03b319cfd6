package org.sentence4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.sentence4j.graphs.SentenceEncoder;

/**
 * A sentence-transformers model folder held in memory (relative path to bytes), so that a job can ship a model
 * to executors that cannot read the driver's disk: broadcast it once, and each executor JVM writes it to a
 * temporary folder and loads it as any other folder. The files are exactly what {@link SentenceEncoder#save}
 * writes, so every model the project loads can be shipped.
 */
public final class ModelBundle implements Serializable {

    private static final long serialVersionUID = 1L;

    private final LinkedHashMap<String, byte[]> files;

    private ModelBundle(LinkedHashMap<String, byte[]> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a model bundle needs at least one file");
        }
        this.files = files;
    }

    /** The model as it is now (its current weights), through a temporary folder that is deleted again. */
    public static ModelBundle of(SentenceEncoder model) throws IOException {
        Path tmp = Files.createTempDirectory("sentence4j-bundle");
        try {
            model.save(tmp);
            return of(tmp);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Every file of a model folder, subfolders included (e.g. {@code 1_Pooling/config.json}). */
    public static ModelBundle of(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("not a model folder: " + folder);
        }
        LinkedHashMap<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return new ModelBundle(files);
    }

    /** Loads the model: the files go to a temporary folder, which is deleted once the model has read them. */
    public SentenceEncoder open() throws IOException {
        Path tmp = Files.createTempDirectory("sentence4j-model");
        try {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path target = tmp.resolve(e.getKey()).normalize();
                if (!target.startsWith(tmp)) {
                    throw new IOException("a bundled file escapes the model folder: " + e.getKey());
                }
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue());
            }
            return SentenceEncoder.load(tmp);
        } finally {
            deleteTree(tmp);
        }
    }

    /** The files' relative paths. */
    public List<String> paths() {
        return List.copyOf(files.keySet());
    }

    /** Total size of the files in bytes. */
    public long bytes() {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete temporary folder " + root, e);
        }
    }
}
