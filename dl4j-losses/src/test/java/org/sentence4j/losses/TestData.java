package org.sentence4j.losses;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's {@code testdata/} folder and the loss fixtures in it, so that a fresh clone runs every
 * test with nothing beside it. Maven passes the paths as {@code -Dsentence4j.testdata} and {@code -Dfixtures.losses}
 * (parent POM); a run without them, e.g. from an IDE, looks for {@code testdata/} next to a {@code pom.xml} from
 * the working directory upwards. A property that is set but names no directory is an error rather than a reason
 * to look elsewhere: a mistyped {@code -Dfixtures.losses} must not quietly test the repository's cases instead.
 *
 * <p>Every module has its own copy of this small class: the modules share no test jar.
 */
public final class TestData {

    /** The system property holding the path of {@code testdata/}. */
    public static final String PROPERTY = "sentence4j.testdata";
    /** The system property naming another loss-fixture directory (e.g. a second set with the same format). */
    public static final String LOSSES_PROPERTY = "fixtures.losses";
    /** The system property naming the golden fixtures of the losses added in sentence-transformers v6. */
    public static final String LOSSES_V6_PROPERTY = "fixtures.losses.v6";

    private TestData() {
    }

    /** The {@code testdata/} folder. */
    public static Path root() {
        Path dir = fromProperty(PROPERTY);
        if (dir != null) {
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

    /** The golden loss fixtures: {@code -Dfixtures.losses}, else {@code testdata/fixtures/losses}. */
    public static Path lossFixtures() {
        Path dir = fromProperty(LOSSES_PROPERTY);
        return dir != null ? dir : root().resolve("fixtures").resolve("losses");
    }

    /**
     * The golden fixtures of the losses sentence-transformers v6 added beyond the seed's table
     * (GlobalOrthogonalRegularizationLoss, EmbedDistillLoss): {@code -Dfixtures.losses.v6}, else
     * {@code testdata/fixtures/losses-v6}.
     */
    public static Path lossFixturesV6() {
        Path dir = fromProperty(LOSSES_V6_PROPERTY);
        return dir != null ? dir : root().resolve("fixtures").resolve("losses-v6");
    }

    /** The directory a property names, {@code null} when it is unset, an error when it names no directory. */
    private static Path fromProperty(String name) {
        String value = System.getProperty(name);
        // an IDE that copies Surefire's settings without Maven's interpolation leaves "${...}" in the value
        if (value == null || value.isBlank() || value.contains("${")) {
            return null;
        }
        Path dir = fromRepositoryRoot(value);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("-D" + name + "=" + value + " is not a directory (" + dir + ")");
        }
        return dir;
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
