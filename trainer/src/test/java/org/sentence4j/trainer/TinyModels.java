package org.sentence4j.trainer;

import java.io.IOException;

import org.sentence4j.graphs.SentenceEncoder;

/** Small real models for trainer tests: the random-weight BERT folders saved by sentence-transformers 6.0.1. */
final class TinyModels {

    private TinyModels() {
    }

    /** tiny-bert-mean: 2 layers, hidden 32, mean pooling, normalised; a fresh copy each call. */
    static SentenceEncoder tinyBert() throws IOException {
        return SentenceEncoder.load(TestData.stModel("tiny-bert-mean"));
    }
}
