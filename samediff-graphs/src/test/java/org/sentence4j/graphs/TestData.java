package org.sentence4j.graphs;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's {@code testdata/} folder, so that a fresh clone runs every test with nothing beside it.
 * Maven passes its path as {@code -Dsentence4j.testdata} (parent POM); a run without the property, e.g. from an
 * IDE, looks for {@code testdata/} next to a {@code pom.xml} from the working directory upwards. A property that
 * is set but names no directory is an error rather than a reason to look elsewhere, so that pointing the tests
 * at other data never silently falls back to the repository's copy.
 *
 * <p>Every module has its own copy of this small class: the modules share no test jar.
 */
public final class TestData {

    /** The system property holding the path of {@code testdata/}. */
    public static final String PROPERTY = "sentence4j.testdata";

    private TestData() {
    }

    /** The {@code testdata/} folder. */
    public static Path root() {
        String prop = System.getProperty(PROPERTY);
        // an IDE that copies Surefire's settings without Maven's interpolation leaves "${...}" in the value
        if (prop != null && !prop.isBlank() && !prop.contains("${")) {
            Path dir = fromRepositoryRoot(prop);
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + prop + " is not a directory (" + dir + ")");
            }
            return dir;
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p.resolve("testdata");
            }
        }
        throw new IllegalStateException("testdata/ not found in " + start + " or above it: run inside the "
                + "repository or set -D" + PROPERTY + "=<dir>");
    }

    /** {@code fixtures/st-models}: folders written by sentence-transformers 6.0.1 and their embeddings. */
    public static Path stModels() {
        return root().resolve("fixtures").resolve("st-models");
    }

    /**
     * A relative path given on Maven's command line is meant from the repository root ({@code sentence4j.root},
     * set by the parent POM), not from the module directory a test runs in.
     */
    private static Path fromRepositoryRoot(String value) {
        Path p = Path.of(value);
        String root = System.getProperty("sentence4j.root");
        if (!p.isAbsolute() && root != null && !root.isBlank() && !root.contains("${")) {
            p = Path.of(root).resolve(p);
        }
        return p.toAbsolutePath().normalize();
    }
}
