package org.sentence4j.losses.unsupervised;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sentence4j.losses.LossTestSupport.RUNNER;
import static org.sentence4j.losses.LossTestSupport.assertMentions;
import static org.sentence4j.losses.LossTestSupport.eval;
import static org.sentence4j.losses.LossTestSupport.fails;
import static org.sentence4j.losses.LossTestSupport.map;
import static org.sentence4j.losses.LossTestSupport.random;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;
import org.sentence4j.losses.similarity.SimilarityFunction;

/** Validation, configuration, defaults and small hand-computed values of the Contrastive Tension losses. */
class TestUnsupervisedLosses {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();

    @Nested
    class ContrastiveTension {

        @Test
        void configAndCitation() {
            SentenceLoss loss = REGISTRY.create("ContrastiveTensionLoss", Map.of());
            assertEquals("ContrastiveTensionLoss", loss.name());
            assertEquals(Map.of(), loss.config());
            assertEquals(Citations.CARLSSON2021SEMANTIC, loss.citation().orElseThrow());
            assertTrue(loss.citation().orElseThrow().contains("carlsson2021semantic"));
            assertMentions(assertThrows(LossInputException.class,
                    () -> REGISTRY.create("ContrastiveTensionLoss", map("scale", 20.0))), "ContrastiveTensionLoss", "'scale'");
        }

        @Test
        void valueIsSummedBinaryCrossEntropyOfDotProducts() {
            INDArray a = random(1, 5, 4);
            INDArray b = random(2, 5, 4).mul(3); // large logits exercise the stable form
            INDArray y = Nd4j.create(new double[] {1, 0, 0, 1, 0}, new long[] {5}, DataType.DOUBLE);
            double want = 0;
            double[] z = a.mul(b).sum(1).toDoubleVector();
            for (int i = 0; i < 5; i++) {
                want += Math.log1p(Math.exp(-Math.abs(z[i]))) + Math.max(z[i], 0) - y.getDouble(i) * z[i];
            }
            LossEvaluation e = eval(ContrastiveTensionLoss.defaults(), y, a, b);
            assertEquals(want, e.loss(), 1e-10);
            // d/da_i = (sigmoid(z_i) - y_i) b_i
            for (int i = 0; i < 5; i++) {
                double g = 1 / (1 + Math.exp(-z[i])) - y.getDouble(i);
                assertTrue(e.gradColumns().get(0).getRow(i).equalsWithEps(b.getRow(i).mul(g), 1e-10));
            }
        }

        @Test
        void validationErrors() {
            INDArray e = random(1, 3, 4);
            INDArray y = Nd4j.create(new double[] {1, 0, 0}, new long[] {3}, DataType.DOUBLE);
            ContrastiveTensionLoss loss = ContrastiveTensionLoss.defaults();
            assertMentions(fails(loss, y, e), "ContrastiveTensionLoss", "expects 2", "got 1");
            assertMentions(fails(loss, y, e, e, e), "expects 2", "got 3");
            assertMentions(fails(loss, null, e, e), "needs labels", "1 for a positive pair");
            assertMentions(fails(loss, random(2, 3, 1), e, e), "rank 1");
            assertMentions(fails(loss, Nd4j.create(new double[] {1, 0.5, 0}, new long[] {3}, DataType.DOUBLE), e, e),
                    "labels 1", "non-integer");
            assertMentions(fails(loss, y, e, random(3, 3, 5)), "same width");
            assertMentions(fails(loss, Nd4j.create(new double[] {1, 0}, new long[] {2}, DataType.DOUBLE), e, e), "labels have 2 rows");
        }
    }

    @Nested
    class InBatchNegatives {

        @Test
        void defaultsConfigAndCitation() {
            ContrastiveTensionLossInBatchNegatives loss = ContrastiveTensionLossInBatchNegatives.defaults();
            assertEquals("ContrastiveTensionLossInBatchNegatives", loss.name());
            assertEquals(SimilarityFunction.COS_SIM, loss.similarityFct());
            assertEquals(2.9957323f, loss.initialLogitScale());
            assertEquals((float) Math.log(20.0), (float) loss.logitScale());
            assertEquals(map("scale", 20.0, "similarity_fct", "cos_sim"), loss.config());
            assertEquals(Citations.CARLSSON2021SEMANTIC, loss.citation().orElseThrow());
            assertEquals(map("scale", 1.0, "similarity_fct", "dot_score"),
                    REGISTRY.create("ContrastiveTensionLossInBatchNegatives", map("scale", 1.0, "similarity_fct", "dot_score")).config());
        }

        @Test
        void configReportsTheCurrentScale() {
            ContrastiveTensionLossInBatchNegatives loss = ContrastiveTensionLossInBatchNegatives.defaults();
            eval(loss, null, random(1, 3, 4), random(2, 3, 4));
            assertNotNull(loss.parameterValues().get(ContrastiveTensionLossInBatchNegatives.LOGIT_SCALE));
            assertEquals(20.0, (double) loss.config().get("scale"), 1e-5);
            loss.setParameterValue(ContrastiveTensionLossInBatchNegatives.LOGIT_SCALE, Nd4j.scalar(DataType.FLOAT, 3.5));
            assertEquals((double) (float) Math.exp(3.5), loss.config().get("scale"));
            assertEquals(3.5, loss.logitScale(), 0);
        }

        @Test
        void badOptions() {
            for (double bad : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
                assertMentions(assertThrows(LossInputException.class,
                        () -> REGISTRY.create("ContrastiveTensionLossInBatchNegatives", map("scale", bad))),
                        "ContrastiveTensionLossInBatchNegatives", "'scale'", "> 0");
            }
            assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("ContrastiveTensionLossInBatchNegatives",
                    map("similarity_fct", "pairwise_cos_sim"))), "all-pairs", "pairwise_cos_sim");
            assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("ContrastiveTensionLossInBatchNegatives",
                    map("similarity_fct", "cosine"))), "Unknown similarity", "cosine");
            assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("ContrastiveTensionLossInBatchNegatives",
                    map("temperature", 0.05))), "'temperature'");
        }

        @Test
        void valueAndLogitScaleGradient() {
            INDArray a = random(1, 4, 3);
            INDArray b = random(2, 4, 3);
            double ls = 0.7;
            ContrastiveTensionLossInBatchNegatives loss = ContrastiveTensionLossInBatchNegatives.builder().similarityFct("dot_score").build();
            LossEvaluation e = RUNNER.evaluate(loss, LossBatch.of(a, b).withParameter("logit_scale", Nd4j.scalar(ls)));
            assertEquals(reference(a, b, ls), e.loss(), 1e-10);
            double h = 1e-6;
            double fd = (reference(a, b, ls + h) - reference(a, b, ls - h)) / (2 * h);
            INDArray g = e.gradParameters().get("logit_scale");
            assertNotNull(g);
            assertEquals(1, g.length());
            assertEquals(fd, g.getDouble(0), 1e-6);
        }

        /** (CE over rows + CE over columns) / 2 of dot products scaled by exp(ls), in plain Java. */
        private double reference(INDArray a, INDArray b, double ls) {
            INDArray s = a.mmul(b.transpose()).mul(Math.exp(ls));
            int n = (int) s.rows();
            double rows = 0;
            double cols = 0;
            for (int i = 0; i < n; i++) {
                double lr = 0;
                double lc = 0;
                for (int j = 0; j < n; j++) {
                    lr += Math.exp(s.getDouble(i, j));
                    lc += Math.exp(s.getDouble(j, i));
                }
                rows += Math.log(lr) - s.getDouble(i, i);
                cols += Math.log(lc) - s.getDouble(i, i);
            }
            return (rows / n + cols / n) / 2;
        }

        @Test
        void validationErrors() {
            INDArray e = random(1, 3, 4);
            ContrastiveTensionLossInBatchNegatives loss = ContrastiveTensionLossInBatchNegatives.defaults();
            assertMentions(fails(loss, null, e), "ContrastiveTensionLossInBatchNegatives", "expects 2", "tower_1", "got 1");
            assertMentions(fails(loss, null, e, e, e), "expects 2", "got 3");
            assertMentions(fails(loss, Nd4j.create(new double[] {1, 0, 0}, new long[] {3}, DataType.DOUBLE), e, e), "takes no labels");
            assertMentions(fails(loss, null, e, random(2, 3, 5)), "same width");
            assertMentions(fails(loss, null, e, random(2, 2, 4)), "same batch size");
        }
    }

    @Test
    void everyLossIsRegistered() {
        for (String name : List.of("ContrastiveTensionLoss", "ContrastiveTensionLossInBatchNegatives")) {
            assertTrue(REGISTRY.contains(name), name);
            assertEquals(name, REGISTRY.create(name, Map.of()).name());
        }
    }
}
