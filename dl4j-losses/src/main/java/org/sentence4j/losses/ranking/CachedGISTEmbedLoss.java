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
public class CachedGISTEmbedLoss extends AbstractGistLoss implements MiniBatchedLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "CachedGISTEmbedLoss";

    private final MiniBatchOptions miniBatch;

    /** A loss with every option at its default and no named guide model. */
    public CachedGISTEmbedLoss() {
        this(Options.defaults(), new MiniBatchOptions(32, null, false));
    }

    /** As {@link GISTEmbedLoss#GISTEmbedLoss(String, double, MarginStrategy, double, boolean, boolean)}, plus the chunking options. */
    public CachedGISTEmbedLoss(String guide, double temperature, int miniBatchSize, Integer miniBatchNumTokens,
                               MarginStrategy marginStrategy, double margin, boolean contrastAnchors, boolean contrastPositives) {
        this(new Options(guide, temperature, marginStrategy, margin, contrastAnchors, contrastPositives, false),
                new MiniBatchOptions(miniBatchSize, miniBatchNumTokens, false));
    }

    CachedGISTEmbedLoss(Options options, MiniBatchOptions miniBatch) {
        super(options);
        validateOptions();
        this.miniBatch = miniBatch.check(NAME);
    }

    /** Reads the options from snake_case keys; {@code guide} may name the guide model. */
    public static CachedGISTEmbedLoss fromConfig(ConfigReader c) {
        return new CachedGISTEmbedLoss(Options.read(c), MiniBatchOptions.read(c, 32));
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
        miniBatch.putSizes(m);
        putTail(m);
        return m;
    }

    @Override
    public boolean usesGradientCache() {
        return true;
    }

    @Override
    public MiniBatchOptions miniBatchOptions() {
        return miniBatch;
    }
}
