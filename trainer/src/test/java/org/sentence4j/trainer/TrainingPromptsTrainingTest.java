package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.TrainingPrompts;

/**
 * Training with prompts is training on the prompted texts: a run with {@code perColumn(anchor -> "query: ",
 * positive -> "passage: ")} ends with exactly the weights of a run without prompts on a dataset whose texts
 * carry those prefixes (as sentence-transformers' collator prepends them), and the model card records them.
 */
class TrainingPromptsTrainingTest {

    private static Dataset pairs(String anchorPrefix, String positivePrefix) {
        List<String> a = new ArrayList<>();
        List<String> p = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            a.add(anchorPrefix + "how do I reset item " + i + " of kind " + (i % 3));
            p.add(positivePrefix + "resetting item " + i + " takes " + (i % 4) + " steps");
        }
        return Dataset.builder("pairs").column("anchor", a).column("positive", p).build();
    }

    private static Map<String, INDArray> train(Path out, Dataset data, TrainingPrompts prompts) throws Exception {
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingArguments args = TrainingArguments.builder(out).maxSteps(3).batchSize(4).learningRate(1e-3).loggingSteps(1)
                    .saveSteps(0).seed(9).batchSampler(BatchSamplers.DEFAULT).evalBeforeTraining(false).prompts(prompts).build();
            SentenceTransformerTrainer.builder(model, args)
                    .train(data, LossRegistry.defaults().create(LossSpec.of("MultipleNegativesRankingLoss"))).build().train();
            Map<String, INDArray> w = new LinkedHashMap<>();
            model.encoder().weights().asMap().forEach((k, v) -> w.put(k, v.dup()));
            return w;
        }
    }

    @Test
    void promptedTrainingEqualsTrainingOnPrefixedTexts(@TempDir Path dir) throws Exception {
        Map<String, INDArray> prompted = train(dir.resolve("prompted"), pairs("", ""),
                TrainingPrompts.perColumn(Map.of("anchor", "query: ", "positive", "passage: ")));
        Map<String, INDArray> prefixed = train(dir.resolve("prefixed"), pairs("query: ", "passage: "), TrainingPrompts.none());
        Map<String, INDArray> plain = train(dir.resolve("plain"), pairs("", ""), TrainingPrompts.none());
        double same = 0;
        double differs = 0;
        for (String k : prompted.keySet()) {
            same = Math.max(same, prompted.get(k).sub(prefixed.get(k)).amaxNumber().doubleValue());
            differs = Math.max(differs, prompted.get(k).sub(plain.get(k)).amaxNumber().doubleValue());
        }
        // equal up to the last bit of a float sum: the vector kernels' rounding depends on when the JIT compiles them
        // (bit-identical with -Dsentence4j.eager.noVectorKernels=true; see ResumeTest), while the prompts themselves
        // move the weights by orders of magnitude more
        assertEquals(0.0, same, 1e-6, "prompts = prefixed texts");
        assertTrue(differs > 1e-4, "the prompts change training: " + differs);
        String card = Files.readString(dir.resolve("prompted/README.md"));
        assertTrue(card.contains("prompts") && card.contains("query: ") && card.contains("passage: "), "the card records the prompts");
    }
}
