package org.sentence4j.losses.ranking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
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
public class CachedMultipleNegativesRankingLoss extends AbstractSentenceLoss implements MiniBatchedLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "CachedMultipleNegativesRankingLoss";

    private final MultipleNegativesRankingLoss inner;
    private final MiniBatchOptions miniBatch;

    /** A cached loss computing {@code inner}'s math, with the given chunking options. */
    CachedMultipleNegativesRankingLoss(MultipleNegativesRankingLoss inner, MiniBatchOptions miniBatch) {
        this.miniBatch = miniBatch.check(inner.lossNameForMessages());
        this.inner = inner;
    }

    /** A loss with every option at its default ({@code mini_batch_size = 32}). */
    public CachedMultipleNegativesRankingLoss() {
        this(MultipleNegativesRankingLoss.builder().lossName(NAME).build(), new MiniBatchOptions(32, null, false));
    }

    /** A cached loss with MNRL's options taken from {@code options} (built with {@link MultipleNegativesRankingLoss#builder()}). */
    public CachedMultipleNegativesRankingLoss(MultipleNegativesRankingLoss.Builder options, int miniBatchSize,
                                              Integer miniBatchNumTokens) {
        this(options.lossName(NAME).build(), new MiniBatchOptions(miniBatchSize, miniBatchNumTokens, false));
    }

    /** Reads the options from snake_case keys (missing ones take the defaults). */
    public static CachedMultipleNegativesRankingLoss fromConfig(ConfigReader c) {
        MultipleNegativesRankingLoss inner = MultipleNegativesRankingLoss.readInto(MultipleNegativesRankingLoss.builder(), c).build();
        return new CachedMultipleNegativesRankingLoss(inner, MiniBatchOptions.read(c, 32));
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
        miniBatch.putSizes(m);
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
    public MiniBatchOptions miniBatchOptions() {
        return miniBatch;
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
