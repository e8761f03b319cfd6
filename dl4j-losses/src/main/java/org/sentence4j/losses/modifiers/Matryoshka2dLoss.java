package org.sentence4j.losses.modifiers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;

import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.SentenceLoss;

/**
 * 2D Matryoshka Sentence Embeddings (2DMSE): Matryoshka training along both the embedding width and the
 * model depth, so that the trained model can be used with fewer layers <em>and</em> truncated embeddings.
 *
 * <p>Exactly {@code AdaptiveLayerLoss(MatryoshkaLoss(loss, matryoshka_dims, matryoshka_weights,
 * n_dims_per_step), n_layers_per_step, ...)}: every base evaluation (final layer and each used prior layer)
 * is a full Matryoshka sum, each drawing its own dims when {@code n_dims_per_step > 0}; the KL terms compare
 * the raw, untruncated embeddings. The defaults {@code n_layers_per_step = 1}, {@code n_dims_per_step = 1}
 * (from the 2DMSE paper) make every step random; use {@code -1} for both to train all layers and dims.
 *
 * <p>Paper: Li et al., "2D Matryoshka Sentence Embeddings" (arXiv:2402.14776).
 */
public final class Matryoshka2dLoss extends AbstractSentenceLoss {

    /** The prior layers' embeddings are this loss's input. */
    @Override
    public boolean usesLayerEmbeddings() {
        return true;
    }

    /** As the base loss (e.g. a GIST base needs its guide embeddings). */
    @Override
    public boolean usesGuideEmbeddings() {
        return loss.usesGuideEmbeddings();
    }


    private static final String NAME = "Matryoshka2dLoss";

    private final SentenceLoss loss;
    private final MatryoshkaLoss matryoshka;
    private final AdaptiveLayerLoss adaptive;

    private Matryoshka2dLoss(Builder b) {
        // error messages of the inner losses name the loss the user configured (also a missing base loss)
        this.matryoshka = b.matryoshka.build(NAME);
        this.loss = matryoshka.loss();
        this.adaptive = AdaptiveLayerLoss.named(b.adaptive.loss(matryoshka), NAME);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code Matryoshka2dLoss(loss, dims)} with upstream's defaults (one random layer and one random dim per step). */
    public static Matryoshka2dLoss of(SentenceLoss loss, int... matryoshkaDims) {
        return builder().loss(loss).matryoshkaDims(matryoshkaDims).build();
    }

    /** From snake_case options; {@code base} is the user's already-built base loss. */
    public static Matryoshka2dLoss fromConfig(ConfigReader opt, SentenceLoss base) {
        Builder builder = builder().loss(ModifierSupport.requireBase(opt, base));
        MatryoshkaLoss.readOptions(opt, builder.matryoshka, 1);
        AdaptiveLayerLoss.readOptions(opt, builder.adaptive);
        return builder.build();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The user's base loss (the {@code loss} of the config). */
    public SentenceLoss loss() {
        return loss;
    }

    /** The inner MatryoshkaLoss (upstream's {@code .loss} of this AdaptiveLayerLoss subclass). */
    public MatryoshkaLoss matryoshkaLoss() {
        return matryoshka;
    }

    /** The AdaptiveLayerLoss this loss is. */
    public AdaptiveLayerLoss adaptiveLayerLoss() {
        return adaptive;
    }

    @Override
    public InputFormat inputFormat() {
        return loss.inputFormat();
    }

    @Override
    public void validate(InputShapes shapes) {
        adaptive.validate(shapes);
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        return adaptive.build(inputs);
    }

    /**
     * AdaptiveLayerLoss's keys followed by MatryoshkaLoss's, merged as upstream's dict union: {@code loss}
     * keeps its first position but names the user's base loss.
     */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>(adaptive.config());
        c.putAll(matryoshka.config());
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.LI20242D);
    }

    /** Builder with upstream's defaults ({@code n_layers_per_step = 1}, {@code n_dims_per_step = 1}). */
    public static final class Builder {
        private final MatryoshkaLoss.Builder matryoshka = MatryoshkaLoss.builder().nDimsPerStep(1);
        private final AdaptiveLayerLoss.Builder adaptive = AdaptiveLayerLoss.builder().nLayersPerStep(1);

        private Builder() {
        }

        /** The user's base loss (required). */
        public Builder loss(SentenceLoss loss) {
            matryoshka.loss(loss);
            return this;
        }

        /** The embedding widths to train (required). */
        public Builder matryoshkaDims(int... dims) {
            matryoshka.matryoshkaDims(dims);
            return this;
        }

        /** One weight per dim; {@code null} for all 1. */
        public Builder matryoshkaWeights(double... weights) {
            matryoshka.matryoshkaWeights(weights);
            return this;
        }

        public Builder nLayersPerStep(int n) {
            adaptive.nLayersPerStep(n);
            return this;
        }

        public Builder nDimsPerStep(int n) {
            matryoshka.nDimsPerStep(n);
            return this;
        }

        public Builder lastLayerWeight(double w) {
            adaptive.lastLayerWeight(w);
            return this;
        }

        public Builder priorLayersWeight(double w) {
            adaptive.priorLayersWeight(w);
            return this;
        }

        public Builder klDivWeight(double w) {
            adaptive.klDivWeight(w);
            return this;
        }

        public Builder klTemperature(double t) {
            adaptive.klTemperature(t);
            return this;
        }

        /** "uniform" (default), "log" or "linear". */
        public Builder layerWeighting(String weighting) {
            adaptive.layerWeighting(weighting);
            return this;
        }

        /** A custom weight of prior hidden state {@code h}, reported as "custom". */
        public Builder layerWeighting(IntToDoubleFunction weighting) {
            adaptive.layerWeighting(weighting);
            return this;
        }

        public Builder layerWeighting(String functionName, IntToDoubleFunction weighting) {
            adaptive.layerWeighting(functionName, weighting);
            return this;
        }

        public Matryoshka2dLoss build() {
            return new Matryoshka2dLoss(this);
        }
    }
}
