package org.sentence4j.losses.pair;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.similarity.SimilarityFunction;

/** Hyperparameter checks shared by the pair losses; every message names the loss and the option. */
final class PairChecks {

    private PairChecks() {
    }

    static void finite(String loss, String option, double value) {
        if (!Double.isFinite(value)) {
            throw new LossInputException(loss + ": option '" + option + "' must be a finite number, but is " + value + ".");
        }
    }

    static void rowAligned(String loss, SimilarityFunction f) {
        if (f == null) {
            throw new LossInputException(loss + ": option 'similarity_fct' must be set.");
        }
        if (f.kind() != SimilarityFunction.Kind.ROW_ALIGNED) {
            throw new LossInputException(loss + " needs a row-aligned (pairwise_) similarity function, but got '"
                    + f.pythonName() + "'. Choose one of: "
                    + Arrays.stream(SimilarityFunction.values()).filter(v -> v.kind() == SimilarityFunction.Kind.ROW_ALIGNED)
                    .map(SimilarityFunction::pythonName).collect(Collectors.joining(", ")) + ".");
        }
    }

    /** Every column must have the width of column 0 (where known): the pair losses compare rows elementwise. */
    static void sameWidth(String loss, InputShapes shapes) {
        long d0 = shapes.embeddingDim();
        for (int c = 1; c < shapes.columns(); c++) {
            long d = shapes.columnShapes().get(c)[1];
            if (d0 > 0 && d > 0 && d != d0) {
                throw new LossInputException(loss + ": all embedding columns must have the same width, but column 0 has "
                        + d0 + " and column " + c + " has " + d + ".");
            }
        }
    }

    static void metric(String loss, SiameseDistanceMetric m) {
        if (m == null) {
            throw new LossInputException(loss + ": option 'distance_metric' must be set (one of "
                    + Arrays.stream(SiameseDistanceMetric.values()).map(SiameseDistanceMetric::pythonName)
                    .collect(Collectors.joining(", ")) + ").");
        }
    }
}
