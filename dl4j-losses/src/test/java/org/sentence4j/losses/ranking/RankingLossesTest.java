package org.sentence4j.losses.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

class RankingLossesTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();

    private static SentenceLoss create(String name, Map<String, Object> options) {
        return REGISTRY.create(name, options);
    }

    private static List<INDArray> randomColumns(long seed, int columns, int batch, int dim) {
        Nd4j.getRandom().setSeed(seed);
        List<INDArray> out = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            out.add(Nd4j.randn(DataType.DOUBLE, batch, dim));
        }
        return out;
    }

    private static void assertSameEvaluation(LossEvaluation a, LossEvaluation b) {
        assertEquals(a.loss(), b.loss(), 1e-6 * Math.max(1, Math.abs(a.loss())));
        assertEquals(a.gradColumns().size(), b.gradColumns().size());
        for (int i = 0; i < a.gradColumns().size(); i++) {
            INDArray d = a.gradColumns().get(i).sub(b.gradColumns().get(i));
            assertTrue(d.amaxNumber().doubleValue() < 1e-5, "gradient of column " + i + " differs");
        }
    }

    @Test
    void everyLossIsRegistered() {
        for (String n : List.of("MultipleNegativesRankingLoss", "MultipleNegativesSymmetricRankingLoss",
                "CachedMultipleNegativesRankingLoss", "CachedMultipleNegativesSymmetricRankingLoss", "GISTEmbedLoss",
                "CachedGISTEmbedLoss", "MegaBatchMarginLoss")) {
            assertTrue(REGISTRY.contains(n), n);
            assertEquals(n, create(n, Map.of()).name());
        }
    }

    @Test
    void citationsFollowTheTable() {
        assertEquals(Optional.of(Citations.OORD2019REPRESENTATIONLEARNINGCONTRASTIVEPREDICTIVE),
                create("MultipleNegativesRankingLoss", Map.of()).citation());
        assertEquals(Optional.of(Citations.LI2023GENERALTEXTEMBEDDINGSMULTISTAGE),
                create("MultipleNegativesRankingLoss", Map.of("directions",
                        List.of("query_to_doc", "query_to_query", "doc_to_query", "doc_to_doc"))).citation());
        assertEquals(Optional.of(Citations.OORD2019REPRESENTATIONLEARNINGCONTRASTIVEPREDICTIVE),
                create("MultipleNegativesRankingLoss", Map.of("directions",
                        List.of("query_to_doc", "doc_to_query"))).citation());
        assertEquals(Optional.of(Citations.GUNTHER2024JINAEMBEDDINGS28192TOKEN),
                create("MultipleNegativesRankingLoss", Map.of("directions", "doc_to_query,query_to_doc",
                        "partition_mode", "per_direction")).citation());
        assertEquals(Optional.of(Citations.GUNTHER2024JINAEMBEDDINGS28192TOKEN),
                create("MultipleNegativesSymmetricRankingLoss", Map.of()).citation());
        assertEquals(Optional.of(Citations.GAO2021SCALING), create("CachedMultipleNegativesRankingLoss", Map.of()).citation());
        assertEquals(Optional.of(Citations.GAO2021SCALING),
                create("CachedMultipleNegativesSymmetricRankingLoss", Map.of()).citation());
        assertEquals(Optional.of(Citations.SOLATORIO2024GISTEMBED), create("GISTEmbedLoss", Map.of()).citation());
        assertEquals(Optional.empty(), create("CachedGISTEmbedLoss", Map.of()).citation());
        assertEquals(Optional.of(Citations.WIETING_GIMPEL_2018_PARANMT), create("MegaBatchMarginLoss", Map.of()).citation());
    }

    @Test
    void cachedLossesDeclareTheGradientCache() {
        GradientCachedLoss mnrl = assertInstanceOf(GradientCachedLoss.class, create("CachedMultipleNegativesRankingLoss", Map.of()));
        assertTrue(mnrl.usesGradientCache());
        assertEquals(32, mnrl.miniBatchSize());
        assertEquals(null, mnrl.miniBatchNumTokens());
        GradientCachedLoss mnsrl = assertInstanceOf(GradientCachedLoss.class,
                create("CachedMultipleNegativesSymmetricRankingLoss", Map.of("mini_batch_size", 8, "mini_batch_num_tokens", 512)));
        assertTrue(mnsrl.usesGradientCache());
        assertEquals(8, mnsrl.miniBatchSize());
        assertEquals(512, mnsrl.miniBatchNumTokens());
        GradientCachedLoss gist = assertInstanceOf(GradientCachedLoss.class,
                create("CachedGISTEmbedLoss", Map.of("show_progress_bar", true)));
        assertTrue(gist.usesGradientCache());
        assertTrue(gist.showProgressBar());
        GradientCachedLoss mega = assertInstanceOf(GradientCachedLoss.class, create("MegaBatchMarginLoss", Map.of()));
        assertTrue(mega.usesGradientCache());
        assertEquals(50, mega.miniBatchSize());
        assertFalse(((GradientCachedLoss) create("MegaBatchMarginLoss", Map.of("use_mini_batched_version", false)))
                .usesGradientCache());
        assertFalse(create("MultipleNegativesRankingLoss", Map.of()) instanceof GradientCachedLoss);
        assertFalse(create("GISTEmbedLoss", Map.of()) instanceof GradientCachedLoss);
    }

    @Test
    void invalidOptionsAreRejected() {
        String mnrl = "MultipleNegativesRankingLoss";
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("scale", 0.0)));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("scale", Double.NaN)));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("similarity_fct", "pairwise_cos_sim")));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("gather_across_devices", true)));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("directions", List.of())));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("directions", List.of("doc_to_query"))));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("directions", List.of("query_to_doc", "sideways"))));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("partition_mode", "split")));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("directions", List.of("query_to_doc", "query_to_query"),
                "partition_mode", "per_direction")));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("directions", List.of("query_to_doc", "doc_to_doc"),
                "partition_mode", "per_direction")));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("hardness_mode", "hardest")));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("hardness_mode", "hard_negatives",
                "hardness_strength", -1.0)));
        assertThrows(LossInputException.class, () -> create(mnrl, Map.of("temperature", 0.05)));
        assertThrows(LossInputException.class, () -> create("CachedMultipleNegativesRankingLoss", Map.of("mini_batch_size", 0)));
        assertThrows(LossInputException.class,
                () -> create("CachedMultipleNegativesRankingLoss", Map.of("mini_batch_num_tokens", 0)));
        assertThrows(LossInputException.class, () -> create("MultipleNegativesSymmetricRankingLoss",
                Map.of("directions", List.of("query_to_doc"))));
        assertThrows(LossInputException.class, () -> create("CachedMultipleNegativesSymmetricRankingLoss",
                Map.of("hardness_mode", "all_negatives", "hardness_strength", 1.0)));
        assertThrows(LossInputException.class, () -> create("GISTEmbedLoss", Map.of("margin_strategy", "percent")));
        assertThrows(LossInputException.class, () -> create("GISTEmbedLoss", Map.of("temperature", 0.0)));
        assertThrows(LossInputException.class, () -> create("CachedGISTEmbedLoss", Map.of("gather_across_devices", "true")));
        assertThrows(LossInputException.class, () -> create("MegaBatchMarginLoss", Map.of("mini_batch_num_tokens", -5)));
    }

    @Test
    void reportedConfigurationsCanBeReadBack() {
        for (SentenceLoss loss : List.of(create("MultipleNegativesSymmetricRankingLoss", Map.of("scale", 10.0)),
                create("CachedMultipleNegativesSymmetricRankingLoss", Map.of("mini_batch_size", 4)),
                create("MultipleNegativesRankingLoss", Map.of("directions", "query_to_doc,doc_to_query",
                        "hardness_mode", "in_batch_negatives", "hardness_strength", 9)),
                create("CachedGISTEmbedLoss", Map.of("guide", "sentence-transformers/all-MiniLM-L6-v2", "margin", 0.05)),
                create("MegaBatchMarginLoss", Map.of("positive_margin", 0.6)))) {
            assertEquals(loss.config(), REGISTRY.create(loss.name(), loss.config()).config(), loss.name());
        }
    }

    @Test
    void columnCountsAreChecked() {
        EmbeddingLossRunner runner = new EmbeddingLossRunner(DataType.FLOAT);
        List<INDArray> four = randomColumns(1, 4, 3, 5);
        LossBatch gistBatch = LossBatch.of(four).withGuideEmbeddings(randomColumns(2, 4, 3, 7));
        LossInputException e = assertThrows(LossInputException.class,
                () -> runner.value(create("GISTEmbedLoss", Map.of()), gistBatch));
        assertTrue(e.getMessage().contains("GISTEmbedLoss"), e.getMessage());
        // CachedGIST takes any number of negative columns, and a guide of another width
        assertTrue(Double.isFinite(runner.value(create("CachedGISTEmbedLoss", Map.of()), gistBatch).loss()));
        assertThrows(LossInputException.class, () -> runner.value(create("MegaBatchMarginLoss", Map.of()),
                LossBatch.of(randomColumns(3, 3, 3, 5))));
        assertThrows(LossInputException.class, () -> runner.value(create("MultipleNegativesRankingLoss", Map.of()),
                LossBatch.of(randomColumns(3, 1, 3, 5))));
        assertThrows(LossInputException.class, () -> runner.value(create("GISTEmbedLoss", Map.of()),
                LossBatch.of(randomColumns(4, 2, 3, 5))), "GIST without guide embeddings");
        assertThrows(LossInputException.class, () -> runner.value(create("GISTEmbedLoss", Map.of()),
                LossBatch.of(randomColumns(4, 2, 3, 5)).withGuideEmbeddings(randomColumns(5, 1, 3, 5))));
    }

    /** Cached == plain, also at batch sizes where SdMath.identityLike used to crash the JVM (46 rows and more). */
    @Test
    void cachedLossesEqualTheirBaseLossesOnLargeBatches() {
        EmbeddingLossRunner runner = new EmbeddingLossRunner(DataType.FLOAT);
        LossBatch triplets = LossBatch.of(randomColumns(7, 3, 64, 16));
        Map<String, Object> opts = Map.of("directions", List.of("query_to_doc", "query_to_query", "doc_to_query", "doc_to_doc"),
                "hardness_mode", "all_negatives", "hardness_strength", 2.0);
        assertSameEvaluation(runner.evaluate(create("MultipleNegativesRankingLoss", opts), triplets),
                runner.evaluate(create("CachedMultipleNegativesRankingLoss", opts), triplets));
        assertSameEvaluation(runner.evaluate(create("MultipleNegativesSymmetricRankingLoss", Map.of()), triplets),
                runner.evaluate(create("CachedMultipleNegativesSymmetricRankingLoss", Map.of("mini_batch_size", 5)), triplets));
        assertSameEvaluation(runner.evaluate(create("MultipleNegativesSymmetricRankingLoss", Map.of()), triplets),
                runner.evaluate(create("MultipleNegativesRankingLoss", Map.of("directions", List.of("query_to_doc", "doc_to_query"),
                        "partition_mode", "per_direction")), triplets));
        LossBatch guided = LossBatch.of(randomColumns(8, 3, 64, 16)).withGuideEmbeddings(randomColumns(9, 3, 64, 12));
        assertSameEvaluation(runner.evaluate(create("GISTEmbedLoss", Map.of("margin", 0.1)), guided),
                runner.evaluate(create("CachedGISTEmbedLoss", Map.of("margin", 0.1)), guided));
        LossBatch pairs = LossBatch.of(randomColumns(10, 2, 64, 16));
        assertSameEvaluation(runner.evaluate(create("MegaBatchMarginLoss", Map.of()), pairs),
                runner.evaluate(create("MegaBatchMarginLoss", Map.of("use_mini_batched_version", false)), pairs));
    }

    @Test
    void labelsAreRejected() {
        EmbeddingLossRunner runner = new EmbeddingLossRunner(DataType.FLOAT);
        LossBatch withLabels = LossBatch.of(randomColumns(11, 2, 4, 5)).withLabels(Nd4j.ones(DataType.DOUBLE, 4));
        assertThrows(LossInputException.class, () -> runner.value(create("MultipleNegativesRankingLoss", Map.of()), withLabels));
    }

    @Test
    void buildersMatchTheRegistry() {
        MultipleNegativesRankingLoss built = MultipleNegativesRankingLoss.builder().scale(10)
                .directions(MultipleNegativesRankingLoss.Direction.QUERY_TO_DOC, MultipleNegativesRankingLoss.Direction.DOC_TO_QUERY)
                .hardnessMode(MultipleNegativesRankingLoss.HardnessMode.IN_BATCH_NEGATIVES).hardnessStrength(9).build();
        assertEquals(create("MultipleNegativesRankingLoss", Map.of("scale", 10, "directions", List.of("query_to_doc", "doc_to_query"),
                "hardness_mode", "in_batch_negatives", "hardness_strength", 9)).config(), built.config());
        assertEquals(new CachedMultipleNegativesRankingLoss().config(), create("CachedMultipleNegativesRankingLoss", Map.of()).config());
        assertEquals(new MultipleNegativesSymmetricRankingLoss().config(),
                create("MultipleNegativesSymmetricRankingLoss", Map.of()).config());
        assertEquals(new CachedMultipleNegativesSymmetricRankingLoss().config(),
                create("CachedMultipleNegativesSymmetricRankingLoss", Map.of()).config());
        assertEquals(new GISTEmbedLoss().config(), create("GISTEmbedLoss", Map.of()).config());
        assertEquals(new CachedGISTEmbedLoss().config(), create("CachedGISTEmbedLoss", Map.of()).config());
        assertEquals(new MegaBatchMarginLoss().config(), create("MegaBatchMarginLoss", Map.of()).config());
        assertEquals(0.05, new MultipleNegativesRankingLoss().temperature(), 1e-15);
    }
}
