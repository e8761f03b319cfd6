package org.sentence4j.trainer;

import java.nio.file.Path;

/** Test data locations (temporary: until the testdata folder lands). */
public final class TestData {

    private TestData() {
    }

    /** The model-step fixtures: {@code -Dfixtures.steps}, else the shared folder's. */
    public static Path modelSteps() {
        String prop = System.getProperty("fixtures.steps");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        return SharedFolder.dir().resolve("fixtures").resolve("model-steps");
    }
}
