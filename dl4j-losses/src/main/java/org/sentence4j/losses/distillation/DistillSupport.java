package org.sentence4j.losses.distillation;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.similarity.SimilarityFunction;

/** Helpers shared by the score-distillation losses of this package. */
final class DistillSupport {

    private DistillSupport() {
    }

    /**
     * Row-aligned similarities of column 0 (the query) with each of the columns {@code 1..k-1}, as a
     * {@code [batch, k-1]} matrix whose column {@code j} belongs to input column {@code j + 1}.
     */
    static SDVariable queryScores(SameDiff sd, LossInputs inputs, SimilarityFunction sim) {
        SDVariable query = inputs.column(0);
        List<SDVariable> cols = new ArrayList<>();
        for (int c = 1; c < inputs.columnCount(); c++) {
            cols.add(sim.apply(sd, query, inputs.column(c)).reshape(-1, 1));
        }
        return cols.size() == 1 ? cols.get(0) : sd.concat(1, cols.toArray(new SDVariable[0]));
    }
}
