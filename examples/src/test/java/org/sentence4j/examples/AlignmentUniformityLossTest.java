package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

/** The README's custom loss: two named components, their sum, its gradient and its validation. */
class AlignmentUniformityLossTest {

    @Test
    void returnsTwoNamedComponentsThatSumToTheLoss() {
        Nd4j.getRandom().setSeed(3);
        INDArray a = Nd4j.randn(DataType.DOUBLE, 5, 6);
        INDArray p = Nd4j.randn(DataType.DOUBLE, 5, 6);
        LossEvaluation e = new EmbeddingLossRunner(DataType.DOUBLE).evaluate(new AlignmentUniformityLoss(2.0), LossBatch.of(a, p));
        assertEquals(List.of("alignment", "uniformity"), List.copyOf(e.components().keySet()));
        assertEquals(e.loss(), e.components().get("alignment") + e.components().get("uniformity"), 1e-12);

        // reference values computed directly
        INDArray an = a.divColumnVector(a.norm2(1));
        INDArray pn = p.divColumnVector(p.norm2(1));
        double align = 0;
        for (int i = 0; i < 5; i++) {
            align += Math.pow(an.getRow(i).distance2(pn.getRow(i)), 2);
        }
        assertEquals(align / 5, e.components().get("alignment"), 1e-10);
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                if (i != j) {
                    sum += Math.exp(-2.0 * Math.pow(an.getRow(i).distance2(an.getRow(j)), 2));
                }
            }
        }
        assertEquals(Math.log(sum / 20), e.components().get("uniformity"), 1e-10);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Nd4j.getRandom().setSeed(4);
        INDArray a = Nd4j.randn(DataType.DOUBLE, 4, 3);
        INDArray p = Nd4j.randn(DataType.DOUBLE, 4, 3);
        AlignmentUniformityLoss loss = new AlignmentUniformityLoss(2.0);
        EmbeddingLossRunner runner = new EmbeddingLossRunner(DataType.DOUBLE);
        EmbeddingLossRunner.Prepared prepared = runner.prepare(loss, LossBatch.of(a, p));
        INDArray g = prepared.evaluate().gradColumns().get(0);
        double h = 1e-6;
        for (int i = 0; i < a.length(); i++) {
            INDArray x = a.dup();
            x.reshape(-1).putScalar(i, a.reshape(-1).getDouble(i) + h);
            double plus = prepared.value(Map.of("column_0", x)).loss();
            x.reshape(-1).putScalar(i, a.reshape(-1).getDouble(i) - h);
            double minus = prepared.value(Map.of("column_0", x)).loss();
            assertEquals((plus - minus) / (2 * h), g.reshape(-1).getDouble(i), 1e-6);
        }
    }

    @Test
    void rejectsAThirdColumn() {
        INDArray a = Nd4j.randn(DataType.DOUBLE, 4, 3);
        LossInputException e = assertThrows(LossInputException.class, () ->
                new EmbeddingLossRunner(DataType.DOUBLE).evaluate(new AlignmentUniformityLoss(2.0), LossBatch.of(a, a, a)));
        assertTrue(e.getMessage().contains("AlignmentUniformityLoss expects 2 input column(s)"), e.getMessage());
    }
}
