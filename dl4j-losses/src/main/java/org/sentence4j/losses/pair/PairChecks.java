package org.sentence4j.losses.pair;

import java.util.Arrays;
import java.util.stream.Collectors;

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

    static void positive(String loss, String option, long value) {
        if (value <= 0) {
            throw new LossInputException(loss + ": option '" + option + "' must be a positive integer, but is " + value + ".");
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
}
