package org.sentence4j.losses;

import java.nio.file.Path;

/**
 * The loss fixtures of {@code testdata/}, through the one locator ({@link org.sentence4j.graphs.TestData}, from
 * samediff-graphs' test jar): {@code -Dfixtures.losses} and {@code -Dfixtures.losses.v6} point the tests at
 * other directories in the same format; a property naming no directory is an error, never a silent fallback.
 */
public final class TestData {

    /** The system property naming another golden loss fixture directory. */
    public static final String LOSSES_PROPERTY = "fixtures.losses";
    /** The system property naming the golden fixtures of the losses added in sentence-transformers v6. */
    public static final String LOSSES_V6_PROPERTY = "fixtures.losses.v6";

    private TestData() {
    }

    /** The {@code testdata/} folder. */
    public static Path root() {
        return org.sentence4j.graphs.TestData.root();
    }

    /** The golden loss fixtures: {@code -Dfixtures.losses}, else {@code testdata/fixtures/losses}. */
    public static Path lossFixtures() {
        return org.sentence4j.graphs.TestData.directory(LOSSES_PROPERTY, org.sentence4j.graphs.TestData.fixtures("losses"));
    }

    /**
     * The golden fixtures of the losses sentence-transformers v6 added beyond the seed's table
     * (GlobalOrthogonalRegularizationLoss, EmbedDistillLoss): {@code -Dfixtures.losses.v6}, else
     * {@code testdata/fixtures/losses-v6}.
     */
    public static Path lossFixturesV6() {
        return org.sentence4j.graphs.TestData.directory(LOSSES_V6_PROPERTY, org.sentence4j.graphs.TestData.fixtures("losses-v6"));
    }
}
