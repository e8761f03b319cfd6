package org.sentence4j.trainer.data.mining;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.trainer.data.Dataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds hard negatives to a dataset of (anchor, positive) pairs: sentence-transformers'
 * {@code util.mine_hard_negatives} (6.0) for the JVM, with the same options, defaults, edge cases and column names.
 * Hard negatives are texts the model finds close to the anchor that are not its positive; training on them
 * (e.g. with MultipleNegativesRankingLoss) teaches the model the distinctions it gets wrong.
 *
 * <pre>{@code
 * MiningResult mined = HardNegativeMiner.builder(model)
 *         .rangeMin(10).rangeMax(50).relativeMargin(0.05).numNegatives(3)
 *         .samplingStrategy(SamplingStrategy.RANDOM).seed(42)
 *         .outputFormat(OutputFormat.TRIPLET)
 *         .build()
 *         .mine(pairs);
 * Dataset triplets = mined.dataset();
 * }</pre>
 *
 * <p>A run, each step in its own class so that each can be read (and tested) alone:
 * <ol>
 *   <li>{@code PairIndex}: distinct anchors, the corpus (the given corpus plus the positives, each text once),
 *       each anchor's positives; an anchor on several rows is one query with several positives;</li>
 *   <li>{@code CandidateSearch}: normalised embeddings, exact search for each anchor's range_max + max_positives
 *       best candidates, and each (anchor, positive) score;</li>
 *   <li>{@code CandidateFilter}: takes out the anchor's positives (every positive of the anchor; a text equal to a
 *       positive is that positive), then the candidates that fail absolute_margin, relative_margin, max_score,
 *       min_score;</li>
 *   <li>{@code NegativeSampler}: the range_min..range_max window of the remaining ranks, then TOP or RANDOM;</li>
 *   <li>{@code OutputWriter}: the rows of the output format; {@link MiningStatistics}: the numbers, logged at INFO
 *       when {@code verbose}.</li>
 * </ol>
 *
 * <p>As in sentence-transformers: a text equal to the <em>anchor</em> is not excluded (only its positives are), so
 * in a dataset where a text is both an anchor and another row's positive, it can be mined as its own negative;
 * range_max, when not given, is range_min + num_negatives + max_positives, with 10 * num_negatives when a margin or
 * max_score is set; when fewer than num_negatives valid candidates remain, triplet, labeled-pair and labeled-list
 * write the ones found and n-tuple leaves the row out; include_positives turns the output format into n-tuple.
 *
 * <p>Differences: the anchor and positive column names must exist (sentence-transformers silently falls back to
 * the first two columns); margins and score bounds are range-checked (see {@link MiningOptions}); the random
 * draws come from a seeded {@link java.util.Random}, not Python's {@code random}, so they differ from
 * sentence-transformers' draws for the same seed; the score column is {@code score} (see {@link OutputFormat});
 * labeled-list rows are {@link LabeledList}s, not a dataset. Not supported: rescoring with a cross_encoder,
 * use_faiss (the search is exact, by a matrix product), use_multi_process, cache_folder, and the query/corpus
 * prompts (give a {@link SentenceEmbedder} that adds them).
 */
public final class HardNegativeMiner {

    private static final Logger LOG = LoggerFactory.getLogger(HardNegativeMiner.class);

    private final SentenceEmbedder model;
    private final MiningOptions options;
    private final ModelSimilarity similarity;

    private HardNegativeMiner(SentenceEmbedder model, MiningOptions options) {
        this.model = model;
        this.options = options;
        this.similarity = options.similarity() != null ? options.similarity() : ModelSimilarity.of(model);
        if (options.includePositives()) {
            if (options.rangeMin() != 0 || options.rangeMax() != null || options.maxScore() != null
                    || options.samplingStrategy() != SamplingStrategy.TOP) {
                LOG.warn("include_positives=true with range_min, range_max, max_score or sampling_strategy changed "
                        + "from their defaults may still leave positives out of the ranking.");
            }
            if (options.outputFormat() != OutputFormat.N_TUPLE) {
                LOG.warn("include_positives=true: output_format {} becomes n-tuple, to keep the ranking order.",
                        options.outputFormat());
            }
        }
    }

    /** Starts the options of a miner that scores with {@code model}. */
    public static Builder builder(SentenceEmbedder model) {
        return new Builder(model);
    }

    public MiningOptions options() {
        return options;
    }

    /** The score function used: the one set, else the model's own ({@link ModelSimilarity#of}). */
    public ModelSimilarity similarity() {
        return similarity;
    }

    /**
     * Mines negatives for the (anchor, positive) rows of {@code dataset} (other columns, the label column included,
     * are not carried over, as in sentence-transformers).
     *
     * @throws IllegalArgumentException if the dataset is empty, a named column is missing, the dataset has fewer
     *                                  than two input columns, or an output column name would clash
     */
    public MiningResult mine(Dataset dataset) {
        Objects.requireNonNull(dataset, "dataset");
        if (dataset.size() == 0) {
            throw new IllegalArgumentException("The dataset '" + dataset.name() + "' is empty: hard negative mining "
                    + "needs at least one (anchor, positive) row");
        }
        String anchorColumn = column(dataset, options.anchorColumn(), 0, "anchor_column_name");
        String positiveColumn = column(dataset, options.positiveColumn(), 1, "positive_column_name");
        if (anchorColumn.equals(positiveColumn)) {
            throw new IllegalArgumentException("anchor_column_name and positive_column_name both resolve to '"
                    + anchorColumn + "'; they must name two different columns");
        }
        OutputFormat format = options.effectiveOutputFormat();
        boolean withScores = options.effectiveOutputScores();
        checkOutputNames(anchorColumn, positiveColumn, format);

        PairIndex pairs = PairIndex.of(dataset, anchorColumn, positiveColumn, options.corpus());
        int rangeMax = options.rangeMaxFor(pairs.maxPositives());
        if (options.verbose()) {
            if (options.rangeMax() == null) {
                LOG.info("range_max set to {} from range_min, num_negatives, the margins/max_score and the largest "
                        + "positive count ({}).", rangeMax, pairs.maxPositives());
            }
            if (pairs.queries().size() != pairs.rows()) {
                LOG.info("{} distinct anchors in {} rows; {} distinct (anchor, positive) pairs.",
                        pairs.queries().size(), pairs.rows(), pairs.pairCount());
            }
        }
        int width = rangeMax + pairs.maxPositives();
        CandidateSearch.Candidates candidates = CandidateSearch.search(model, similarity, pairs, width,
                options.batchSize());
        List<MiningStatistics.Skipped> skipped = CandidateFilter.apply(candidates, pairs, options);

        NegativeSampler sampler = new NegativeSampler(options.rangeMin(), rangeMax, options.numNegatives(),
                options.samplingStrategy(), options.seed());
        NegativeSampler.Picks[] picks = new NegativeSampler.Picks[pairs.queries().size()];
        for (int q = 0; q < picks.length; q++) {
            picks[q] = sampler.pick(candidates.indices[q], candidates.scores[q]);
        }

        OutputWriter.Written w = OutputWriter.write(dataset.name() + "-hard-negatives", pairs, candidates, picks,
                format, withScores, options.numNegatives(), anchorColumn, positiveColumn);
        int outputRows = w.dataset() != null ? w.dataset().size() : w.labeledLists().size();
        double[] positives = w.positiveScores();
        MiningStatistics stats = new MiningStatistics(pairs.rows(), pairs.queries().size(), pairs.pairCount(),
                pairs.corpus().size(), rangeMax, width, w.negativesPerPair(), format, outputRows,
                w.maximumPossibleSamples(), w.droppedPairs(), MiningStatistics.Scores.of(positives),
                MiningStatistics.Scores.of(w.negativeScores()), MiningStatistics.Scores.of(w.differenceScores()),
                skipped, adjustable());
        if (options.verbose()) {
            stats.log(LOG);
        }
        return new MiningResult(format, w.dataset(), w.labeledLists(), stats);
    }

    private List<String> adjustable() {
        List<String> a = new ArrayList<>(List.of("range_max"));
        if (options.rangeMin() > 0) {
            a.add("range_min");
        }
        if (options.absoluteMargin() != null) {
            a.add("absolute_margin");
        }
        if (options.relativeMargin() != null) {
            a.add("relative_margin");
        }
        if (options.maxScore() != null) {
            a.add("max_score");
        }
        if (options.minScore() != null) {
            a.add("min_score");
        }
        return a;
    }

    private static String column(Dataset dataset, String name, int position, String option) {
        List<String> columns = dataset.columns();
        if (name != null) {
            if (!columns.contains(name)) {
                throw new IllegalArgumentException(option + " '" + name + "' is not a column of dataset '"
                        + dataset.name() + "'; its input columns are " + columns);
            }
            return name;
        }
        if (columns.size() <= position) {
            throw new IllegalArgumentException("Dataset '" + dataset.name() + "' has input columns " + columns
                    + "; without " + option + " the " + (position == 0 ? "first" : "second")
                    + " column is used, so it needs (anchor, positive) columns");
        }
        return columns.get(position);
    }

    private void checkOutputNames(String anchorColumn, String positiveColumn, OutputFormat format) {
        List<String> added = new ArrayList<>();
        switch (format) {
            case TRIPLET -> added.add("negative");
            case N_TUPLE -> {
                for (int i = 1; i <= options.numNegatives(); i++) {
                    added.add("negative_" + i);
                }
            }
            default -> {
            }
        }
        for (String c : List.of(anchorColumn, positiveColumn)) {
            if (added.contains(c)) {
                throw new IllegalArgumentException("Column '" + c + "' would clash with the " + format
                        + " output column of the same name; rename it first (Dataset.renameColumn)");
            }
        }
    }

    /**
     * The options of {@code mine_hard_negatives}, under their sentence-transformers names in camelCase, with its
     * defaults. {@link #build()} checks them ({@link MiningOptions}).
     */
    public static final class Builder {
        private final SentenceEmbedder model;
        private String anchorColumn;
        private String positiveColumn;
        private List<String> corpus;
        private int rangeMin;
        private Integer rangeMax;
        private Double maxScore;
        private Double minScore;
        private Double absoluteMargin;
        private Double relativeMargin;
        private int numNegatives = 3;
        private SamplingStrategy samplingStrategy = SamplingStrategy.TOP;
        private long seed = 42;
        private boolean includePositives;
        private OutputFormat outputFormat = OutputFormat.TRIPLET;
        private boolean outputScores;
        private int batchSize = 32;
        private ModelSimilarity similarity;
        private boolean verbose = true;

        private Builder(SentenceEmbedder model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** anchor_column_name: the anchor column (default: the first input column). */
        public Builder anchorColumnName(String name) {
            this.anchorColumn = name;
            return this;
        }

        /** positive_column_name: the positive column (default: the second input column). */
        public Builder positiveColumnName(String name) {
            this.positiveColumn = name;
            return this;
        }

        /** corpus: more candidate texts besides the positives (default: the positives alone). */
        public Builder corpus(List<String> texts) {
            this.corpus = texts;
            return this;
        }

        /** range_min: skip this many of the best valid candidates (default 0). */
        public Builder rangeMin(int rangeMin) {
            this.rangeMin = rangeMin;
            return this;
        }

        /** range_max: consider this many of the best valid candidates (default: derived, see the class doc). */
        public Builder rangeMax(int rangeMax) {
            this.rangeMax = rangeMax;
            return this;
        }

        /** max_score: no negative scores above this (default: none). */
        public Builder maxScore(double maxScore) {
            this.maxScore = maxScore;
            return this;
        }

        /** min_score: no negative scores below this (default: none). */
        public Builder minScore(double minScore) {
            this.minScore = minScore;
            return this;
        }

        /** absolute_margin: a negative scores at least this much below the (hardest) positive (default: none). */
        public Builder absoluteMargin(double margin) {
            this.absoluteMargin = margin;
            return this;
        }

        /**
         * relative_margin: a negative scores at least this fraction of the positive score's magnitude below the
         * positive; 0.05 is NV-Retriever's TopK-PercPos (95%) (default: none).
         */
        public Builder relativeMargin(double margin) {
            this.relativeMargin = margin;
            return this;
        }

        /** num_negatives: negatives per anchor (default 3). */
        public Builder numNegatives(int numNegatives) {
            this.numNegatives = numNegatives;
            return this;
        }

        /** sampling_strategy (default TOP). */
        public Builder samplingStrategy(SamplingStrategy strategy) {
            this.samplingStrategy = strategy;
            return this;
        }

        /** sampling_strategy by its sentence-transformers name, {@code "top"} or {@code "random"}. */
        public Builder samplingStrategy(String name) {
            return samplingStrategy(SamplingStrategy.fromName(name));
        }

        /** The seed of RANDOM sampling (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** include_positives: keep the positives among the candidates; the output becomes n-tuple (default false). */
        public Builder includePositives(boolean include) {
            this.includePositives = include;
            return this;
        }

        /** output_format (default TRIPLET). */
        public Builder outputFormat(OutputFormat format) {
            this.outputFormat = format;
            return this;
        }

        /** output_format by its sentence-transformers name: triplet, n-tuple, n-tuple-scores, labeled-pair, labeled-list. */
        public Builder outputFormat(String name) {
            return outputFormat(OutputFormat.fromName(name));
        }

        /** output_scores: add the similarity scores to the output (default false). */
        public Builder outputScores(boolean outputScores) {
            this.outputScores = outputScores;
            return this;
        }

        /** batch_size: texts per call of the model (default 32). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** The score function (default: the model's own, cosine for a model that does not say). */
        public Builder similarity(ModelSimilarity similarity) {
            this.similarity = similarity;
            return this;
        }

        /** verbose: log the statistics at INFO (default true). */
        public Builder verbose(boolean verbose) {
            this.verbose = verbose;
            return this;
        }

        /** Checks the options and makes the miner. */
        public HardNegativeMiner build() {
            return new HardNegativeMiner(model, new MiningOptions(anchorColumn, positiveColumn, corpus, rangeMin,
                    rangeMax, maxScore, minScore, absoluteMargin, relativeMargin, numNegatives, samplingStrategy, seed,
                    includePositives, outputFormat, outputScores, batchSize, similarity, verbose));
        }
    }
}
