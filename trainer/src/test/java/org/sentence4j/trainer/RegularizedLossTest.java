package org.sentence4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.ranking.MultipleNegativesRankingLoss;
import org.sentence4j.losses.regularization.GlobalOrthogonalRegularizationLoss;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;

/**
 * GlobalOrthogonalRegularizationLoss used as sentence-transformers v6 users use it: added to a primary loss in
 * a custom loss that embeds the columns once and returns {@code info_nce}, {@code gor_mean} and
 * {@code gor_second_moment}; the trainer sums them, steps on the sum and logs each component.
 */
class RegularizedLossTest {

    /** MNRL plus GOR's components, from one set of embeddings (upstream's documented example). */
    static final class InfoNceWithGor extends AbstractSentenceLoss {
        private final MultipleNegativesRankingLoss mnrl = MultipleNegativesRankingLoss.builder().build();
        private final GlobalOrthogonalRegularizationLoss gor = GlobalOrthogonalRegularizationLoss.builder().meanWeight(0.0).build();

        @Override
        public String name() {
            return "InfoNceWithGor";
        }

        @Override
        public InputFormat inputFormat() {
            return mnrl.inputFormat();
        }

        @Override
        protected LossOutput compute(LossInputs inputs) {
            Map<String, SDVariable> parts = new LinkedHashMap<>();
            parts.put("info_nce", mnrl.build(inputs).total());
            parts.putAll(gor.build(inputs).components());
            return LossOutput.ofComponents(parts);
        }

        @Override
        public Map<String, Object> config() {
            return Map.of();
        }
    }

    @Test
    void aRegularizerAddedToAPrimaryLossTrainsAndLogsEachComponent(@TempDir Path dir) throws Exception {
        List<String> a = new ArrayList<>();
        List<String> p = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            a.add("question " + i + " about the " + (i % 3 == 0 ? "invoice" : "password"));
            p.add("answer " + i);
        }
        Dataset pairs = Dataset.builder("pairs").column("anchor", a).column("positive", p).build();
        try (SentenceEncoder model = TinyModels.tinyBert()) {
            TrainingArguments args = TrainingArguments.builder(dir).maxSteps(2).batchSize(8).learningRate(1e-3)
                    .batchSampler(BatchSamplers.NO_DUPLICATES).loggingSteps(1).saveSteps(0).build();
            TrainingResult r = SentenceTransformerTrainer.builder(model, args).train(pairs, new InfoNceWithGor()).build().train();
            LogEntry e = r.log().stream().filter(x -> !Double.isNaN(x.loss())).findFirst().orElseThrow();
            assertEquals(List.of("info_nce", "gor_second_moment"), List.copyOf(e.components().keySet()),
                    "the switched-off mean term is absent, as upstream");
            double sum = e.components().values().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(sum, e.loss(), 1e-6 * Math.abs(sum));
            assertTrue(e.components().get("gor_second_moment") >= 0);
        }
    }
}
