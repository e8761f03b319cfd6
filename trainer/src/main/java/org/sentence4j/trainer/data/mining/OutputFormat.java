package org.sentence4j.trainer.data.mining;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shape of the mined dataset (sentence-transformers' {@code output_format}). The anchor and positive columns
 * keep the names they had in the input dataset; the other column names are sentence-transformers' own, except the
 * score column, which is {@code score} here because the trainer's {@code Dataset} reads labels only from a column
 * named {@code label} or {@code score} (sentence-transformers 6 names it {@code scores} in the triplet, n-tuple and
 * labeled-list formats).
 */
public enum OutputFormat {

    /**
     * (anchor, positive, {@code negative}) rows: one row per mined negative, so an anchor with three negatives
     * gives three rows. With {@code output_scores}, a {@code score} column holds [positive score, negative score].
     */
    TRIPLET("triplet"),

    /**
     * (anchor, positive, {@code negative_1} .. {@code negative_n}) rows, negatives best first; a row that did not
     * get all {@code num_negatives} negatives is left out. With {@code output_scores}, a {@code score} column
     * holds [positive score, negative_1 score, ..].
     */
    N_TUPLE("n-tuple"),

    /**
     * sentence-transformers' older spelling of {@link #N_TUPLE} with {@code output_scores}: it is read as that,
     * as sentence-transformers 6 does.
     */
    N_TUPLE_SCORES("n-tuple-scores"),

    /**
     * (anchor, document, {@code label}) rows: per anchor, its positives labelled 1, then each mined negative once
     * labelled 0. With {@code output_scores}, a {@code score} column holding the similarity replaces {@code label}.
     */
    LABELED_PAIR("labeled-pair"),

    /**
     * (anchor, [positive, negatives..], [1, 0, ..]) rows, one per (anchor, positive) that got at least one
     * negative. The trainer's {@code Dataset} has no list columns, so this format is given as
     * {@link MiningResult#labeledLists()} and not as a dataset.
     */
    LABELED_LIST("labeled-list");

    private final String stName;

    OutputFormat(String stName) {
        this.stName = stName;
    }

    /** The name sentence-transformers uses for this format. */
    public String stName() {
        return stName;
    }

    /** The format called {@code name} in sentence-transformers ({@code "triplet"}, {@code "n-tuple"}, ..), any case. */
    public static OutputFormat fromName(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (OutputFormat f : values()) {
                if (f.stName.equals(n)) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("Invalid output_format: '" + name + "'. Must be one of "
                + Arrays.stream(values()).map(OutputFormat::stName).toList() + ".");
    }

    @Override
    public String toString() {
        return stName;
    }
}
