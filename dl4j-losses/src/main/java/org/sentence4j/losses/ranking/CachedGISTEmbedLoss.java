package org.sentence4j.losses.ranking;

import java.util.LinkedHashMap;
import java.util.Map;

import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;

/**
 * CachedGISTEmbedLoss: {@link GISTEmbedLoss} run with GradCache. At the embedding level it is GIST's math
 * (same value, same embedding gradients), except that any number of negative columns is accepted: each adds its
 * own anchor-negative block (with its guide block) after PP, in column order (reference 5.1).
 *
 * <p>Options as GIST plus {@code mini_batch_size = 32}, {@code mini_batch_num_tokens = null},
 * {@code show_progress_bar = false}. Upstream defines no citation for this loss.
 */
public class CachedGISTEmbedLoss extends AbstractGistLoss implements GradientCachedLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "CachedGISTEmbedLoss";

    private final int miniBatchSize;
    private final Integer miniBatchNumTokens;
    private final boolean showProgressBar;

    /** A loss with every option at its default and no named guide model. */
    public CachedGISTEmbedLoss() {
        this(Options.defaults(), 32, null, false);
    }

    /** As {@link GISTEmbedLoss#GISTEmbedLoss(String, double, MarginStrategy, double, boolean, boolean)}, plus the chunking options. */
    public CachedGISTEmbedLoss(String guide, double temperature, int miniBatchSize, Integer miniBatchNumTokens,
                               MarginStrategy marginStrategy, double margin, boolean contrastAnchors, boolean contrastPositives) {
        this(new Options(guide, temperature, marginStrategy, margin, contrastAnchors, contrastPositives, false),
                miniBatchSize, miniBatchNumTokens, false);
    }

    CachedGISTEmbedLoss(Options options, int miniBatchSize, Integer miniBatchNumTokens, boolean showProgressBar) {
        super(options);
        validateOptions();
        CachedMultipleNegativesRankingLoss.checkMiniBatch(NAME, miniBatchSize, miniBatchNumTokens);
        this.miniBatchSize = miniBatchSize;
        this.miniBatchNumTokens = miniBatchNumTokens;
        this.showProgressBar = showProgressBar;
    }

    /** Reads the options from snake_case keys; {@code guide} may name the guide model. */
    public static CachedGISTEmbedLoss fromConfig(ConfigReader c) {
        return new CachedGISTEmbedLoss(Options.read(c), c.getInt("mini_batch_size", 32),
                c.getNullableInt("mini_batch_num_tokens"), c.getBoolean("show_progress_bar", false));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputFormat inputFormat() {
        return InputFormat.unlabeled(2, Integer.MAX_VALUE, "(anchor, positive, negative_1, ..., negative_n)");
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("guide", guide());
        m.put("temperature", temperature());
        m.put("mini_batch_size", miniBatchSize);
        m.put("mini_batch_num_tokens", miniBatchNumTokens);
        putTail(m);
        return m;
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
}
