package org.sentence4j.graphs;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the repository's {@code testdata/} folder and the fixture directories in it, so that a fresh clone runs
 * every test with nothing beside it. Maven passes the paths as system properties (parent POM:
 * {@code sentence4j.testdata}, {@code fixtures.*}); a run without them, e.g. from an IDE, looks for
 * {@code testdata/} next to a {@code pom.xml} from the working directory upwards. A property that is set but
 * names no directory is an error rather than a reason to look elsewhere, so that pointing the tests at other
 * data never silently falls back to the repository's copy.
 *
 * <p>The one implementation for every module: the others reach it through this module's test jar (their own
 * small {@code TestData} classes only name their fixture directories).
 */
public final class TestData {

    /** The system property holding the path of {@code testdata/}. */
    public static final String PROPERTY = "sentence4j.testdata";

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

    /** {@code fixtures/st-models}: folders written by sentence-transformers 6.0.1 and their embeddings. */
    public static Path stModels() {
        return root().resolve("fixtures").resolve("st-models");
    }

    /** {@code testdata/fixtures/<name>}. */
    public static Path fixtures(String name) {
        return root().resolve("fixtures").resolve(name);
    }

    /** The directory a property names, else {@code fallback}; an error when the property names no directory. */
    public static Path directory(String property, Path fallback) {
        Path dir = fromProperty(property);
        return dir != null ? dir : fallback;
    }

    /**
     * The directories a property names (several separated by the platform's path separator), else
     * {@code fallback}; an error naming the part that is no directory.
     */
    public static List<Path> directories(String property, List<Path> fallback) {
        String value = System.getProperty(property);
        if (unset(value)) {
            return fallback;
        }
        List<Path> dirs = new ArrayList<>();
        for (String part : value.split(Pattern.quote(File.pathSeparator))) {
            if (part.isBlank()) {
                continue;
            }
            Path dir = fromRepositoryRoot(part);
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("-D" + property + " names " + part + ", which is not a directory (" + dir + ")");
            }
            dirs.add(dir);
        }
        return dirs;
    }

    /** The directory a property names, {@code null} when it is unset, an error when it names no directory. */
    private static Path fromProperty(String name) {
        String value = System.getProperty(name);
        if (unset(value)) {
            return null;
        }
        Path dir = fromRepositoryRoot(value);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("-D" + name + "=" + value + " is not a directory (" + dir + ")");
        }
        return dir;
    }

    /** Unset, blank, or left as "${...}" by an IDE that copies Surefire's settings without Maven's interpolation. */
    private static boolean unset(String value) {
        return value == null || value.isBlank() || value.contains("${");
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

    /**
     * A writable copy of a folder of reference data (fixtures in the repository may be read-only): every file and
     * sub-folder of {@code from} under {@code to}, which is returned.
     */
    public static Path copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                    target.toFile().setWritable(true);
                }
            }
        }
        return to;
    }
}
