package org.sentence4j.graphs;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only shared folder: the system property {@code sentence4j.shared} (set by the parent POM), else
 * a {@code shared} folder beside some parent of the working directory.
 */
public final class SharedFixtures {

    private SharedFixtures() {
    }

    public static Path shared() {
        String prop = System.getProperty("sentence4j.shared");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared");
            if (Files.isDirectory(candidate.resolve("fixtures"))) {
                return candidate;
            }
            Path sibling = p.resolveSibling("shared");
            if (p.getParent() != null && Files.isDirectory(sibling.resolve("fixtures"))) {
                return sibling;
            }
        }
        throw new IllegalStateException("shared folder not found: set -Dsentence4j.shared or put shared/ beside "
                + "the repository");
    }

    /** {@code shared/fixtures/st-models}. */
    public static Path stModels() {
        return shared().resolve("fixtures").resolve("st-models");
    }
}
