package org.sentence4j.trainer;

import java.io.IOException;
import java.nio.file.Path;

import org.sentence4j.graphs.SentenceEncoder;

/** Small real models for trainer tests: the random-weight BERT folders saved by sentence-transformers 6.0.1. */
final class TinyModels {

    private TinyModels() {
    }

    static Path shared() {
        String p = System.getProperty("sentence4j.shared");
        if (p != null) {
            return Path.of(p);
        }
        Path cur = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (cur != null) {
            Path s = cur.resolve("../shared").normalize();
            if (s.resolve("fixtures").toFile().isDirectory()) {
                return s;
            }
            cur = cur.getParent();
        }
        return Path.of("../shared");
    }

    /** tiny-bert-mean: 2 layers, hidden 32, mean pooling, normalised; a fresh copy each call. */
    static SentenceEncoder tinyBert() throws IOException {
        return SentenceEncoder.load(shared().resolve("fixtures/st-models/tiny-bert-mean"));
    }
}
