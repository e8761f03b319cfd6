package org.sentence4j.trainer.data.mining;

import java.util.List;

import org.sentence4j.trainer.data.Dataset;

/**
 * What {@link HardNegativeMiner#mine} returns: the mined rows, as a {@link Dataset} (or, for the labeled-list
 * format, whose list columns a {@code Dataset} cannot hold, as {@link LabeledList} rows), and the run's
 * {@link MiningStatistics}.
 */
public final class MiningResult {

    private final OutputFormat format;
    private final Dataset dataset;
    private final List<LabeledList> labeledLists;
    private final MiningStatistics statistics;

    MiningResult(OutputFormat format, Dataset dataset, List<LabeledList> labeledLists, MiningStatistics statistics) {
        this.format = format;
        this.dataset = dataset;
        this.labeledLists = labeledLists == null ? null : List.copyOf(labeledLists);
        this.statistics = statistics;
    }

    /** The format written (after the include_positives and n-tuple-scores rewrites). */
    public OutputFormat outputFormat() {
        return format;
    }

    /** The mined dataset; for every format but labeled-list. It may have no rows if no negative was found. */
    public Dataset dataset() {
        if (dataset == null) {
            throw new IllegalStateException("The labeled-list format has list columns, which a Dataset does not hold;"
                    + " read its rows with labeledLists()");
        }
        return dataset;
    }

    /** The rows of the labeled-list format, in order. */
    public List<LabeledList> labeledLists() {
        if (labeledLists == null) {
            throw new IllegalStateException("labeledLists() is for the labeled-list format; this result is "
                    + format + ": read it with dataset()");
        }
        return labeledLists;
    }

    /** Rows written, in either form. */
    public int size() {
        return dataset != null ? dataset.size() : labeledLists.size();
    }

    public MiningStatistics statistics() {
        return statistics;
    }

    @Override
    public String toString() {
        return "MiningResult[" + format + ", " + size() + " rows]";
    }
}
