package org.sentence4j.losses.distillation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sentence4j.losses.LossTestSupport.assertMentions;
import static org.sentence4j.losses.LossTestSupport.eval;
import static org.sentence4j.losses.LossTestSupport.fails;
import static org.sentence4j.losses.LossTestSupport.map;
import static org.sentence4j.losses.LossTestSupport.random;

import java.util.ArrayList;
import java.util.HashMap;
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
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;
import org.sentence4j.losses.similarity.SimilarityFunction;

/** Validation, configuration, defaults and small hand-computed values of the distillation losses. */
class TestDistillationLosses {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();

    // ---------------------------------------------------------------------------------------- MSELoss

    @Nested
    class MSE {

        @Test
        void defaultsConfigAndCitation() {
            MSELoss loss = MSELoss.defaults();
            assertEquals("MSELoss", loss.name());
            assertNull(loss.projectionDim());
            Map<String, Object> expected = new HashMap<>();
            expected.put("projection_dim", null);
            assertEquals(expected, loss.config());
            assertEquals(List.of("projection_dim"), new ArrayList<>(loss.config().keySet()));
            assertEquals(Citations.REIMERS_2020_MULTILINGUAL_SENTENCE_BERT, loss.citation().orElseThrow());
            assertEquals(16, ((MSELoss) REGISTRY.create("MSELoss", map("projection_dim", 16))).projectionDim());
            assertNull(((MSELoss) REGISTRY.create("MSELoss", map("projection_dim", null))).projectionDim());
            assertEquals(Map.of("projection_dim", 16), MSELoss.builder().projectionDim(16).build().config());
        }

        @Test
        void badOptions() {
            assertMentions(assertThrows(LossInputException.class, () -> MSELoss.builder().projectionDim(0).build()),
                    "MSELoss", "projection_dim");
            assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("MSELoss", map("projection_dim", 2.5))),
                    "projection_dim", "integer");
            assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("MSELoss", map("scale", 1.0))),
                    "MSELoss", "scale");
        }

        @Test
        void valueIsMeanOverColumnsOfMeanSquaredError() {
            INDArray a = random(1, 3, 4);
            INDArray b = random(2, 3, 4);
            INDArray t = random(3, 3, 4);
            double shared = (a.sub(t).mul(a.sub(t)).meanNumber().doubleValue() + b.sub(t).mul(b.sub(t)).meanNumber().doubleValue()) / 2;
            assertEquals(shared, eval(MSELoss.defaults(), t, a, b).loss(), 1e-12);

            INDArray t3 = random(4, 3, 2, 4);
            INDArray t0 = t3.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            INDArray t1 = t3.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            double perColumn = (a.sub(t0).mul(a.sub(t0)).meanNumber().doubleValue() + b.sub(t1).mul(b.sub(t1)).meanNumber().doubleValue()) / 2;
            LossEvaluation e = eval(MSELoss.defaults(), t3, a, b);
            assertEquals(perColumn, e.loss(), 1e-12);
            // d/dE_c = 2 (E_c - T_c) / (k B D)
            assertTrue(e.gradColumns().get(1).equalsWithEps(b.sub(t1).mul(2.0 / (2 * 3 * 4)), 1e-12));
        }

        @Test
        void validationErrors() {
            INDArray e = random(1, 3, 4);
            assertMentions(fails(MSELoss.defaults(), null, e), "MSELoss", "needs labels");
            assertMentions(fails(MSELoss.defaults(), random(2, 3), e), "MSELoss", "rank 2 or 3");
            assertMentions(fails(MSELoss.defaults(), random(2, 3, 3, 4), e, e), "3 column(s)", "2 input column(s)");
            assertMentions(fails(MSELoss.defaults(), random(2, 3, 5), e), "teacher", "width 5", "width 4", "projection_dim=5");
            assertMentions(fails(MSELoss.defaults(), random(2, 3, 4), e, random(3, 3, 5)), "same embedding width");
            assertMentions(fails(MSELoss.defaults(), random(2, 2, 4), e), "labels have 2 rows", "3");
            assertMentions(fails(MSELoss.builder().projectionDim(6).build(), random(2, 3, 4), e),
                    "teacher", "width 4", "projection_dim");
        }

        @Test
        void projectionShapesInitAndGradientFlow() {
            long b = 3;
            long d = 4;
            int p = 2;
            MSELoss loss = MSELoss.builder().projectionDim(p).seed(7).build();
            INDArray x = random(1, b, d);
            INDArray y = random(2, b, d);
            INDArray teacher = random(3, b, p);
            LossEvaluation e = eval(loss, teacher, x, y);

            INDArray w = loss.parameterValues().get(MSELoss.PROJECTION_WEIGHT);
            INDArray bias = loss.parameterValues().get(MSELoss.PROJECTION_BIAS);
            assertArrayEquals(new long[] {p, d}, w.shape());
            assertArrayEquals(new long[] {p}, bias.shape());
            double bound = 1.0 / Math.sqrt(d);
            assertTrue(w.amaxNumber().doubleValue() <= bound && bias.amaxNumber().doubleValue() <= bound, "PyTorch Linear init bound");
            assertTrue(w.amaxNumber().doubleValue() > 0, "weights are random, not zero");

            // value and gradients against a hand computation
            INDArray px = x.mmul(w.transpose()).addRowVector(bias);
            INDArray py = y.mmul(w.transpose()).addRowVector(bias);
            INDArray rx = px.sub(teacher);
            INDArray ry = py.sub(teacher);
            double want = (rx.mul(rx).meanNumber().doubleValue() + ry.mul(ry).meanNumber().doubleValue()) / 2;
            assertEquals(want, e.loss(), 1e-12);
            double c = 2.0 / (2 * b * p);
            INDArray gw = rx.transpose().mmul(x).add(ry.transpose().mmul(y)).mul(c);
            INDArray gb = rx.sum(0).add(ry.sum(0)).mul(c);
            INDArray gx = rx.mmul(w).mul(c);
            assertTrue(e.gradParameters().get(MSELoss.PROJECTION_WEIGHT).reshape(p, d).equalsWithEps(gw, 1e-12));
            assertTrue(e.gradParameters().get(MSELoss.PROJECTION_BIAS).reshape(p).equalsWithEps(gb, 1e-12));
            assertTrue(e.gradColumns().get(0).equalsWithEps(gx, 1e-12));

            // the same parameters are reused by the next graph; a seed makes the initialisation reproducible
            eval(loss, teacher, x, y);
            assertTrue(loss.parameterValues().get(MSELoss.PROJECTION_WEIGHT).equalsWithEps(w, 0));
            MSELoss same = MSELoss.builder().projectionDim(p).seed(7).build();
            eval(same, teacher, x, y);
            assertTrue(same.parameterValues().get(MSELoss.PROJECTION_WEIGHT).equalsWithEps(w, 0));
            MSELoss other = MSELoss.builder().projectionDim(p).seed(8).build();
            eval(other, teacher, x, y);
            assertFalse(other.parameterValues().get(MSELoss.PROJECTION_WEIGHT).equalsWithEps(w, 1e-9));

            // per-column teachers [B, k, P] and a float32 graph work too
            LossEvaluation e3 = eval(loss, random(4, b, 2, p), x, y);
            assertArrayEquals(new long[] {b, d}, e3.gradColumns().get(1).shape());
            LossEvaluation f = new EmbeddingLossRunner(DataType.FLOAT).evaluate(loss, LossBatch.of(x, y).withLabels(teacher));
            assertEquals(want, f.loss(), 1e-5);

            // the projection is fixed to its input width once created
            assertMentions(fails(loss, teacher, random(5, b, d + 1)), "projection maps 4-dim", "width 5");
        }
    }

    // ---------------------------------------------------------------------------------------- MarginMSELoss

    @Nested
    class MarginMSE {

        @Test
        void defaultsConfigAndCitation() {
            MarginMSELoss loss = MarginMSELoss.defaults();
            assertEquals("MarginMSELoss", loss.name());
            assertEquals(SimilarityFunction.PAIRWISE_DOT_SCORE, loss.similarityFct());
            assertEquals(Map.of("similarity_fct", "pairwise_dot_score"), loss.config());
            assertEquals(Citations.HOFSTATTER2021IMPROVING, loss.citation().orElseThrow());
            assertEquals(Map.of("similarity_fct", "pairwise_cos_sim"),
                    REGISTRY.create("MarginMSELoss", map("similarity_fct", "pairwise_cos_sim")).config());
        }

        @Test
        void badOptions() {
            assertMentions(assertThrows(LossInputException.class,
                    () -> REGISTRY.create("MarginMSELoss", map("similarity_fct", "cos_sim"))), "MarginMSELoss", "row-aligned");
            assertMentions(assertThrows(LossInputException.class,
                    () -> REGISTRY.create("MarginMSELoss", map("similarity_fct", "nope"))), "Unknown similarity", "nope");
            assertMentions(assertThrows(LossInputException.class,
                    () -> MarginMSELoss.builder().similarityFct(SimilarityFunction.DOT_SCORE).build()), "row-aligned");
            assertMentions(assertThrows(LossInputException.class,
                    () -> REGISTRY.create("MarginMSELoss", map("margin", 1))), "MarginMSELoss", "margin");
        }

        @Test
        void labelShapesMeanTheSameMargins() {
            INDArray q = random(1, 4, 3);
            INDArray p = random(2, 4, 3);
            INDArray n = random(3, 4, 3);
            INDArray scores = random(4, 4, 2);
            INDArray margins = scores.getColumn(0).sub(scores.getColumn(1));
            INDArray pred = q.mul(p).sum(1).sub(q.mul(n).sum(1));
            double want = pred.sub(margins).mul(pred.sub(margins)).meanNumber().doubleValue();
            MarginMSELoss loss = MarginMSELoss.defaults();
            assertEquals(want, eval(loss, scores, q, p, n).loss(), 1e-12);
            assertEquals(want, eval(loss, margins.reshape(4), q, p, n).loss(), 1e-12);
            assertEquals(want, eval(loss, margins.reshape(4, 1), q, p, n).loss(), 1e-12);

            // two negatives: [B, 3] scores equal [B, 2] margins
            INDArray n2 = random(5, 4, 3);
            INDArray s3 = random(6, 4, 3);
            INDArray m2 = Nd4j.hstack(s3.getColumn(0).sub(s3.getColumn(1)).reshape(4, 1), s3.getColumn(0).sub(s3.getColumn(2)).reshape(4, 1));
            assertEquals(eval(loss, s3, q, p, n, n2).loss(), eval(loss, m2, q, p, n, n2).loss(), 1e-12);
        }

        @Test
        void validationErrors() {
            INDArray e = random(1, 4, 3);
            MarginMSELoss loss = MarginMSELoss.defaults();
            assertMentions(fails(loss, random(2, 4), e, e), "MarginMSELoss", "at least 3", "got 2");
            assertMentions(fails(loss, null, e, e, e), "needs labels");
            assertMentions(fails(loss, random(2, 4), e, e, e, e), "one margin per row", "2 negative columns");
            assertMentions(fails(loss, random(2, 4, 4), e, e, e), "[4, 4]", "[batch, 2] teacher scores", "[batch, 1] margins");
            assertMentions(fails(loss, random(2, 4, 1), e, e, e, e), "[4, 1]", "[batch, 3]", "[batch, 2]");
            assertMentions(fails(loss, random(2, 4, 2, 1), e, e, e), "rank 1 or 2");
        }
    }

    // ---------------------------------------------------------------------------------------- DistillKLDivLoss

    @Nested
    class DistillKLDiv {

        @Test
        void defaultsConfigAndCitation() {
            DistillKLDivLoss loss = DistillKLDivLoss.defaults();
            assertEquals("DistillKLDivLoss", loss.name());
            assertEquals(SimilarityFunction.PAIRWISE_DOT_SCORE, loss.similarityFct());
            assertEquals(1.0, loss.temperature());
            assertEquals(1.0, loss.effectiveStudentTemperature());
            assertEquals(1.0, loss.effectiveTeacherTemperature());
            assertEquals(List.of("similarity_fct", "temperature"), new ArrayList<>(loss.config().keySet()));
            assertEquals(map("similarity_fct", "pairwise_dot_score", "temperature", 1.0), loss.config());
            assertEquals(Citations.LIN2020DISTILLINGDENSEREPRESENTATIONSRANKING, loss.citation().orElseThrow());
        }

        @Test
        void configReportsSpecificTemperaturesOnlyWhenTheyDiffer() {
            Map<String, Object> both = REGISTRY.create("DistillKLDivLoss", map("similarity_fct", "pairwise_dot_score",
                    "temperature", 1.0, "student_temperature", 2.0, "teacher_temperature", 0.5)).config();
            assertEquals(List.of("similarity_fct", "temperature", "student_temperature", "teacher_temperature"),
                    new ArrayList<>(both.keySet()));
            assertEquals(2.0, both.get("student_temperature"));
            assertEquals(0.5, both.get("teacher_temperature"));
            assertEquals(map("similarity_fct", "pairwise_dot_score", "temperature", 2.0, "teacher_temperature", 4.0),
                    REGISTRY.create("DistillKLDivLoss", map("temperature", 2.0, "student_temperature", null,
                            "teacher_temperature", 4.0)).config());
            // an explicit value equal to temperature is not a difference
            assertEquals(map("similarity_fct", "pairwise_cos_sim", "temperature", 3.0),
                    DistillKLDivLoss.builder().similarityFct("pairwise_cos_sim").temperature(3.0).studentTemperature(3.0).build().config());
        }

        @Test
        void badOptions() {
            for (String option : List.of("temperature", "student_temperature", "teacher_temperature")) {
                for (Object bad : List.of(0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY)) {
                    assertMentions(assertThrows(LossInputException.class,
                            () -> REGISTRY.create("DistillKLDivLoss", map(option, bad)), option + "=" + bad),
                            "DistillKLDivLoss", "'" + option + "'", "finite number > 0");
                }
            }
            assertMentions(assertThrows(LossInputException.class,
                    () -> REGISTRY.create("DistillKLDivLoss", map("similarity_fct", "dot_score"))), "row-aligned");
            assertMentions(assertThrows(LossInputException.class,
                    () -> REGISTRY.create("DistillKLDivLoss", map("similarity_fct", "pairwise_foo"))), "Unknown similarity");
        }

        @Test
        void valueMatchesHandComputedKlTimesStudentTemperatureSquared() {
            INDArray q = random(1, 3, 4);
            INDArray c1 = random(2, 3, 4);
            INDArray c2 = random(3, 3, 4);
            INDArray c3 = random(4, 3, 4);
            INDArray teacher = random(5, 3, 3);
            double ts = 2.0;
            double tt = 0.5;
            INDArray s = Nd4j.hstack(q.mul(c1).sum(1).reshape(3, 1), q.mul(c2).sum(1).reshape(3, 1), q.mul(c3).sum(1).reshape(3, 1));
            double want = 0;
            for (int i = 0; i < 3; i++) {
                double[] ls = logSoftmax(s.getRow(i).toDoubleVector(), ts);
                double[] lt = logSoftmax(teacher.getRow(i).toDoubleVector(), tt);
                for (int k = 0; k < 3; k++) {
                    want += Math.exp(lt[k]) * (lt[k] - ls[k]);
                }
            }
            want = want / 3 * ts * ts;
            DistillKLDivLoss loss = DistillKLDivLoss.builder().studentTemperature(ts).teacherTemperature(tt).build();
            assertEquals(want, eval(loss, teacher, q, c1, c2, c3).loss(), 1e-12);

            // a student that reproduces the teacher's scores has zero loss and zero gradient
            LossEvaluation same = eval(DistillKLDivLoss.defaults(), s, q, c1, c2, c3);
            assertEquals(0.0, same.loss(), 1e-12);
            assertEquals(0.0, same.gradColumns().get(0).amaxNumber().doubleValue(), 1e-12);
        }

        private double[] logSoftmax(double[] x, double t) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : x) {
                max = Math.max(max, v / t);
            }
            double sum = 0;
            for (double v : x) {
                sum += Math.exp(v / t - max);
            }
            double lse = max + Math.log(sum);
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = x[i] / t - lse;
            }
            return out;
        }

        @Test
        void validationErrors() {
            INDArray e = random(1, 4, 3);
            DistillKLDivLoss loss = DistillKLDivLoss.defaults();
            assertMentions(fails(loss, random(2, 4, 1), e, e), "DistillKLDivLoss", "at least 3", "got 2");
            assertMentions(fails(loss, null, e, e, e), "needs labels");
            assertMentions(fails(loss, random(2, 4), e, e, e), "rank 2");
            assertMentions(fails(loss, random(2, 4, 3), e, e, e), "[batch, 2]", "[4, 3]");
            assertMentions(fails(loss, random(2, 4, 1), e, e, e), "[batch, 2]", "[4, 1]");
        }
    }

    @Test
    void everyLossIsRegistered() {
        for (String name : List.of("MSELoss", "MarginMSELoss", "DistillKLDivLoss")) {
            assertTrue(REGISTRY.contains(name), name);
            SentenceLoss loss = REGISTRY.create(name, Map.of());
            assertEquals(name, loss.name());
            assertNotNull(loss.inputFormat());
            assertNotEquals(0, loss.config().size());
        }
    }
}
