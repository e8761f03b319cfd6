package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;

/** {@code ./sentence4j save-model}: the embedded model as a folder that loads back to the same embeddings. */
class SaveModelCommandTest {

    @Test
    void savesTheDefaultModelAsAFolder(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("minilm");
        Cli.ok("save-model", "--output", out.toString());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")) && Files.isRegularFile(out.resolve("2_Normalize/config.json")));
        List<String> texts = List.of("A man is playing a guitar.", "Das Wetter ist schön.");
        try (SentenceEncoder original = SentenceEncoder.defaultModel(); SentenceEncoder saved = SentenceEncoder.load(out)) {
            INDArray a = original.encode(texts, EncodeOptions.defaults());
            INDArray b = saved.encode(texts, EncodeOptions.defaults());
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 0.0);
            assertEquals(original.maxSeqLength(), saved.maxSeqLength());
        }
        Cli.Result e = Cli.fails("save-model", "--output", out.toString());
        assertTrue(e.err().contains("--output") && e.err().contains("not an empty folder"), e::toString);
    }
}
