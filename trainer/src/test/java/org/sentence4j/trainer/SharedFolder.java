package org.sentence4j.trainer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only {@code ../shared} folder beside the repository root, for every trainer test:
 * {@code -Dsentence4j.shared} (set by the parent POM), else found upwards from the working directory.
 */
public final class SharedFolder {

    private SharedFolder() {
    }

    public static Path dir() {
        String prop = System.getProperty("sentence4j.shared");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "datasets"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path cur = Path.of(System.getProperty("user.dir")).toAbsolutePath(); cur != null; cur = cur.getParent()) {
            Path candidate = cur.resolve("../shared").normalize();
            if (Files.isDirectory(candidate.resolve("datasets"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Shared folder not found: set -Dsentence4j.shared=<dir> (property was '"
                + prop + "', user.dir " + System.getProperty("user.dir") + ")");
    }

    /** {@code datasets/<sub>}. */
    public static Path datasets(String sub) {
        return dir().resolve("datasets").resolve(sub);
    }

    /** A sentence-transformers model folder of {@code fixtures/st-models}. */
    public static Path stModel(String name) {
        return dir().resolve("fixtures").resolve("st-models").resolve(name);
    }
}
