package org.sentence4j.graphs.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.io.ModelFormatException;
import org.sentence4j.graphs.io.SentenceTransformerFolder;

/**
 * The modules after Pooling: a Normalize between Pooling and Dense (as sentence-transformers allows) normalises what
 * the Dense module reads, survives a save and load in the same order, and a Dense module's bad configuration is
 * refused by its file.
 */
class SentenceModulesTest {

    @Test
    void normalizeBeforeDenseIsAppliedSavedAndLoaded(@TempDir Path dir) throws Exception {
        Path folder = org.sentence4j.graphs.TestData.copyTree(ArchitectureFixtures.folder("tiny-bert-dense"), dir.resolve("in"));
        Files.createDirectories(folder.resolve("1b_Normalize"));
        Files.writeString(folder.resolve("modules.json"), "[{\"idx\": 0, \"name\": \"0\", \"path\": \"\", \"type\": "
                + "\"sentence_transformers.base.modules.transformer.Transformer\"}, {\"idx\": 1, \"name\": \"1\", \"path\": "
                + "\"1_Pooling\", \"type\": \"sentence_transformers.sentence_transformer.modules.pooling.Pooling\"}, "
                + "{\"idx\": 2, \"name\": \"2\", \"path\": \"1b_Normalize\", \"type\": \"sentence_transformers.base.modules"
                + ".normalize.Normalize\"}, {\"idx\": 3, \"name\": \"3\", \"path\": \"2_Dense\", \"type\": "
                + "\"sentence_transformers.base.modules.dense.Dense\"}, {\"idx\": 4, \"name\": \"4\", \"path\": \"3_Normalize\", "
                + "\"type\": \"sentence_transformers.base.modules.normalize.Normalize\"}]", StandardCharsets.UTF_8);
        List<String> texts = List.of("A man is playing a guitar.", "Someone plays an instrument.", "");
        INDArray plain;
        try (SentenceEncoder original = SentenceEncoder.load(ArchitectureFixtures.folder("tiny-bert-dense"))) {
            plain = original.encode(texts, EncodeOptions.defaults());
        }
        try (SentenceEncoder model = SentenceEncoder.load(folder)) {
            INDArray e = model.encode(texts, EncodeOptions.defaults());
            // tanh(W·p/|p| + b) differs from tanh(W·p + b): the inner Normalize is applied
            assertTrue(e.sub(plain).amaxNumber().doubleValue() > 1e-3, "the Normalize before Dense changes the embedding");
            assertEquals(1.0, e.getRow(0).norm2Number().doubleValue(), 1e-6, "the final Normalize still applies");
            model.save(dir.resolve("out"));
            String modules = Files.readString(dir.resolve("out/modules.json"));
            assertTrue(modules.indexOf("2_Normalize") < modules.indexOf("3_Dense")
                    && modules.indexOf("3_Dense") < modules.indexOf("4_Normalize"), modules);
            try (SentenceEncoder back = SentenceEncoder.load(dir.resolve("out"))) {
                assertEquals(0.0, back.encode(texts, EncodeOptions.defaults()).sub(e).amaxNumber().doubleValue(), 0.0);
            }
        }
    }

    @Test
    void badDenseModulesAreNamed(@TempDir Path dir) throws Exception {
        Path folder = org.sentence4j.graphs.TestData.copyTree(ArchitectureFixtures.folder("tiny-bert-dense"), dir.resolve("in"));
        Path config = folder.resolve("2_Dense/config.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("torch.nn.modules.activation.Tanh", "my_code.Swish"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformerFolder.load(folder));
        assertTrue(e.getMessage().contains("2_Dense") && e.getMessage().contains("my_code.Swish"), e.getMessage());
        Files.writeString(config, original.replace("\"in_features\": 24", "\"in_features\": 25"));
        e = assertThrows(ModelFormatException.class, () -> SentenceTransformerFolder.load(folder));
        assertTrue(e.getMessage().contains("in_features 25") && e.getMessage().contains("24"), e.getMessage());
        Files.writeString(config, original);
        Files.delete(folder.resolve("2_Dense/model.safetensors"));
        e = assertThrows(ModelFormatException.class, () -> SentenceTransformerFolder.load(folder));
        assertTrue(e.getMessage().contains("2_Dense") && e.getMessage().contains("model.safetensors"), e.getMessage());
    }
}
