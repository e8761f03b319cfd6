package org.sentence4j.losses.regularization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sentence4j.losses.LossTestSupport.assertMentions;
import static org.sentence4j.losses.LossTestSupport.eval;
import static org.sentence4j.losses.LossTestSupport.fails;
import static org.sentence4j.losses.LossTestSupport.map;
import static org.sentence4j.losses.LossTestSupport.random;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.distillation.EmbedDistillLoss;
import org.sentence4j.losses.runner.LossEvaluation;

/**
 * The two losses sentence-transformers v6 added beyond the seed's table: options, configuration, bad input
 * and the numbers that follow from their definitions (the golden fixtures in {@code losses-v6} check the
 * values and gradients against the reference).
 */
class V6LossesTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();

    @Test
    void gorComponentsFollowTheWeightsAndAreNamed() {
        INDArray a = random(1, 6, 8);
        INDArray b = random(2, 6, 8);
        LossEvaluation both = eval(GlobalOrthogonalRegularizationLoss.defaults(), null, a, b);
        assertEquals(List.of("gor_mean", "gor_second_moment"), List.copyOf(both.components().keySet()));
        assertEquals(both.components().get("gor_mean") + both.components().get("gor_second_moment"), both.loss(), 1e-12);
        // "sum" over two columns is twice "mean"; a weight scales its component alone
        LossEvaluation sum = eval(REGISTRY.create("GlobalOrthogonalRegularizationLoss",
                map("aggregation", "sum", "mean_weight", 0.5, "second_moment_weight", null)), null, a, b);
        assertEquals(List.of("gor_mean"), List.copyOf(sum.components().keySet()));
        assertEquals(both.components().get("gor_mean"), sum.loss(), 1e-12);
    }

    @Test
    void gorMeanTermOfOneColumnByHand() {
        INDArray x = random(3, 4, 5);
        INDArray n = x.div(x.norm2(1).reshape(4, 1));
        double[][] s = n.mmul(n.transpose()).toDoubleMatrix();
        double m1 = 0;
        double m2 = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (i != j) {
                    m1 += s[i][j] / 12;
                    m2 += s[i][j] * s[i][j] / 12;
                }
            }
        }
        LossEvaluation e = eval(GlobalOrthogonalRegularizationLoss.defaults(), null, x);
        assertEquals(m1 * m1, e.components().get("gor_mean"), 1e-12);
        assertEquals(Math.max(0, m2 - 1.0 / 5), e.components().get("gor_second_moment"), 1e-12);
    }

    @Test
    void gorRejectsBadOptions() {
        assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("GlobalOrthogonalRegularizationLoss",
                map("mean_weight", 0.0, "second_moment_weight", null))), "mean_weight", "second_moment_weight");
        assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("GlobalOrthogonalRegularizationLoss",
                map("aggregation", "max"))), "aggregation", "max");
        assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("GlobalOrthogonalRegularizationLoss",
                map("similarity_fct", "pairwise_cos_sim"))), "all-pairs", "pairwise_cos_sim");
        Map<String, Object> config = GlobalOrthogonalRegularizationLoss.defaults().config();
        assertEquals(Map.of("similarity_fct", "cos_sim", "mean_weight", 1.0, "second_moment_weight", 1.0, "aggregation", "mean"), config);
        assertEquals(Citations.ZHANG2017LEARNINGSPREADOUTLOCALFEATURE, GlobalOrthogonalRegularizationLoss.defaults().citation().orElseThrow());
    }

    @Test
    void embedDistillMetricsByHand() {
        INDArray x = random(4, 3, 4);
        INDArray t = random(5, 3, 4);
        double cos = 0;
        double l2 = 0;
        for (int i = 0; i < 3; i++) {
            INDArray xi = x.getRow(i);
            INDArray ti = t.getRow(i);
            cos += (1 - xi.mul(ti).sumNumber().doubleValue() / (xi.norm2Number().doubleValue() * ti.norm2Number().doubleValue())) / 3;
            l2 += xi.sub(ti).norm2Number().doubleValue() / 3;
        }
        double mse = x.sub(t).mul(x.sub(t)).meanNumber().doubleValue();
        assertEquals(cos, eval(EmbedDistillLoss.defaults(), t, x).loss(), 1e-12);
        assertEquals(l2, eval(REGISTRY.create("EmbedDistillLoss", map("distance_metric", "l2")), t, x).loss(), 1e-12);
        assertEquals(mse, eval(REGISTRY.create("EmbedDistillLoss", map("distance_metric", "mse")), t, x).loss(), 1e-12);
        assertEquals(mse, eval(REGISTRY.create("MSELoss", Map.of()), t, x).loss(), 1e-12, "MSELoss is the mse metric");
    }

    @Test
    void embedDistillRejectsBadInput() {
        assertMentions(assertThrows(LossInputException.class, () -> REGISTRY.create("EmbedDistillLoss",
                map("distance_metric", "manhattan"))), "distance_metric", "manhattan", "cosine");
        // a teacher of another width: both widths and the way out are named
        assertMentions(fails(EmbedDistillLoss.defaults(), random(6, 3, 6), random(7, 3, 4)), "6", "4", "projection_dim");
        assertMentions(fails(EmbedDistillLoss.defaults(), null, random(7, 3, 4)), "EmbedDistillLoss", "labels");
        // per-column teachers for 2 columns, but 3 columns given
        assertMentions(fails(EmbedDistillLoss.defaults(), random(8, 3, 2, 4), random(9, 3, 4), random(10, 3, 4), random(11, 3, 4)),
                "2 column", "3 input column");
        assertEquals(Map.of("distance_metric", "cosine"), Map.of("distance_metric", EmbedDistillLoss.defaults().config().get("distance_metric")));
        assertTrue(EmbedDistillLoss.defaults().config().containsKey("projection_dim"));
        assertEquals(Citations.KIM2023EMBEDDISTILL, EmbedDistillLoss.defaults().citation().orElseThrow());
    }
}
