package org.sentence4j.trainer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's {@code testdata/} folder for every trainer test, so that a fresh clone runs them with
 * nothing beside it. Maven passes the paths as {@code -Dsentence4j.testdata}, {@code -Dfixtures.steps} and
 * {@code -Dfixtures.tsdae} (parent POM); a run without them, e.g. from an IDE, looks for {@code testdata/} next
 * to a {@code pom.xml} from the working directory upwards. A property that is set but names no directory is an error rather than a reason to
 * look elsewhere: a mistyped {@code -Dfixtures.steps} must not quietly test the repository's cases instead.
 *
 * <p>Every module has its own copy of this small class: the modules share no test jar.
 */
public final class TestData {

    /** The system property holding the path of {@code testdata/}. */
    public static final String PROPERTY = "sentence4j.testdata";
    /** The system property naming another model-step fixture directory (e.g. a second set with the same format). */
    public static final String STEPS_PROPERTY = "fixtures.steps";
    /** The system property naming another directory of TSDAE noise vectors (same format, other texts). */
    public static final String TSDAE_PROPERTY = "fixtures.tsdae";

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

    /** {@code datasets/<sub>}: STS Benchmark ({@code stsbenchmark}) and the SNLI dev split ({@code snli}). */
    public static Path datasets(String sub) {
        return root().resolve("datasets").resolve(sub);
    }

    /** A sentence-transformers model folder of {@code fixtures/st-models}. */
    public static Path stModel(String name) {
        return root().resolve("fixtures").resolve("st-models").resolve(name);
    }

    /**
     * Every set of model-step fixtures to run: {@code -Dfixtures.steps} (one directory, or several separated by
     * the platform's path separator), else the shared set {@code testdata/fixtures/model-steps} and the
     * project's own {@code testdata/fixtures/model-steps-sentence4j}.
     */
    public static java.util.List<Path> modelStepSets() {
        String value = System.getProperty(STEPS_PROPERTY);
        if (value == null || value.isBlank() || value.contains("${")) {
            Path fixtures = root().resolve("fixtures");
            return java.util.List.of(fixtures.resolve("model-steps"), fixtures.resolve("model-steps-sentence4j"));
        }
        java.util.List<Path> sets = new java.util.ArrayList<>();
        for (String part : value.split(java.util.regex.Pattern.quote(java.io.File.pathSeparator))) {
            if (part.isBlank()) {
                continue;
            }
            Path dir = fromRepositoryRoot(part);
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("-D" + STEPS_PROPERTY + " names " + part + ", which is not a directory (" + dir + ")");
            }
            sets.add(dir);
        }
        return sets;
    }

    /**
     * The TSDAE noise vectors ({@code tokenize.jsonl}, {@code detokenize.jsonl}, {@code roundtrip.jsonl},
     * {@code noise.jsonl}): {@code -Dfixtures.tsdae}, else {@code testdata/fixtures/tsdae-noise}.
     */
    public static Path tsdaeNoise() {
        Path dir = fromProperty(TSDAE_PROPERTY);
        return dir != null ? dir : repositoryTsdaeNoise();
    }

    /** The repository's own copy of the TSDAE noise vectors, whatever {@code -Dfixtures.tsdae} says. */
    public static Path repositoryTsdaeNoise() {
        return root().resolve("fixtures").resolve("tsdae-noise");
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
