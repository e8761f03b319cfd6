package org.sentence4j.trainer;

import java.nio.file.Path;
import java.util.List;

/**
 * The trainer's test data in {@code testdata/}, through the one locator ({@link org.sentence4j.graphs.TestData},
 * from samediff-graphs' test jar): {@code -Dfixtures.steps} and {@code -Dfixtures.tsdae} point the tests at other
 * directories in the same formats; a property naming no directory is an error, never a silent fallback.
 */
public final class TestData {

    /** The system property holding the path of {@code testdata/}. */
    public static final String PROPERTY = org.sentence4j.graphs.TestData.PROPERTY;
    /** The system property naming other model-step fixture directories (e.g. a second set of the same format). */
    public static final String STEPS_PROPERTY = "fixtures.steps";
    /** The system property naming another directory of TSDAE noise vectors. */
    public static final String TSDAE_PROPERTY = "fixtures.tsdae";

    private TestData() {
    }

    /** The {@code testdata/} folder. */
    public static Path root() {
        return org.sentence4j.graphs.TestData.root();
    }

    /** {@code datasets/<sub>}: STS Benchmark ({@code stsbenchmark}) and the SNLI dev split ({@code snli}). */
    public static Path datasets(String sub) {
        return root().resolve("datasets").resolve(sub);
    }

    /** A sentence-transformers model folder of {@code fixtures/st-models}. */
    public static Path stModel(String name) {
        return org.sentence4j.graphs.TestData.stModels().resolve(name);
    }

    /**
     * Every set of model-step fixtures to run: {@code -Dfixtures.steps} (one directory, or several separated by
     * the platform's path separator), else the shared set {@code testdata/fixtures/model-steps} and the
     * project's own {@code testdata/fixtures/model-steps-sentence4j}.
     */
    public static List<Path> modelStepSets() {
        return org.sentence4j.graphs.TestData.directories(STEPS_PROPERTY, List.of(
                org.sentence4j.graphs.TestData.fixtures("model-steps"), org.sentence4j.graphs.TestData.fixtures("model-steps-sentence4j")));
    }

    /**
     * The TSDAE noise vectors ({@code tokenize.jsonl}, {@code detokenize.jsonl}, {@code roundtrip.jsonl},
     * {@code noise.jsonl}): {@code -Dfixtures.tsdae}, else {@code testdata/fixtures/tsdae-noise}.
     */
    public static Path tsdaeNoise() {
        return org.sentence4j.graphs.TestData.directory(TSDAE_PROPERTY, repositoryTsdaeNoise());
    }

    /** The repository's own copy of the TSDAE noise vectors, whatever {@code -Dfixtures.tsdae} says. */
    public static Path repositoryTsdaeNoise() {
        return org.sentence4j.graphs.TestData.fixtures("tsdae-noise");
    }
}
