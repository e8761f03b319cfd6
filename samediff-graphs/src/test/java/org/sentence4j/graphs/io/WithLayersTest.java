package org.sentence4j.graphs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;

/**
 * {@link SentenceTransformerModelFiles#withLayers}: the smaller model a distillation student starts from. Keeping
 * the first layers must give exactly what running the full model's first layers gives (two independent routes:
 * renamed weights in a smaller config vs. stopping the full model early); the saved folder says how many layers
 * it has and loads back to the same embeddings.
 */
class WithLayersTest {

    private static final List<String> TEXTS = List.of("A man is playing a guitar.", "The cat sleeps on the mat.",
            "Stock markets fell sharply on Monday after the announcement.");

    @Test
    void keepingTheFirstLayersEqualsStoppingTheFullModelEarly() throws Exception {
        try (SentenceEncoder full = SentenceEncoder.defaultModel();
             SentenceEncoder firstThree = SentenceEncoder.of(full.files().withLayers(0, 1, 2))) {
            assertEquals(3, firstThree.files().config().numHiddenLayers());
            INDArray expected = full.firstLayers(3).embed(TEXTS);
            INDArray actual = firstThree.embed(TEXTS);
            assertEquals(0.0, expected.sub(actual).amaxNumber().doubleValue(), 1e-6);
        }
    }

    @Test
    void keepingEveryOtherLayerRenumbersThemAndSavesAThreeLayerModel(@TempDir Path dir) throws Exception {
        try (SentenceEncoder full = SentenceEncoder.defaultModel()) {
            SentenceTransformerModelFiles student = full.files().withLayers(0, 2, 4);
            assertTrue(student.weights().contains("encoder.layer.2.output.dense.weight"));
            assertTrue(!student.weights().contains("encoder.layer.3.output.dense.weight"));
            // the student's layer 1 is the teacher's layer 2, its layer 2 the teacher's layer 4
            assertEquals(full.files().weights().get("encoder.layer.2.attention.self.query.weight"),
                    student.weights().get("encoder.layer.1.attention.self.query.weight"));
            assertEquals(full.files().weights().get("encoder.layer.4.output.LayerNorm.bias"),
                    student.weights().get("encoder.layer.2.output.LayerNorm.bias"));
            assertEquals(full.files().weights().get("embeddings.word_embeddings.weight"),
                    student.weights().get("embeddings.word_embeddings.weight"));
            try (SentenceEncoder s = SentenceEncoder.of(student)) {
                INDArray before = s.embed(TEXTS);
                s.save(dir);
                assertTrue(Files.readString(dir.resolve("config.json")).contains("\"num_hidden_layers\": 3"));
                try (SentenceEncoder loaded = SentenceEncoder.load(dir)) {
                    assertEquals(3, loaded.files().config().numHiddenLayers());
                    assertEquals(0.0, before.sub(loaded.embed(TEXTS)).amaxNumber().doubleValue(), 1e-6);
                }
                assertTrue(before.sub(full.embed(TEXTS)).amaxNumber().doubleValue() > 1e-2, "a different model");
            }
        }
    }

    @Test
    void rejectsLayersThatDoNotExistOrAreOutOfOrder() throws Exception {
        try (SentenceEncoder full = SentenceEncoder.defaultModel()) {
            SentenceTransformerModelFiles f = full.files();
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> f.withLayers(0, 6));
            assertTrue(missing.getMessage().contains("layer 6 does not exist: the model has layers 0 to 5"), missing.getMessage());
            IllegalArgumentException order = assertThrows(IllegalArgumentException.class, () -> f.withLayers(2, 1));
            assertTrue(order.getMessage().contains("strictly increasing"), order.getMessage());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> f.withLayers());
            assertTrue(none.getMessage().contains("at least one"), none.getMessage());
        }
    }
}
