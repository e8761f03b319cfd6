package org.sentence4j.trainer.checkpoint;

import org.sentence4j.trainer.TestData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.bert.BertWeights;
import org.sentence4j.graphs.io.SentenceTransformerFolder;
import org.sentence4j.graphs.io.SentenceTransformerModelFiles;
import org.sentence4j.trainer.LogEntry;
import org.sentence4j.trainer.TrainerState;
import org.sentence4j.trainer.optim.AdamW;

/** A small model with random weights, a real AdamW state, loss parameters and a trainer state, all from a seed. */
final class CheckpointFixtures {

    private CheckpointFixtures() {
    }

    /** The tokenizer-compatible tiny BERT of testdata/fixtures/st-models (hidden 32, 2 layers, 4 MB). */
    static Path tinyModelFolder() {
        return TestData.stModel("tiny-bert-mean");
    }

    /** What one checkpoint holds. */
    record Parts(SentenceTransformerModelFiles model, Map<String, INDArray> optimizer, Map<String, INDArray> loss,
                 TrainerState state) {
    }

    /** The tiny model's architecture and tokenizer with weights drawn from {@code seed}, 3 AdamW steps taken. */
    static Parts parts(Path modelFolder, long step, long seed) throws IOException {
        SentenceTransformerModelFiles base = SentenceTransformerFolder.load(modelFolder);
        Nd4j.getRandom().setSeed(seed);
        Map<String, INDArray> params = new LinkedHashMap<>();
        base.weights().asMap().forEach((k, v) -> params.put(k, Nd4j.randn(DataType.FLOAT, v.shape()).muli(0.02)));

        AdamW adam = AdamW.withWeightDecay(0.01);
        for (int i = 0; i < 3; i++) {
            Map<String, INDArray> grads = new LinkedHashMap<>();
            params.forEach((k, v) -> grads.put(k, Nd4j.randn(DataType.FLOAT, v.shape())));
            adam.step(params, grads, 1e-3);
        }
        SentenceTransformerModelFiles model = new SentenceTransformerModelFiles(base.config(), new BertWeights(params),
                base.tokenizerJson(), base.pooling(), base.normalize(), base.maxSeqLength(), base.doLowerCase());

        Map<String, INDArray> loss = new LinkedHashMap<>();
        loss.put("classifier.weight", Nd4j.randn(DataType.FLOAT, 3, 96));
        loss.put("classifier.bias", Nd4j.randn(DataType.FLOAT, 3));
        loss.put("temperature", Nd4j.scalar(DataType.DOUBLE, Math.PI + seed)); // F64 must come back exactly

        List<LogEntry> log = List.of(
                new LogEntry(1, 0.25, 1.5 + seed, Map.of("mnrl", 1.25, "aux/x", -0.0), 2e-5, Map.of()),
                new LogEntry(2, 0.5, Double.NaN, Map.of(), 1.9999999999999998e-5,
                        Map.of("sts_dev_spearman_cosine", 0.8123456789012345, "loss_nan", Double.NaN,
                                "diverged", Double.POSITIVE_INFINITY, "negative", Double.NEGATIVE_INFINITY)),
                new LogEntry(step, 0.1 + 0.2, Double.MIN_VALUE, Map.of("tiny", Double.MIN_NORMAL), 0.0, Map.of()));
        TrainerState state = new TrainerState(step, 1, 7, 42 + seed, -3, Long.MAX_VALUE, log);
        return new Parts(model, adam.state(), loss, state);
    }
}
