package org.sentence4j.losses.modifiers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.GradientCachedLoss;

/**
 * Layer-wise training (the layer dimension of 2D Matryoshka Sentence Embeddings): the base loss is applied
 * not only to the final embeddings but also to sentence embeddings computed from earlier hidden states, and
 * each earlier layer is pulled towards the final layer's distribution with a KL term, so that a model cut
 * after fewer transformer layers still embeds well (faster inference with a shallower model).
 *
 * <p>With {@code N} prior hidden states {@code h = 0 … N−1} (0 = embedding-layer output; see
 * {@link LossInputs#layerEmbeddings()}) the loss is
 * {@code last_layer_weight · base(final) + Σ_{h∈K} [ base(G_h) · w(h)/|K| · prior_layers_weight
 * + KL_h · T · kl_div_weight ]}, where {@code KL_h} is the batch-mean KL divergence between the detached
 * target {@code softmax(F/T)} of the stacked final embeddings and {@code softmax(G_h/T)}, over the embedding
 * dimension ({@code T = kl_temperature}; {@code T = 0} switches the KL term off). {@code K} is every prior
 * layer, or a fresh random subset of {@code n_layers_per_step} layers at each step.
 *
 * <p>Needs every layer's embeddings (the trainer provides them for transformer models). A cached (GradCache)
 * base loss is evaluated like its non-cached equivalent here; upstream does not support that combination
 * either, it only warns. Paper: Li et al., "2D Matryoshka Sentence Embeddings" (arXiv:2402.14776).
 */
public final class AdaptiveLayerLoss extends AbstractSentenceLoss {

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


    private static final String NAME = "AdaptiveLayerLoss";

    /** The built-in layer weightings by name; anything else must be a function given to the builder. */
    static final List<String> WEIGHTINGS = List.of("uniform", "log", "linear");

    private final SentenceLoss loss;
    private final int nLayersPerStep;
    private final double lastLayerWeight;
    private final double priorLayersWeight;
    private final double klDivWeight;
    private final double klTemperature;
    private final String layerWeighting;
    private final IntToDoubleFunction layerWeight;
    /** The name used in error messages (Matryoshka2dLoss when this is its inner loss). */
    private final String label;

    private AdaptiveLayerLoss(Builder b, String label) {
        this.label = label;
        if (b.loss == null) {
            throw new LossInputException(label + " needs a base loss ('loss'), but none was given.");
        }
        ModifierSupport.requireFinite(label, "last_layer_weight", b.lastLayerWeight);
        ModifierSupport.requireFinite(label, "prior_layers_weight", b.priorLayersWeight);
        ModifierSupport.requireFinite(label, "kl_div_weight", b.klDivWeight);
        ModifierSupport.requireFinite(label, "kl_temperature", b.klTemperature);
        if (b.klTemperature < 0) {
            throw new LossInputException(label + ": option 'kl_temperature' must be > 0, or 0 to switch the KL term off, "
                    + "but is " + b.klTemperature + ".");
        }
        if (b.loss instanceof GradientCachedLoss g && g.usesGradientCache()) {
            // upstream only warns too; at the embedding level the cached loss equals its non-cached form
            System.getLogger(AdaptiveLayerLoss.class.getName()).log(System.Logger.Level.WARNING, label
                    + " does not support cached (GradCache) losses such as "
                    + (b.loss instanceof MatryoshkaLoss m ? m.loss().name() : b.loss.name())
                    + "; it is evaluated like its non-cached equivalent, without GradCache's memory savings.");
        }
        this.loss = b.loss;
        this.nLayersPerStep = b.nLayersPerStep;
        this.lastLayerWeight = b.lastLayerWeight;
        this.priorLayersWeight = b.priorLayersWeight;
        this.klDivWeight = b.klDivWeight;
        this.klTemperature = b.klTemperature;
        if (b.layerWeightingFunction != null) {
            this.layerWeighting = b.layerWeighting == null ? "custom" : b.layerWeighting;
            this.layerWeight = b.layerWeightingFunction;
        } else {
            String w = b.layerWeighting == null ? "uniform" : b.layerWeighting;
            this.layerWeighting = w;
            this.layerWeight = switch (w) {
                case "uniform" -> h -> 1.0;
                case "log" -> h -> 1.0 / (1.0 + Math.log(1.0 + h));
                case "linear" -> h -> 1.0 / (1.0 + h);
                default -> throw new LossInputException(label + ": option 'layer_weighting' must be one of "
                        + String.join(", ", WEIGHTINGS) + " (or a function given to the builder), but is '" + w + "'.");
            };
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code AdaptiveLayerLoss(loss)} with upstream's defaults. */
    public static AdaptiveLayerLoss of(SentenceLoss loss) {
        return builder().loss(loss).build();
    }

    /** From snake_case options; {@code base} is the already-built base loss. */
    public static AdaptiveLayerLoss fromConfig(ConfigReader opt, SentenceLoss base) {
        SentenceLoss b = ModifierSupport.requireBase(opt, base);
        return readOptions(opt, builder().loss(b)).build();
    }

    /** Reads the options shared with Matryoshka2dLoss into {@code b}. */
    static Builder readOptions(ConfigReader opt, Builder b) {
        Builder d = new Builder();
        b.nLayersPerStep(opt.getInt("n_layers_per_step", d.nLayersPerStep))
                .lastLayerWeight(opt.getDouble("last_layer_weight", d.lastLayerWeight))
                .priorLayersWeight(opt.getDouble("prior_layers_weight", d.priorLayersWeight))
                .klDivWeight(opt.getDouble("kl_div_weight", d.klDivWeight))
                .klTemperature(opt.getDouble("kl_temperature", d.klTemperature));
        String w = opt.getString("layer_weighting", "uniform");
        if (!WEIGHTINGS.contains(w)) {
            throw new LossInputException(opt.loss() + ": option 'layer_weighting' must be one of "
                    + String.join(", ", WEIGHTINGS) + ", but is '" + w
                    + "' (a custom weighting function can only be given through the builder).");
        }
        return b.layerWeighting(w);
    }

    /** The same loss under another name (Matryoshka2dLoss reports its own name in errors). */
    static AdaptiveLayerLoss named(Builder b, String name) {
        return new AdaptiveLayerLoss(b, name);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The wrapped base loss (upstream's {@code .loss}). */
    public SentenceLoss loss() {
        return loss;
    }

    public int nLayersPerStep() {
        return nLayersPerStep;
    }

    public double lastLayerWeight() {
        return lastLayerWeight;
    }

    public double priorLayersWeight() {
        return priorLayersWeight;
    }

    public double klDivWeight() {
        return klDivWeight;
    }

    public double klTemperature() {
        return klTemperature;
    }

    /** The weighting's name: "uniform", "log", "linear", or a custom function's name ("custom" by default). */
    public String layerWeighting() {
        return layerWeighting;
    }

    /** The weight {@code w(h)} of prior hidden state {@code h}. */
    public double layerWeight(int h) {
        return layerWeight.applyAsDouble(h);
    }

    @Override
    public InputFormat inputFormat() {
        return loss.inputFormat();
    }

    @Override
    public void validate(InputShapes shapes) {
        loss.validate(shapes);
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        List<List<SDVariable>> layers = inputs.layerEmbeddings().orElseThrow(() -> new LossInputException(label
                + " needs the sentence embeddings of every hidden state (LossInputs.layerEmbeddings / "
                + "LossBatch.withPriorLayerEmbeddings), but none were given. It works only with a transformer model "
                + "that returns all hidden states."));
        if (layers.isEmpty()) {
            throw new LossInputException(label + ": the layer embeddings are empty; the last entry must be the final "
                    + "output (the loss's columns).");
        }
        int k = inputs.columnCount();
        int nPrior = layers.size() - 1; // the last entry is the final output, the columns themselves
        for (int h = 0; h < nPrior; h++) {
            if (layers.get(h).size() != k) {
                throw new LossInputException(label + ": hidden state " + h + " has embeddings for " + layers.get(h).size()
                        + " columns, but the batch has " + k + ".");
            }
        }
        SameDiff sd = inputs.sd();
        long width = inputs.embeddingDim();

        ModifierSupport.WeightedComponents sum = new ModifierSupport.WeightedComponents();
        sum.add(loss.build(inputs), lastLayerWeight, null);
        if (nPrior == 0) {
            return sum.build();
        }

        boolean kl = klTemperature > 0;
        SDVariable target = null;
        SDVariable logTarget = null;
        if (kl) {
            // the target is a constant for the gradient: no KL gradient reaches the final layer
            SDVariable f = stack(sd, inputs.columns()).mul(1.0 / klTemperature);
            target = SdMath.stopGradient(sd, sd.nn.softmax(f, 1));
            logTarget = SdMath.stopGradient(sd, SdMath.logSoftmax(sd, f, 1)); // log P without log(0)
        }

        boolean sampling = nLayersPerStep > 0 && nLayersPerStep < nPrior;
        int used = sampling ? nLayersPerStep : nPrior; // |K|
        SDVariable mask = null;
        if (sampling) {
            DataType type = inputs.dataType();
            int draw = nLayersPerStep;
            mask = inputs.stepInputs().register(sd, NAME + "/layers_mask", type, new long[] {nPrior},
                    rng -> ModifierSupport.sampleMask(rng, nPrior, draw, type));
        }
        // a base loss with named components keeps them; the KL terms then get a component of their own
        String klComponent = null;
        for (int h = 0; h < nPrior; h++) {
            List<SDVariable> cols = layers.get(h);
            List<long[]> shapes = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                shapes.add(new long[] {-1, width});
            }
            SDVariable m = mask == null ? null : ModifierSupport.maskEntry(mask, h);
            LossOutput out = loss.build(inputs.toBuilder().columns(cols, shapes).build());
            sum.add(out, layerWeight(h) / used * priorLayersWeight, m);
            if (kl) {
                if (klComponent == null) {
                    klComponent = out.isScalar() ? LossOutput.DEFAULT_COMPONENT : "kl_div";
                }
                SDVariable logQ = SdMath.logSoftmax(sd, stack(sd, cols).mul(1.0 / klTemperature), 1);
                // batchmean over all k·B stacked rows; scaled by T (not T²) and not divided by |K|, as upstream
                SDVariable klDiv = target.mul(logTarget.sub(logQ)).sum(1).mean();
                sum.addTerm(klComponent, klDiv, klTemperature * klDivWeight, m);
            }
        }
        return sum.build();
    }

    /** The columns stacked vertically ({@code k·B × D}, column order). */
    private static SDVariable stack(SameDiff sd, List<SDVariable> cols) {
        return cols.size() == 1 ? cols.get(0) : sd.concat(0, cols.toArray(new SDVariable[0]));
    }

    /**
     * {@code loss, n_layers_per_step, last_layer_weight, prior_layers_weight, kl_div_weight, kl_temperature,
     * layer_weighting}.
     */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("loss", loss.name());
        c.put("n_layers_per_step", nLayersPerStep);
        c.put("last_layer_weight", lastLayerWeight);
        c.put("prior_layers_weight", priorLayersWeight);
        c.put("kl_div_weight", klDivWeight);
        c.put("kl_temperature", klTemperature);
        c.put("layer_weighting", layerWeighting);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.LI20242D);
    }

    /** Builder with upstream's defaults. */
    public static final class Builder {
        private SentenceLoss loss;
        private int nLayersPerStep = 1;
        private double lastLayerWeight = 1.0;
        private double priorLayersWeight = 1.0;
        private double klDivWeight = 1.0;
        private double klTemperature = 0.3;
        private String layerWeighting = "uniform";
        private IntToDoubleFunction layerWeightingFunction;

        private Builder() {
        }

        /** The base loss applied to every layer (required). */
        public Builder loss(SentenceLoss loss) {
            this.loss = loss;
            return this;
        }

        /** Prior layers drawn per step (default 1); {@code <= 0} or {@code >=} their number uses all. */
        public Builder nLayersPerStep(int n) {
            this.nLayersPerStep = n;
            return this;
        }

        /** Weight of the final layer's base loss (default 1). */
        public Builder lastLayerWeight(double w) {
            this.lastLayerWeight = w;
            return this;
        }

        /** Weight of the prior layers' base losses (default 1). */
        public Builder priorLayersWeight(double w) {
            this.priorLayersWeight = w;
            return this;
        }

        /** Weight of the KL terms (default 1). */
        public Builder klDivWeight(double w) {
            this.klDivWeight = w;
            return this;
        }

        /** Softmax temperature of the KL terms (default 0.3); 0 switches them off. */
        public Builder klTemperature(double t) {
            this.klTemperature = t;
            return this;
        }

        /** "uniform" (default, w = 1), "log" (w = 1/(1+ln(1+h))) or "linear" (w = 1/(1+h)). */
        public Builder layerWeighting(String weighting) {
            this.layerWeighting = weighting;
            this.layerWeightingFunction = null;
            return this;
        }

        /** A custom weight of prior hidden state {@code h}, reported as "custom". */
        public Builder layerWeighting(IntToDoubleFunction weighting) {
            return layerWeighting("custom", weighting);
        }

        /** A custom weight of prior hidden state {@code h}, reported under {@code functionName}. */
        public Builder layerWeighting(String functionName, IntToDoubleFunction weighting) {
            this.layerWeighting = functionName;
            this.layerWeightingFunction = weighting;
            return this;
        }

        public AdaptiveLayerLoss build() {
            return new AdaptiveLayerLoss(this, NAME);
        }
    }
}
