package org.sentence4j.losses.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sentence4j.losses.LossTestSupport.assertInputError;
import static org.sentence4j.losses.LossTestSupport.map;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossTestSupport;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;
import org.sentence4j.losses.similarity.SimilarityFunction;

/** Validation, configuration, defaults and edge cases of the pair losses (values are covered by the golden fixtures). */
class PairLossesTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();
    private static final EmbeddingLossRunner RUNNER = new EmbeddingLossRunner(DataType.DOUBLE);

    // ----------------------------------------------------------------------------------------------- helpers

    /** A deterministic [rows, dim] matrix with distinct, non-degenerate rows. */
    private static INDArray emb(int rows, int dim, int seed) {
        return LossTestSupport.random(seed, rows, dim);
    }

    private static INDArray vec(double... v) {
        return Nd4j.createFromArray(v);
    }

    private static LossEvaluation eval(SentenceLoss loss, LossBatch batch) {
        return RUNNER.evaluate(loss, batch);
    }

    private static void assertFiniteGradients(LossEvaluation ev) {
        for (INDArray g : ev.gradColumns()) {
            assertTrue(!g.isNaN().any() && !g.isInfinite().any(), "non-finite gradient " + g);
        }
        assertTrue(Double.isFinite(ev.loss()), "non-finite loss " + ev.loss());
    }

    // ------------------------------------------------------------------------------------------ registry

    @Test
    void everyPairLossIsRegistered() {
        for (String n : List.of("ContrastiveLoss", "OnlineContrastiveLoss", "CoSENTLoss", "AnglELoss",
                "CosineSimilarityLoss", "SoftmaxLoss")) {
            assertTrue(REGISTRY.contains(n), n);
        }
        assertEquals("CoSENTLoss", REGISTRY.create("CoSENTLoss", Map.of()).name());
    }

    @Test
    void unknownOptionIsRejected() {
        assertInputError(() -> REGISTRY.create("CoSENTLoss", map("temperature", 0.05)), "CoSENTLoss", "'temperature'");
        assertInputError(() -> REGISTRY.create("ContrastiveLoss", map("margn", 1.0)), "ContrastiveLoss", "'margn'");
    }

    // ----------------------------------------------------------------------------------- ContrastiveLoss

    @Nested
    class Contrastive {
        @Test
        void defaultsAndConfig() {
            ContrastiveLoss l = ContrastiveLoss.defaults();
            assertEquals(SiameseDistanceMetric.COSINE_DISTANCE, l.distanceMetric());
            assertEquals(0.5, l.margin());
            assertTrue(l.sizeAverage());
            assertEquals(map("distance_metric", "SiameseDistanceMetric.COSINE_DISTANCE", "margin", 0.5, "size_average", true),
                    l.config());
            assertEquals(List.of("distance_metric", "margin", "size_average"), List.copyOf(l.config().keySet()));
            assertEquals(Optional.of(Citations.HADSELL2006DIMENSIONALITY), l.citation());
            SentenceLoss r = REGISTRY.create("ContrastiveLoss",
                    map("distance_metric", "SiameseDistanceMetric.MANHATTAN", "margin", 2.0, "size_average", false));
            assertEquals(map("distance_metric", "SiameseDistanceMetric.MANHATTAN", "margin", 2.0, "size_average", false), r.config());
        }

        @Test
        void validation() {
            ContrastiveLoss l = ContrastiveLoss.defaults();
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1)).withLabels(vec(1, 0, 1))),
                    "ContrastiveLoss", "expects 2 input column(s)", "got 1");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2), emb(3, 4, 3)).withLabels(vec(1, 0, 1))),
                    "ContrastiveLoss", "got 3");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2))), "ContrastiveLoss", "needs labels");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2)).withLabels(Nd4j.ones(DataType.DOUBLE, 3, 2))),
                    "ContrastiveLoss", "rank 1");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2)).withLabels(vec(1, 0))),
                    "ContrastiveLoss", "labels have 2 rows", "3");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 5, 2)).withLabels(vec(1, 0, 1))),
                    "ContrastiveLoss", "same width");
            assertInputError(() -> REGISTRY.create("ContrastiveLoss", map("distance_metric", "SiameseDistanceMetric.COSINE")),
                    "ContrastiveLoss", "distance_metric", "SiameseDistanceMetric.COSINE_DISTANCE", "SiameseDistanceMetric.EUCLIDEAN");
            assertInputError(() -> ContrastiveLoss.builder().margin(Double.NaN).build(), "ContrastiveLoss", "'margin'");
            assertInputError(() -> ContrastiveLoss.builder().distanceMetric(null).build(), "ContrastiveLoss", "'distance_metric'");
            assertInputError(() -> REGISTRY.create("ContrastiveLoss", map("size_average", "maybe")), "ContrastiveLoss", "size_average");
        }

        @Test
        void metricNamesResolveWithOrWithoutPrefix() {
            assertEquals(SiameseDistanceMetric.EUCLIDEAN, SiameseDistanceMetric.fromName("SiameseDistanceMetric.EUCLIDEAN", "X"));
            assertEquals(SiameseDistanceMetric.MANHATTAN, SiameseDistanceMetric.fromName("manhattan", "X"));
        }

        @Test
        void sumIsBatchTimesMean() {
            LossBatch b = LossBatch.of(emb(5, 4, 1), emb(5, 4, 2)).withLabels(vec(1, 0, 1, 0, 0));
            double mean = eval(ContrastiveLoss.defaults(), b).loss();
            double sum = eval(ContrastiveLoss.builder().sizeAverage(false).build(), b).loss();
            assertEquals(5 * mean, sum, 1e-12);
        }
    }

    // ----------------------------------------------------------------------------- OnlineContrastiveLoss

    @Nested
    class OnlineContrastive {
        @Test
        void defaultsAndConfig() {
            OnlineContrastiveLoss l = OnlineContrastiveLoss.defaults();
            assertEquals(map("distance_metric", "SiameseDistanceMetric.COSINE_DISTANCE", "margin", 0.5), l.config());
            assertEquals(Optional.empty(), l.citation());
            assertEquals(map("distance_metric", "SiameseDistanceMetric.EUCLIDEAN", "margin", 3.0),
                    REGISTRY.create("OnlineContrastiveLoss", map("distance_metric", "SiameseDistanceMetric.EUCLIDEAN", "margin", 3)).config());
        }

        @Test
        void validation() {
            OnlineContrastiveLoss l = OnlineContrastiveLoss.defaults();
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1)).withLabels(vec(1, 0, 1))), "OnlineContrastiveLoss", "got 1");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2))), "OnlineContrastiveLoss", "needs labels");
            assertInputError(() -> REGISTRY.create("OnlineContrastiveLoss", map("distance_metric", "cosine_similarity")),
                    "OnlineContrastiveLoss", "distance_metric");
            assertInputError(() -> OnlineContrastiveLoss.builder().margin(Double.POSITIVE_INFINITY).build(),
                    "OnlineContrastiveLoss", "'margin'");
        }

        @Test
        void labelsOtherThanZeroOrOneAreIgnored() {
            INDArray a = emb(6, 4, 3);
            INDArray b = emb(6, 4, 4);
            double withExtra = eval(OnlineContrastiveLoss.defaults(),
                    LossBatch.of(a, b).withLabels(vec(1, 0, 0.5, 1, 2, 0))).loss();
            double subset = eval(OnlineContrastiveLoss.defaults(),
                    LossBatch.of(a.getRows(0, 1, 3, 5), b.getRows(0, 1, 3, 5)).withLabels(vec(1, 0, 1, 0))).loss();
            assertEquals(subset, withExtra, 1e-12);
        }

        @Test
        void emptySelectionsGiveZeroNotNaN() {
            for (double[] labels : new double[][] {{2, 3, 0.5}, {1}, {0}, {1, 0}, {0, 0.5, 0.25}}) {
                LossEvaluation ev = eval(OnlineContrastiveLoss.defaults(),
                        LossBatch.of(emb(labels.length, 4, 5), emb(labels.length, 4, 6)).withLabels(vec(labels)));
                assertFiniteGradients(ev);
                assertEquals(0.0, ev.loss(), 0.0, () -> "labels " + java.util.Arrays.toString(labels));
            }
        }
    }

    // ---------------------------------------------------------------------------------------- CoSENTLoss

    @Nested
    class CoSENT {
        @Test
        void defaultsAndConfig() {
            CoSENTLoss l = CoSENTLoss.defaults();
            assertEquals(20.0, l.scale());
            assertEquals(SimilarityFunction.PAIRWISE_COS_SIM, l.similarityFct());
            assertEquals(map("scale", 20.0, "similarity_fct", "pairwise_cos_sim"), l.config());
            assertEquals(Optional.of(Citations.HUANG2024COSENT_10531646), l.citation());
            assertEquals(map("scale", 1.0, "similarity_fct", "pairwise_manhattan_sim"),
                    REGISTRY.create("CoSENTLoss", map("scale", 1, "similarity_fct", "pairwise_manhattan_sim")).config());
        }

        @Test
        void validation() {
            CoSENTLoss l = CoSENTLoss.defaults();
            assertInputError(() -> REGISTRY.create("CoSENTLoss", map("similarity_fct", "pairwise_cosine")),
                    "Unknown similarity function 'pairwise_cosine'", "pairwise_cos_sim");
            assertInputError(() -> REGISTRY.create("CoSENTLoss", map("similarity_fct", "cos_sim")),
                    "CoSENTLoss", "row-aligned", "pairwise_dot_score");
            assertInputError(() -> CoSENTLoss.builder().similarityFct(SimilarityFunction.DOT_SCORE).build(), "CoSENTLoss", "row-aligned");
            assertInputError(() -> REGISTRY.create("CoSENTLoss", map("scale", "big")), "CoSENTLoss", "'scale'");
            assertInputError(() -> CoSENTLoss.builder().scale(Double.NaN).build(), "CoSENTLoss", "'scale'");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1)).withLabels(vec(1, 0, 1))), "CoSENTLoss", "got 1");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2))), "CoSENTLoss", "needs labels");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2)).withLabels(Nd4j.ones(DataType.DOUBLE, 3, 1))),
                    "CoSENTLoss", "rank 1");
        }

        @Test
        void matchesTheDefinitionOnLargeGaps() {
            // scale 20 on dot products makes differences of several hundred: the masked log-sum-exp must still
            // give log(1 + Σ exp(s_i - s_j)) with the kept entries exact
            INDArray a = emb(5, 3, 7).muli(3);
            INDArray b = emb(5, 3, 8).muli(3);
            double[] y = {0.1, 0.7, 0.3, 0.3, 0.9};
            CoSENTLoss l = CoSENTLoss.builder().similarityFct(SimilarityFunction.PAIRWISE_DOT_SCORE).build();
            double got = RUNNER.evaluate(l, LossBatch.of(a, b).withLabels(vec(y))).loss();
            double[] s = new double[5];
            for (int i = 0; i < 5; i++) {
                s[i] = 20 * a.getRow(i).mul(b.getRow(i)).sumNumber().doubleValue();
            }
            double max = 0;
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    if (y[i] < y[j]) {
                        max = Math.max(max, s[i] - s[j]);
                    }
                }
            }
            double acc = Math.exp(-max);
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    if (y[i] < y[j]) {
                        acc += Math.exp(s[i] - s[j] - max);
                    }
                }
            }
            assertEquals(max + Math.log(acc), got, 1e-9 * Math.max(1, Math.abs(got)));
        }

        @Test
        void allLabelsEqualGiveExactZeroInFloat() {
            LossEvaluation ev = new EmbeddingLossRunner(DataType.FLOAT).evaluate(CoSENTLoss.defaults(),
                    LossBatch.of(emb(4, 6, 9), emb(4, 6, 10)).withLabels(vec(0.3, 0.3, 0.3, 0.3)));
            assertEquals(0.0, ev.loss(), 0.0);
            assertEquals(0.0, ev.gradColumns().get(0).amaxNumber().doubleValue(), 0.0);
        }
    }

    // ----------------------------------------------------------------------------------------- AnglELoss

    @Nested
    class AnglE {
        @Test
        void defaultsAndConfig() {
            AnglELoss l = AnglELoss.defaults();
            assertEquals(20.0, l.scale());
            assertEquals(map("scale", 20.0, "similarity_fct", "pairwise_angle_sim"), l.config());
            assertEquals(Optional.of(Citations.LI_LI_2024_AOE), l.citation());
            // a saved config (both keys) loads back
            assertEquals(map("scale", 10.0, "similarity_fct", "pairwise_angle_sim"),
                    REGISTRY.create("AnglELoss", map("scale", 10.0, "similarity_fct", "pairwise_angle_sim")).config());
        }

        @Test
        void validation() {
            AnglELoss l = AnglELoss.defaults();
            assertInputError(() -> REGISTRY.create("AnglELoss", map("similarity_fct", "pairwise_cos_sim")),
                    "AnglELoss", "pairwise_angle_sim", "CoSENTLoss");
            assertInputError(() -> AnglELoss.builder().scale(Double.NaN).build(), "AnglELoss", "'scale'");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1)).withLabels(vec(1, 0, 1))), "AnglELoss", "got 1");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2))), "AnglELoss", "needs labels");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2)).withLabels(Nd4j.ones(DataType.DOUBLE, 3, 2))),
                    "AnglELoss", "rank 1");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2), emb(3, 6, 3))), "AnglELoss", "same width");
        }

        @Test
        void tuplesAreCoSENTOnStackedPairs() {
            INDArray a = emb(3, 5, 11);
            INDArray p = emb(3, 5, 12);
            INDArray n1 = emb(3, 5, 13);
            INDArray n2 = emb(3, 5, 14);
            double tuple = eval(AnglELoss.builder().scale(7).build(), LossBatch.of(a, p, n1, n2)).loss();
            CoSENTLoss cosent = CoSENTLoss.builder().scale(7).similarityFct(SimilarityFunction.PAIRWISE_ANGLE_SIM).build();
            double stacked = eval(cosent, LossBatch.of(Nd4j.vstack(a, a, a), Nd4j.vstack(p, n1, n2))
                    .withLabels(vec(1, 1, 1, 0, 0, 0, 0, 0, 0))).loss();
            assertEquals(stacked, tuple, 1e-10);
            assertTrue(tuple > 0);
        }

        @Test
        void pairsEqualCoSENTWithAngleSimilarity() {
            LossBatch b = LossBatch.of(emb(4, 7, 21), emb(4, 7, 22)).withLabels(vec(0.2, 0.9, 0.4, 0.1));
            double angle = eval(AnglELoss.defaults(), b).loss();
            double cosent = eval(CoSENTLoss.builder().similarityFct(SimilarityFunction.PAIRWISE_ANGLE_SIM).build(), b).loss();
            assertEquals(cosent, angle, 1e-12);
        }
    }

    // ------------------------------------------------------------------------------ CosineSimilarityLoss

    @Nested
    class CosineSimilarity {
        @Test
        void defaultsAndConfig() {
            CosineSimilarityLoss l = CosineSimilarityLoss.defaults();
            assertEquals(CosineSimilarityLoss.LossFct.MSE, l.lossFct());
            assertEquals(map("loss_fct", "torch.nn.modules.loss.MSELoss",
                    "cos_score_transformation", "torch.nn.modules.linear.Identity"), l.config());
            assertEquals(Optional.empty(), l.citation());
            assertEquals("torch.nn.modules.loss.L1Loss",
                    REGISTRY.create("CosineSimilarityLoss", map("loss_fct", "L1Loss")).config().get("loss_fct"));
        }

        @Test
        void validation() {
            assertInputError(() -> REGISTRY.create("CosineSimilarityLoss", map("loss_fct", "torch.nn.modules.loss.HuberLoss")),
                    "CosineSimilarityLoss", "'loss_fct'", "MSELoss", "L1Loss");
            assertInputError(() -> REGISTRY.create("CosineSimilarityLoss",
                    map("cos_score_transformation", "torch.nn.modules.activation.Tanh")),
                    "CosineSimilarityLoss", "'cos_score_transformation'", "Identity");
            CosineSimilarityLoss l = CosineSimilarityLoss.defaults();
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2))), "CosineSimilarityLoss", "needs labels");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2), emb(3, 4, 3)).withLabels(vec(1, 0, 1))),
                    "CosineSimilarityLoss", "got 3");
        }

        @Test
        void identicalRowsWithTargetOneGiveZero() {
            INDArray a = emb(3, 4, 31);
            assertEquals(0.0, eval(CosineSimilarityLoss.defaults(), LossBatch.of(a, a.dup()).withLabels(vec(1, 1, 1))).loss(), 1e-12);
        }
    }

    // --------------------------------------------------------------------------------------- SoftmaxLoss

    @Nested
    class Softmax {
        @Test
        void defaultsAndConfig() {
            SoftmaxLoss l = SoftmaxLoss.of(8, 3);
            assertTrue(l.concatenationSentRep());
            assertTrue(l.concatenationSentDifference());
            assertTrue(!l.concatenationSentMultiplication());
            assertEquals(42L, l.seed());
            assertEquals(3, l.featureParts());
            assertEquals(map("num_labels", 3, "concatenation_sent_rep", true, "concatenation_sent_difference", true,
                    "concatenation_sent_multiplication", false), l.config());
            assertEquals(Optional.of(Citations.REIMERS_2019_SENTENCE_BERT), l.citation());
            SentenceLoss r = REGISTRY.create("SoftmaxLoss", map("sentence_embedding_dimension", 4, "num_labels", 2,
                    "concatenation_sent_multiplication", true));
            assertEquals(4, ((SoftmaxLoss) r).embeddingDimension());
        }

        @Test
        void validation() {
            assertInputError(() -> REGISTRY.create("SoftmaxLoss", map("num_labels", 3)), "SoftmaxLoss", "'embedding_dimension'", "required");
            assertInputError(() -> REGISTRY.create("SoftmaxLoss", map("embedding_dimension", 8)), "SoftmaxLoss", "'num_labels'", "required");
            assertInputError(() -> REGISTRY.create("SoftmaxLoss", map("embedding_dimension", 8, "num_labels", 0)),
                    "SoftmaxLoss", "'num_labels'", "positive");
            assertInputError(() -> REGISTRY.create("SoftmaxLoss", map("embedding_dimension", 8, "sentence_embedding_dimension", 6,
                    "num_labels", 3)), "SoftmaxLoss", "disagree");
            assertInputError(() -> SoftmaxLoss.builder().embeddingDimension(8).numLabels(3).concatenationSentRep(false)
                    .concatenationSentDifference(false).build(), "SoftmaxLoss", "at least one", "concatenation_sent_multiplication");
            assertInputError(() -> REGISTRY.create("SoftmaxLoss", map("embedding_dimension", 8, "num_labels", 3,
                    "loss_fct", "torch.nn.modules.loss.NLLLoss")), "SoftmaxLoss", "'loss_fct'", "CrossEntropyLoss");
            SoftmaxLoss l = SoftmaxLoss.of(4, 3);
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 5, 1), emb(3, 5, 2)).withLabels(vec(0, 1, 2))),
                    "SoftmaxLoss", "embedding_dimension = 4", "width 5");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2)).withLabels(vec(0, 1.5, 2))),
                    "SoftmaxLoss", "integer class labels");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2))), "SoftmaxLoss", "needs labels");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2)).withLabels(vec(0, 3, 1))),
                    "SoftmaxLoss", "num_labels=3", "[0, 2]", "from 0 to 3");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2)).withLabels(vec(-1, 0, 1))),
                    "SoftmaxLoss", "from -1 to 1");
            assertInputError(() -> eval(l, LossBatch.of(emb(3, 4, 1), emb(3, 4, 2)).withLabels(Nd4j.zeros(DataType.DOUBLE, 3, 3))),
                    "SoftmaxLoss", "rank 1");
        }

        @Test
        void classifierIsInitialisedFromTheSeedAndTrainable() {
            LossBatch batch = LossBatch.of(emb(4, 4, 41), emb(4, 4, 42)).withLabels(vec(0, 2, 1, 2));
            SoftmaxLoss a = SoftmaxLoss.of(4, 3);
            SoftmaxLoss b = SoftmaxLoss.of(4, 3);
            SoftmaxLoss c = SoftmaxLoss.builder().embeddingDimension(4).numLabels(3).seed(7).build();
            LossEvaluation ea = eval(a, batch);
            LossEvaluation eb = eval(b, batch);
            LossEvaluation ec = eval(c, batch);
            assertEquals(ea.loss(), eb.loss(), 0.0);
            assertNotEquals(ea.loss(), ec.loss());
            INDArray w = a.parameterValues().get("classifier.weight");
            INDArray bias = a.parameterValues().get("classifier.bias");
            assertEquals(List.of(3L, 12L), List.of(w.size(0), w.size(1)));
            assertEquals(3L, bias.length());
            double bound = 1.0 / Math.sqrt(12);
            assertTrue(w.amaxNumber().doubleValue() <= bound && bias.amaxNumber().doubleValue() <= bound);
            assertEquals(w, b.parameterValues().get("classifier.weight"));
            assertEquals(List.of("classifier.weight", "classifier.bias"), List.copyOf(ea.gradParameters().keySet()));
            assertTrue(ea.gradParameters().get("classifier.weight").amaxNumber().doubleValue() > 0);
            // the gradients of the bias of a mean cross-entropy sum to zero over the classes
            assertEquals(0.0, ea.gradParameters().get("classifier.bias").sumNumber().doubleValue(), 1e-12);
        }
    }
}
