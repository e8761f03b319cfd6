package org.sentence4j.trainer.data.mining;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;

/**
 * What one mining run did, the numbers sentence-transformers prints when {@code verbose}: the positive, negative
 * and (positive - negative) score distributions, how many candidates each margin or score bound took out, and
 * how many samples could not be made. A record so that a caller can check the numbers, and {@link #report()} /
 * {@link #log(Logger)} to read them.
 *
 * @param inputRows              rows of the input dataset
 * @param anchors                distinct anchors (an anchor on several rows is mined once)
 * @param pairs                  distinct (anchor, positive) pairs: the groups the output is made of
 * @param corpusSize             distinct candidate texts (the corpus and the positives)
 * @param rangeMax               range_max used (given, or derived)
 * @param candidatesPerAnchor    candidates retrieved per anchor: range_max + the largest positive count
 * @param negativesPerPair       histogram: number of negatives found (0 .. num_negatives) -> pairs that got that
 *                               many, before the output format drops any row
 * @param outputFormat           the format written (after include_positives / n-tuple-scores rewrites)
 * @param outputRows             rows written
 * @param maximumPossibleSamples rows the format could have had, as sentence-transformers counts it: pairs *
 *                               num_negatives for triplet; pairs for n-tuple and labeled-list; anchors *
 *                               num_negatives + pairs for labeled-pair
 * @param droppedPairs           (anchor, positive) pairs that gave no row at all (n-tuple: fewer than
 *                               num_negatives negatives; triplet and labeled-list: none; labeled-pair: never)
 * @param positiveScores         the score of every (anchor, positive) pair
 * @param negativeScores         the score of every negative written (counted once per positive of its anchor,
 *                               as sentence-transformers counts them)
 * @param differenceScores       positive score - negative score, over the same negatives
 * @param skipped                candidates taken out by absolute_margin, relative_margin, max_score, min_score
 *                               (only the options that took any out)
 * @param adjustable             the options worth changing to find more negatives (for the report)
 */
public record MiningStatistics(int inputRows, int anchors, int pairs, int corpusSize, int rangeMax,
                               int candidatesPerAnchor, Map<Integer, Integer> negativesPerPair,
                               OutputFormat outputFormat, int outputRows, int maximumPossibleSamples,
                               int droppedPairs, Scores positiveScores, Scores negativeScores,
                               Scores differenceScores, List<Skipped> skipped, List<String> adjustable) {

    public MiningStatistics {
        negativesPerPair = Map.copyOf(negativesPerPair);
        skipped = List.copyOf(skipped);
        adjustable = List.copyOf(adjustable);
    }

    /** Samples the format could have had but did not get: maximumPossibleSamples - outputRows. */
    public int missingSamples() {
        return maximumPossibleSamples - outputRows;
    }

    /** How many (anchor, positive) pairs got exactly {@code n} negatives. */
    public int pairsWithNegatives(int n) {
        return negativesPerPair.getOrDefault(n, 0);
    }

    /** The candidates {@code option} (e.g. {@code "relative_margin"}) took out; 0 if it took none or was not set. */
    public long skippedBy(String option) {
        return skipped.stream().filter(s -> s.option().equals(option)).mapToLong(Skipped::count).sum();
    }

    /** Candidates one option took out: how many, and their share of the candidates still in when it ran. */
    public record Skipped(String option, double value, long count, double ratio) {
    }

    /**
     * A score distribution, with torch's definitions as sentence-transformers prints them: the median is the lower
     * of the two middle values, std is the sample standard deviation (n - 1), quantiles interpolate linearly. All
     * NaN when there are no scores (std too with one score).
     */
    public record Scores(int count, double mean, double median, double std, double min, double q25, double q50,
                         double q75, double max) {

        /** The distribution of {@code values}. */
        public static Scores of(double[] values) {
            int n = values.length;
            if (n == 0) {
                return new Scores(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN);
            }
            double[] s = values.clone();
            Arrays.sort(s);
            double sum = 0;
            for (double v : s) {
                sum += v;
            }
            double mean = sum / n;
            double sq = 0;
            for (double v : s) {
                sq += (v - mean) * (v - mean);
            }
            double std = n > 1 ? Math.sqrt(sq / (n - 1)) : Double.NaN;
            return new Scores(n, mean, s[(n - 1) / 2], std, s[0], quantile(s, 0.25), quantile(s, 0.5),
                    quantile(s, 0.75), s[n - 1]);
        }

        private static double quantile(double[] sorted, double q) {
            double pos = q * (sorted.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, sorted.length - 1);
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
        }
    }

    /** The statistics as a few lines of text: the score table, the skipped candidates, the missing samples. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Mined %s from %d rows (%d anchors, %d anchor-positive pairs), corpus of %d,"
                        + " range_max %d", outputFormat, inputRows, anchors, pairs, corpusSize, rangeMax));
        String row = "%n%-6s %14s %14s %14s";
        sb.append(String.format(Locale.ROOT, row, "Metric", "Positive", "Negative", "Difference"));
        sb.append(String.format(Locale.ROOT, row, "Count", String.format(Locale.ROOT, "%,d", positiveScores.count()),
                String.format(Locale.ROOT, "%,d", negativeScores.count()), ""));
        Scores p = positiveScores;
        Scores n = negativeScores;
        Scores d = differenceScores;
        double[][] lines = {
                {p.mean(), n.mean(), d.mean()}, {p.median(), n.median(), d.median()}, {p.std(), n.std(), d.std()},
                {p.min(), n.min(), d.min()}, {p.q25(), n.q25(), d.q25()}, {p.q50(), n.q50(), d.q50()},
                {p.q75(), n.q75(), d.q75()}, {p.max(), n.max(), d.max()}};
        String[] names = {"Mean", "Median", "Std", "Min", "25%", "50%", "75%", "Max"};
        for (int i = 0; i < names.length; i++) {
            sb.append(String.format(Locale.ROOT, row, names[i], fmt(lines[i][0]), fmt(lines[i][1]), fmt(lines[i][2])));
        }
        for (Skipped s : skipped) {
            sb.append(String.format(Locale.ROOT, "%nSkipped %,d potential negatives (%.2f%%) due to the %s of %s.",
                    s.count(), 100 * s.ratio(), s.option(), s.value()));
        }
        sb.append(String.format(Locale.ROOT, "%nNegatives per anchor-positive pair: %s", negativesPerPair.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ", "{", "}"))));
        if (missingSamples() > 0) {
            String options = adjustable.size() == 1 ? adjustable.get(0) + " option"
                    : String.join(", ", adjustable.subList(0, adjustable.size() - 1)) + " and "
                    + adjustable.get(adjustable.size() - 1) + " options";
            sb.append(String.format(Locale.ROOT, "%n%d of %d possible samples (%.2f%%) are missing for want of valid "
                            + "negatives (%d anchor-positive pairs gave no row); the %s may let more candidates through.",
                    missingSamples(), maximumPossibleSamples, 100.0 * missingSamples() / maximumPossibleSamples,
                    droppedPairs, options));
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Logs {@link #report()} at INFO. */
    public void log(Logger logger) {
        if (logger.isInfoEnabled()) {
            logger.info(report());
        }
    }
}
