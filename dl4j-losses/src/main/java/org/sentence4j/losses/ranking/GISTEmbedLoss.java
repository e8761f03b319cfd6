package org.sentence4j.losses.ranking;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;

/**
 * GISTEmbedLoss (Solatorio 2024): in-batch negatives whose likely false negatives are removed using a frozen
 * guide model.
 *
 * <p>Columns exactly {@code (anchor, positive)} or {@code (anchor, positive, negative)}; no labels. The guide's
 * embeddings of every column come from {@link org.sentence4j.losses.LossInputs#guideEmbeddings()} (no gradient
 * reaches them). Blocks of cosine similarities {@code [AP | AA | PP | AN]} (AA and PP switchable), each entry
 * whose guide similarity is strictly above row {@code i}'s bound ({@code τ_i − margin} or
 * {@code τ_i − |τ_i|·margin} with {@code τ_i} the guide similarity of the pair) removed, except AP's diagonal;
 * then divided by the temperature and scored by cross-entropy against the true pair (reference 4.3).
 */
public class GISTEmbedLoss extends AbstractGistLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "GISTEmbedLoss";

    /** A loss with every option at its default and no named guide model. */
    public GISTEmbedLoss() {
        this(Options.defaults());
    }

    /**
     * @param guide             the guide model's name or path (reported in the config), or {@code null}
     * @param temperature       divides the similarities (default 0.01)
     * @param marginStrategy    {@code ABSOLUTE} (default) or {@code RELATIVE}
     * @param margin            the margin (default 0)
     * @param contrastAnchors   whether the anchor-anchor block is used (default true)
     * @param contrastPositives whether the positive-positive block is used (default true)
     */
    public GISTEmbedLoss(String guide, double temperature, MarginStrategy marginStrategy, double margin,
                         boolean contrastAnchors, boolean contrastPositives) {
        this(new Options(guide, temperature, marginStrategy, margin, contrastAnchors, contrastPositives, false));
    }

    GISTEmbedLoss(Options options) {
        super(options);
        validateOptions();
    }

    /** Reads the options from snake_case keys; {@code guide} may name the guide model. */
    public static GISTEmbedLoss fromConfig(ConfigReader c) {
        return new GISTEmbedLoss(Options.read(c));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputFormat inputFormat() {
        return InputFormat.unlabeled(2, 3, "(anchor, positive) or (anchor, positive, negative)");
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("guide", guide());
        m.put("temperature", temperature());
        putTail(m);
        return m;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.SOLATORIO2024GISTEMBED);
    }
}
