package org.sentence4j.losses.ranking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.ranking.MultipleNegativesRankingLoss.Direction;
import org.sentence4j.losses.ranking.MultipleNegativesRankingLoss.HardnessMode;
import org.sentence4j.losses.ranking.MultipleNegativesRankingLoss.PartitionMode;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * CachedMultipleNegativesRankingLoss: {@link MultipleNegativesRankingLoss} run with GradCache (Gao et al.
 * 2021), so that the batch size is no longer limited by activation memory.
 *
 * <p>At the embedding level it is exactly MNRL with the same options (same value, same embedding gradients;
 * reference 5.1). The chunking of the embedding pass and the gradient replay are the trainer's job: this loss
 * declares {@link #usesGradientCache()} and carries {@code mini_batch_size} (default 32) and
 * {@code mini_batch_num_tokens} (default {@code null}: fixed-size chunks).
 */
public class CachedMultipleNegativesRankingLoss extends AbstractSentenceLoss implements GradientCachedLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "CachedMultipleNegativesRankingLoss";

    private final MultipleNegativesRankingLoss inner;
    private final int miniBatchSize;
    private final Integer miniBatchNumTokens;
    private final boolean showProgressBar;

    /** A cached loss computing {@code inner}'s math, with the given chunking options. */
    CachedMultipleNegativesRankingLoss(MultipleNegativesRankingLoss inner, int miniBatchSize, Integer miniBatchNumTokens,
                                       boolean showProgressBar) {
        checkMiniBatch(inner.lossNameForMessages(), miniBatchSize, miniBatchNumTokens);
        this.inner = inner;
        this.miniBatchSize = miniBatchSize;
        this.miniBatchNumTokens = miniBatchNumTokens;
        this.showProgressBar = showProgressBar;
    }

    /** A loss with every option at its default ({@code mini_batch_size = 32}). */
    public CachedMultipleNegativesRankingLoss() {
        this(MultipleNegativesRankingLoss.builder().lossName(NAME).build(), 32, null, false);
    }

    /** A cached loss with MNRL's options taken from {@code options} (built with {@link MultipleNegativesRankingLoss#builder()}). */
    public CachedMultipleNegativesRankingLoss(MultipleNegativesRankingLoss.Builder options, int miniBatchSize,
                                              Integer miniBatchNumTokens) {
        this(options.lossName(NAME).build(), miniBatchSize, miniBatchNumTokens, false);
    }

    /** Reads the options from snake_case keys (missing ones take the defaults). */
    public static CachedMultipleNegativesRankingLoss fromConfig(ConfigReader c) {
        MultipleNegativesRankingLoss inner = MultipleNegativesRankingLoss.readInto(MultipleNegativesRankingLoss.builder(), c).build();
        return new CachedMultipleNegativesRankingLoss(inner, c.getInt("mini_batch_size", 32),
                c.getNullableInt("mini_batch_num_tokens"), c.getBoolean("show_progress_bar", false));
    }

    static void checkMiniBatch(String loss, int miniBatchSize, Integer miniBatchNumTokens) {
        if (miniBatchSize <= 0) {
            throw new LossInputException(loss + ": mini_batch_size must be > 0, got " + miniBatchSize + ".");
        }
        if (miniBatchNumTokens != null && miniBatchNumTokens <= 0) {
            throw new LossInputException(loss + ": mini_batch_num_tokens must be > 0 when given, got " + miniBatchNumTokens + ".");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputFormat inputFormat() {
        return inner.inputFormat();
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        return LossOutput.of(inner.rankingLoss(inputs.sd(), inputs.columns()));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", inner.scale());
        m.put("similarity_fct", inner.similarityFct().pythonName());
        m.put("mini_batch_size", miniBatchSize);
        m.put("mini_batch_num_tokens", miniBatchNumTokens);
        m.put("gather_across_devices", inner.gatherAcrossDevices());
        m.put("directions", MultipleNegativesRankingLoss.pythonNames(inner.directions()));
        m.put("partition_mode", inner.partitionMode().pythonName());
        m.put("hardness_mode", inner.hardnessMode() == null ? null : inner.hardnessMode().pythonName());
        m.put("hardness_strength", inner.hardnessStrength());
        return m;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.GAO2021SCALING);
    }

    @Override
    public boolean usesGradientCache() {
        return true;
    }

    @Override
    public int miniBatchSize() {
        return miniBatchSize;
    }

    @Override
    public Integer miniBatchNumTokens() {
        return miniBatchNumTokens;
    }

    @Override
    public boolean showProgressBar() {
        return showProgressBar;
    }

    public double scale() {
        return inner.scale();
    }

    public SimilarityFunction similarityFct() {
        return inner.similarityFct();
    }

    public List<Direction> directions() {
        return inner.directions();
    }

    public PartitionMode partitionMode() {
        return inner.partitionMode();
    }

    public HardnessMode hardnessMode() {
        return inner.hardnessMode();
    }

    public double hardnessStrength() {
        return inner.hardnessStrength();
    }

    /** The plain (non-cached) loss with the same math, e.g. for an equivalence test. */
    public MultipleNegativesRankingLoss baseLoss() {
        return inner;
    }
}
