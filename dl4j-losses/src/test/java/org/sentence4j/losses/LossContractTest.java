package org.sentence4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;
import org.sentence4j.losses.similarity.SimilarityFunction;

/** The contract's shared validation and plumbing, exercised with small losses defined here. */
class LossContractTest {

    /** Mean squared norm of the first column; labels per the given format. */
    private static final class ProbeLoss extends AbstractSentenceLoss {
        private final InputFormat format;

        ProbeLoss(InputFormat format) {
            this.format = format;
        }

        @Override
        public String name() {
            return "ProbeLoss";
        }

        @Override
        public InputFormat inputFormat() {
            return format;
        }

        @Override
        protected LossOutput compute(LossInputs in) {
            SDVariable x = in.column(0);
            return LossOutput.of(x.mul(x).sum(1).mean());
        }

        @Override
        public Map<String, Object> config() {
            return Map.of();
        }
    }

    private static final EmbeddingLossRunner RUNNER = new EmbeddingLossRunner(DataType.DOUBLE);

    private static INDArray rows(int n) {
        return Nd4j.rand(DataType.DOUBLE, n, 4);
    }

    private static String failure(SentenceLoss loss, LossBatch batch) {
        return assertThrows(LossInputException.class, () -> RUNNER.evaluate(loss, batch)).getMessage();
    }

    @Test
    void wrongColumnCountNamesTheLossAndTheExpectation() {
        ProbeLoss loss = new ProbeLoss(InputFormat.unlabeled(2, 2, "(anchor, positive)"));
        String m = failure(loss, LossBatch.of(rows(3)));
        assertTrue(m.contains("ProbeLoss expects 2 input column(s) (anchor, positive), but got 1"), m);
        ProbeLoss atLeast = new ProbeLoss(InputFormat.unlabeled(2, Integer.MAX_VALUE, "(anchor, positive, ...)"));
        assertTrue(failure(atLeast, LossBatch.of(rows(3))).contains("at least 2"));
    }

    @Test
    void batchSizesMustAgreeAndNotBeEmpty() {
        ProbeLoss loss = new ProbeLoss(InputFormat.unlabeled(2, 2, "(anchor, positive)"));
        String m = failure(loss, LossBatch.of(rows(3), rows(4)));
        assertTrue(m.contains("same batch size") && m.contains("column 1 has 4 rows"), m);
        String empty = failure(loss, LossBatch.of(Nd4j.create(DataType.DOUBLE, 0, 4), Nd4j.create(DataType.DOUBLE, 0, 4)));
        assertTrue(empty.contains("batch is empty"), empty);
    }

    @Test
    void labelsMissingUnexpectedOrMisshapen() {
        ProbeLoss unlabeled = new ProbeLoss(InputFormat.unlabeled(1, 1, "(sentence)"));
        String present = failure(unlabeled, LossBatch.of(rows(3)).withLabels(Nd4j.ones(DataType.DOUBLE, 3)));
        assertTrue(present.contains("takes no labels"), present);

        ProbeLoss classes = new ProbeLoss(InputFormat.labeled(1, 1, "(sentence)", LabelKind.CLASS, 1));
        String missing = failure(classes, LossBatch.of(rows(3)));
        assertTrue(missing.contains("needs labels (an integer class per row)"), missing);
        String rank = failure(classes, LossBatch.of(rows(3)).withLabels(Nd4j.ones(DataType.DOUBLE, 3, 2)));
        assertTrue(rank.contains("expects labels of rank 1") && rank.contains("[3, 2]"), rank);
        String count = failure(classes, LossBatch.of(rows(3)).withLabels(Nd4j.ones(DataType.DOUBLE, 4)));
        assertTrue(count.contains("labels have 4 rows but the embeddings have 3"), count);
        String kind = failure(classes, LossBatch.of(rows(3)).withLabels(Nd4j.create(new double[] {0, 1.5, 2})));
        assertTrue(kind.contains("integer class labels"), kind);
    }

    @Test
    void nanAndInfinityAreRejected() {
        ProbeLoss loss = new ProbeLoss(InputFormat.labeled(1, 1, "(sentence)", LabelKind.SCORE, 1));
        INDArray bad = rows(3);
        bad.putScalar(1, 2, Double.NaN);
        String m = failure(loss, LossBatch.of(bad).withLabels(Nd4j.ones(DataType.DOUBLE, 3)));
        assertTrue(m.contains("NaN or infinite"), m);
        INDArray labels = Nd4j.ones(DataType.DOUBLE, 3);
        labels.putScalar(0, Double.POSITIVE_INFINITY);
        assertTrue(failure(loss, LossBatch.of(rows(3)).withLabels(labels)).contains("labels contains NaN or infinite"));
    }

    @Test
    void unknownNamesAreRejectedWithTheKnownOnes() {
        LossInputException unknownLoss = assertThrows(LossInputException.class,
                () -> LossRegistry.defaults().create("MultipleNegativeRankingLoss", Map.of()));
        assertTrue(unknownLoss.getMessage().contains("Unknown loss 'MultipleNegativeRankingLoss'"), unknownLoss.getMessage());
        assertTrue(unknownLoss.getMessage().contains("Known losses:"), unknownLoss.getMessage());

        LossInputException unknownSim = assertThrows(LossInputException.class, () -> SimilarityFunction.fromName("cosine"));
        assertTrue(unknownSim.getMessage().contains("Unknown similarity function 'cosine'")
                && unknownSim.getMessage().contains("cos_sim"), unknownSim.getMessage());
        LossInputException wrongKind = assertThrows(LossInputException.class,
                () -> SimilarityFunction.fromName("cos_sim", SimilarityFunction.Kind.ROW_ALIGNED, "CoSENTLoss"));
        assertTrue(wrongKind.getMessage().contains("pairwise_cos_sim"), wrongKind.getMessage());
    }

    @Test
    void unknownOptionsAreRejected() {
        LossRegistry registry = new LossRegistry().register("ProbeLoss", (opt, base) -> {
            opt.getDouble("scale", 1.0);
            return new ProbeLoss(InputFormat.unlabeled(1, 1, "(sentence)"));
        });
        LossInputException e = assertThrows(LossInputException.class,
                () -> registry.create("ProbeLoss", Map.of("scael", 2.0)));
        assertTrue(e.getMessage().contains("has no option 'scael'") && e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void componentsAreSummedAndLossesOwnNoParametersByDefault() {
        SentenceLoss twoParts = new AbstractSentenceLoss() {
            @Override
            public String name() {
                return "TwoParts";
            }

            @Override
            public InputFormat inputFormat() {
                return InputFormat.unlabeled(1, 1, "(sentence)");
            }

            @Override
            protected LossOutput compute(LossInputs in) {
                SDVariable x = in.column(0);
                return LossOutput.ofComponents(new java.util.LinkedHashMap<>(Map.of("sum", x.sum())))
                        .withParameters(Map.of());
            }

            @Override
            public Map<String, Object> config() {
                return Map.of();
            }
        };
        INDArray x = Nd4j.create(new double[][] {{1, 2}, {3, 4}});
        LossEvaluation e = RUNNER.evaluate(twoParts, LossBatch.of(x));
        assertEquals(10.0, e.loss(), 1e-12);
        assertEquals(Map.of("sum", 10.0), e.components());
        assertEquals(Nd4j.ones(DataType.DOUBLE, 2, 2), e.gradColumns().get(0));
        assertEquals(Optional.empty(), twoParts.citation());
    }

    @Test
    void theGraphAcceptsAnyBatchSizeOnceBuilt() {
        ProbeLoss loss = new ProbeLoss(InputFormat.unlabeled(1, 1, "(sentence)"));
        EmbeddingLossRunner.Prepared p = RUNNER.prepare(loss, LossBatch.of(rows(3)));
        INDArray five = Nd4j.ones(DataType.DOUBLE, 5, 4);
        assertEquals(4.0, p.value(Map.of("column_0", five)).loss(), 1e-12);
        assertEquals(List.of("column_0"), p.columnInputs());
    }
}
