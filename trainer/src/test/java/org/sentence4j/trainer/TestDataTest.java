package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-step fixtures are where {@link TestData#modelStepSets()} says, complete (a copy that lost a case would
 * otherwise only show as fewer cases run), and a property naming no directory fails instead of falling back.
 */
class TestDataTest {

    @Test
    void modelStepsHoldEveryIndexedCase() throws IOException {
        Path steps = TestData.modelStepSets().get(0);
        assertEquals("model-steps", steps.getFileName().toString(), "the shared set comes first");
        JsonNode index = new ObjectMapper().readTree(steps.resolve("index.json").toFile());
        JsonNode cases = index.get("cases");
        assertEquals(35, cases.size(), "cases in " + steps);
        for (JsonNode c : cases) {
            Path dir = steps.resolve(c.get("name").asText());
            assertTrue(Files.isRegularFile(dir.resolve("case.json")), dir + "/case.json");
            assertTrue(Files.isRegularFile(dir.resolve("grads.safetensors")), dir + "/grads.safetensors");
            assertTrue(Files.isRegularFile(steps.resolve(c.get("model").asText()).resolve("model.safetensors")),
                    "model of " + c.get("name").asText());
        }
    }

    @Test
    void aPropertyNamingNoDirectoryIsAnError(@TempDir Path tmp) {
        String before = System.getProperty(TestData.STEPS_PROPERTY);
        String missing = tmp.resolve("no-such-dir").toString();
        System.setProperty(TestData.STEPS_PROPERTY, missing);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, TestData::modelStepSets);
            assertTrue(e.getMessage().contains("-Dfixtures.steps names " + missing), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(TestData.STEPS_PROPERTY);
            } else {
                System.setProperty(TestData.STEPS_PROPERTY, before);
            }
        }
    }
}
