package org.sentence4j.trainer.data.mining;

import java.util.List;
import java.util.Objects;

/**
 * The checked options of a {@link HardNegativeMiner}, under sentence-transformers' {@code mine_hard_negatives}
 * argument names (in the messages) and defaults. Built by {@link HardNegativeMiner.Builder}; this record's only
 * job is to hold the options and refuse a bad one with a message that names it. A {@code null} number means the
 * option is not set ({@code None} in sentence-transformers).
 *
 * <p>Checks beyond sentence-transformers' own (which checks num_negatives, range_min, range_max and the output
 * format): absolute_margin must be finite and {@code >= 0} and relative_margin in [0, 1] (outside those ranges the
 * margin no longer says "the negative is further from the anchor than the positive"), max_score and min_score
 * must be finite with min_score {@code <=} max_score, and batch_size must be positive.
 *
 * @param anchorColumn     anchor_column_name; {@code null}: the dataset's first input column
 * @param positiveColumn   positive_column_name; {@code null}: the dataset's second input column
 * @param corpus           corpus: texts to mine from besides the positives; {@code null}: the positives alone
 * @param rangeMin         range_min: how many of the best valid candidates to skip
 * @param rangeMax         range_max: how many of the best valid candidates to consider; {@code null}: derived as
 *                         sentence-transformers does (see {@link HardNegativeMiner})
 * @param maxScore         max_score: candidates scoring above it are not negatives
 * @param minScore         min_score: candidates scoring below it are not negatives
 * @param absoluteMargin   absolute_margin: a candidate must score at least this much below the positive
 * @param relativeMargin   relative_margin: a candidate must score at least this fraction of the positive score's
 *                         magnitude below the positive
 * @param numNegatives     num_negatives: negatives per anchor (default 3)
 * @param samplingStrategy sampling_strategy (default {@link SamplingStrategy#TOP})
 * @param seed             the seed of {@link SamplingStrategy#RANDOM} (default 42; sentence-transformers draws from
 *                         Python's global {@code random})
 * @param includePositives include_positives: keep the positives among the candidates (forces n-tuple)
 * @param outputFormat     output_format as asked (default {@link OutputFormat#TRIPLET})
 * @param outputScores     output_scores: add the similarity scores to the output
 * @param batchSize        batch_size: texts per call of the model (default 32)
 * @param similarity       the score function; {@code null}: the model's own ({@link ModelSimilarity#of})
 * @param verbose          verbose: log the statistics at INFO through SLF4J (default true)
 */
public record MiningOptions(String anchorColumn, String positiveColumn, List<String> corpus, int rangeMin,
                            Integer rangeMax, Double maxScore, Double minScore, Double absoluteMargin,
                            Double relativeMargin, int numNegatives, SamplingStrategy samplingStrategy, long seed,
                            boolean includePositives, OutputFormat outputFormat, boolean outputScores, int batchSize,
                            ModelSimilarity similarity, boolean verbose) {

    public MiningOptions {
        if (anchorColumn != null && anchorColumn.isBlank()) {
            throw new IllegalArgumentException("anchor_column_name must not be blank (null: the first column)");
        }
        if (positiveColumn != null && positiveColumn.isBlank()) {
            throw new IllegalArgumentException("positive_column_name must not be blank (null: the second column)");
        }
        if (anchorColumn != null && anchorColumn.equals(positiveColumn)) {
            throw new IllegalArgumentException("anchor_column_name and positive_column_name are both '" + anchorColumn
                    + "'; they must name two different columns");
        }
        if (corpus != null) {
            for (int i = 0; i < corpus.size(); i++) {
                if (corpus.get(i) == null) {
                    throw new IllegalArgumentException("corpus text " + i + " is null");
                }
            }
            corpus = List.copyOf(corpus);
        }
        if (numNegatives < 1) {
            throw new IllegalArgumentException("num_negatives must be at least 1, got num_negatives=" + numNegatives);
        }
        if (rangeMin < 0) {
            throw new IllegalArgumentException("range_min must be non-negative, got range_min=" + rangeMin);
        }
        if (rangeMax != null) {
            if (rangeMin >= rangeMax) {
                throw new IllegalArgumentException("range_min must be smaller than range_max, got range_min=" + rangeMin
                        + " and range_max=" + rangeMax);
            }
            if (numNegatives > rangeMax - rangeMin) {
                throw new IllegalArgumentException("num_negatives=" + numNegatives + " cannot be mined: only "
                        + (rangeMax - rangeMin) + " ranks remain between range_min=" + rangeMin + " and range_max="
                        + rangeMax + "; lower num_negatives or range_min, or raise range_max");
            }
        }
        checkFinite("max_score", maxScore);
        checkFinite("min_score", minScore);
        if (maxScore != null && minScore != null && minScore > maxScore) {
            throw new IllegalArgumentException("min_score=" + minScore + " is above max_score=" + maxScore
                    + ": no candidate could be a negative");
        }
        checkFinite("absolute_margin", absoluteMargin);
        if (absoluteMargin != null && absoluteMargin < 0) {
            throw new IllegalArgumentException("absolute_margin must be >= 0 (0: a negative scores no higher than "
                    + "the positive), got absolute_margin=" + absoluteMargin);
        }
        checkFinite("relative_margin", relativeMargin);
        if (relativeMargin != null && (relativeMargin < 0 || relativeMargin > 1)) {
            throw new IllegalArgumentException("relative_margin must be in [0, 1] (0.05: a negative scores at least 5% "
                    + "of the positive score's magnitude below the positive), got relative_margin=" + relativeMargin);
        }
        Objects.requireNonNull(samplingStrategy, "sampling_strategy");
        Objects.requireNonNull(outputFormat, "output_format");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, got batch_size=" + batchSize);
        }
    }

    private static void checkFinite(String option, Double value) {
        if (value != null && !Double.isFinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number, got " + option + "=" + value);
        }
    }

    /**
     * The format the miner writes, after sentence-transformers' two rewrites, in its order: include_positives turns
     * any format but n-tuple into n-tuple (so n-tuple-scores too, which then loses its scores), and n-tuple-scores
     * is n-tuple with output_scores.
     */
    public OutputFormat effectiveOutputFormat() {
        if (includePositives && outputFormat != OutputFormat.N_TUPLE) {
            return OutputFormat.N_TUPLE;
        }
        return outputFormat == OutputFormat.N_TUPLE_SCORES ? OutputFormat.N_TUPLE : outputFormat;
    }

    /** Whether the output holds scores, after the rewrites of {@link #effectiveOutputFormat()}. */
    public boolean effectiveOutputScores() {
        return outputScores || (!includePositives && outputFormat == OutputFormat.N_TUPLE_SCORES);
    }

    /**
     * range_max as given, or sentence-transformers' default for a dataset whose most frequent anchor has
     * {@code maxPositives} rows: range_min + num_negatives + maxPositives, with 10 * num_negatives instead of
     * num_negatives when a margin or max_score may discard candidates (min_score does not count there, as in
     * sentence-transformers).
     */
    public int rangeMaxFor(int maxPositives) {
        if (rangeMax != null) {
            return rangeMax;
        }
        boolean filtering = absoluteMargin != null || relativeMargin != null || maxScore != null;
        return rangeMin + (filtering ? 10 * numNegatives : numNegatives) + maxPositives;
    }
}
