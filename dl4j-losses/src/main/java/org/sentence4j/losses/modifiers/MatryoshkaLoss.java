package org.sentence4j.losses.modifiers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * Matryoshka Representation Learning: trains embeddings whose leading components are useful on their own,
 * so that a model's vectors can later be cut to a smaller width (e.g. 768 → 64) for cheaper storage and
 * search with little loss of quality.
 *
 * <p>For every Matryoshka dimension {@code d} (sorted descending) the embeddings of every column are
 * truncated to their first {@code d} components and L2-normalised (also at the full width, so the base loss
 * always sees unit vectors), 2-D labels as wide as the embeddings (teacher embeddings for MSELoss) are
 * truncated the same way but not normalised, and the base loss is evaluated; the loss is
 * {@code Σ_d w_d · base(d)}. A guide model's embeddings (GIST) are never truncated. With
 * {@code n_dims_per_step} in {@code (0, number of dims)} each step uses a fresh random subset of the dims.
 *
 * <p>Use it around any loss (MNRL, CoSENT, MSELoss, ...) when you want truncatable embeddings. Around a
 * cached (GradCache) loss it is itself cached ({@link #usesGradientCache()}): one chunked embedding pass
 * serves every dim, and this fragment, evaluated on the full-batch embeddings, gives the embedding
 * gradients the replay needs (reference, section 5.3).
 * Paper: Kusupati et al., "Matryoshka Representation Learning" (NeurIPS 2022, arXiv:2205.13147).
 */
public final class MatryoshkaLoss extends AbstractSentenceLoss implements GradientCachedLoss {

    /** As the base loss: a GIST base keeps needing its (untruncated) guide embeddings. */
    @Override
    public boolean usesGuideEmbeddings() {
        return loss.usesGuideEmbeddings();
    }


    private static final String NAME = "MatryoshkaLoss";

    private final SentenceLoss loss;
    private final int[] matryoshkaDims;
    private final double[] matryoshkaWeights;
    /** Whether the weights were defaulted (reported as upstream's integer ones). */
    private final boolean defaultWeights;
    private final int nDimsPerStep;

    /** The name used in error messages (Matryoshka2dLoss when this is its inner loss). */
    private final String label;

    private MatryoshkaLoss(Builder b, String label) {
        this.label = label;
        if (b.loss == null) {
            throw new LossInputException(label + " needs a base loss ('loss'), but none was given.");
        }
        if (b.matryoshkaDims == null || b.matryoshkaDims.length == 0) {
            throw new LossInputException(label + ": option 'matryoshka_dims' is required and must list at least one "
                    + "embedding width, e.g. [768, 512, 256, 128, 64].");
        }
        for (int d : b.matryoshkaDims) {
            if (d <= 0) {
                throw new LossInputException(label + ": every value of 'matryoshka_dims' must be > 0, but got " + d
                        + " in " + Arrays.toString(b.matryoshkaDims) + ".");
            }
        }
        int n = b.matryoshkaDims.length;
        double[] weights = b.matryoshkaWeights;
        if (weights != null && weights.length != n) {
            throw new LossInputException(label + ": 'matryoshka_weights' must have one weight per dimension ("
                    + n + "), but has " + weights.length + ".");
        }
        if (weights != null) {
            for (double w : weights) {
                ModifierSupport.requireFinite(label, "matryoshka_weights", w);
            }
        }
        this.loss = b.loss;
        this.defaultWeights = weights == null;
        // sort the dims descending and permute the weights along (a stable sort, as Python's sorted)
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> b.matryoshkaDims[i]).reversed());
        this.matryoshkaDims = new int[n];
        this.matryoshkaWeights = new double[n];
        for (int i = 0; i < n; i++) {
            matryoshkaDims[i] = b.matryoshkaDims[order[i]];
            matryoshkaWeights[i] = weights == null ? 1.0 : weights[order[i]];
        }
        this.nDimsPerStep = b.nDimsPerStep;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code MatryoshkaLoss(loss, dims)} with all weights 1 and every dim used at every step. */
    public static MatryoshkaLoss of(SentenceLoss loss, int... matryoshkaDims) {
        return builder().loss(loss).matryoshkaDims(matryoshkaDims).build();
    }

    /** From snake_case options; {@code base} is the already-built base loss. */
    public static MatryoshkaLoss fromConfig(ConfigReader opt, SentenceLoss base) {
        return readOptions(opt, builder().loss(ModifierSupport.requireBase(opt, base)), -1).build();
    }

    /**
     * Reads the options shared with Matryoshka2dLoss ({@code matryoshka_dims}, {@code matryoshka_weights},
     * {@code n_dims_per_step}, which defaults to {@code defaultNDimsPerStep}) into {@code b}.
     */
    static Builder readOptions(ConfigReader opt, Builder b, int defaultNDimsPerStep) {
        return b.matryoshkaDims(ModifierSupport.intList(opt, "matryoshka_dims"))
                .matryoshkaWeights(ModifierSupport.doubleList(opt, "matryoshka_weights"))
                .nDimsPerStep(opt.getInt("n_dims_per_step", defaultNDimsPerStep));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The wrapped base loss (upstream's {@code .loss}). */
    public SentenceLoss loss() {
        return loss;
    }

    /** The dims, sorted descending. */
    public int[] matryoshkaDims() {
        return matryoshkaDims.clone();
    }

    /** The weights, in the order of {@link #matryoshkaDims()}. */
    public double[] matryoshkaWeights() {
        return matryoshkaWeights.clone();
    }

    public int nDimsPerStep() {
        return nDimsPerStep;
    }

    /** Whether a random subset of the dims is used at each step. */
    boolean samplesDims() {
        return nDimsPerStep > 0 && nDimsPerStep < matryoshkaDims.length;
    }

    @Override
    public InputFormat inputFormat() {
        return loss.inputFormat();
    }

    private Optional<GradientCachedLoss> cachedBase() {
        return loss instanceof GradientCachedLoss g && g.usesGradientCache() ? Optional.of(g) : Optional.empty();
    }

    /** True when the base loss runs with GradCache: the trainer then runs this loss with GradCache as well. */
    @Override
    public boolean usesGradientCache() {
        return cachedBase().isPresent();
    }

    /** The base loss's {@code mini_batch_size} (upstream's default 32 when the base is not cached). */
    @Override
    public int miniBatchSize() {
        return cachedBase().map(GradientCachedLoss::miniBatchSize).orElse(32);
    }

    /** The base loss's {@code mini_batch_num_tokens} ({@code null} when the base is not cached). */
    @Override
    public Integer miniBatchNumTokens() {
        return cachedBase().map(GradientCachedLoss::miniBatchNumTokens).orElse(null);
    }

    @Override
    public boolean showProgressBar() {
        return cachedBase().map(GradientCachedLoss::showProgressBar).orElse(false);
    }

    /**
     * Checks that every dim fits the embedding width, then lets the base loss check the inputs exactly as
     * it will receive them at each dim (truncated columns, truncated teacher labels).
     */
    @Override
    public void validate(InputShapes shapes) {
        long width = shapes.embeddingDim();
        boolean matrices = shapes.columns() > 0 && shapes.columnShapes().stream().allMatch(s -> s.length == 2);
        if (!matrices || width <= 0) {
            loss.validate(shapes);
            return;
        }
        for (int d : matryoshkaDims) {
            if (d > width) {
                throw new LossInputException(label + ": Matryoshka dimension " + d + " is larger than the embedding width "
                        + width + "; every value of 'matryoshka_dims' must be <= " + width + ".");
            }
        }
        for (int d : matryoshkaDims) {
            loss.validate(truncated(shapes, d, width));
        }
    }

    private static InputShapes truncated(InputShapes shapes, int d, long width) {
        List<long[]> cols = new ArrayList<>();
        for (long[] s : shapes.columnShapes()) {
            cols.add(new long[] {s[0], d});
        }
        long[] ls = shapes.labelShape();
        if (truncatesLabels(ls, width)) {
            ls = new long[] {ls[0], d};
        }
        return new InputShapes(cols, ls, shapes.labelsIntegral());
    }

    /** Upstream truncates labels only when they are a 2-D tensor exactly as wide as the embeddings. */
    private static boolean truncatesLabels(long[] labelShape, long width) {
        return labelShape != null && labelShape.length == 2 && labelShape[1] == width;
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        long width = inputs.embeddingDim();
        long[] labelShape = inputs.labelShape();
        boolean truncateLabels = truncatesLabels(labelShape, width);
        int n = matryoshkaDims.length;
        if (Arrays.stream(matryoshkaDims).noneMatch(d -> d == width)) {
            System.getLogger(MatryoshkaLoss.class.getName()).log(System.Logger.Level.WARNING,
                    "The embedding width " + width + " is not among matryoshka_dims " + Arrays.toString(matryoshkaDims)
                            + "; the full-width embeddings are not trained directly.");
        }
        SDVariable mask = null;
        if (samplesDims()) {
            // the draw happens outside the graph, at every step, from the trainer's seeded generator
            DataType type = inputs.dataType();
            int k = nDimsPerStep;
            mask = inputs.stepInputs().register(sd, NAME + "/dims_mask", type, new long[] {n},
                    rng -> ModifierSupport.sampleMask(rng, n, k, type));
        }
        ModifierSupport.WeightedComponents sum = new ModifierSupport.WeightedComponents();
        for (int i = 0; i < n; i++) {
            int d = matryoshkaDims[i];
            List<SDVariable> cols = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            for (SDVariable c : inputs.columns()) {
                // slice with size -1 keeps the batch dynamic
                cols.add(SdMath.l2Normalize(sd, sd.slice(c, new int[] {0, 0}, -1, d)));
                shapes.add(new long[] {-1, d});
            }
            LossInputs.Builder derived = inputs.toBuilder().columns(cols, shapes);
            if (truncateLabels) {
                SDVariable labels = inputs.labels().orElseThrow();
                derived.labels(sd.slice(labels, new int[] {0, 0}, -1, d), new long[] {labelShape[0], d});
            }
            LossOutput out = loss.build(derived.build());
            sum.add(out, matryoshkaWeights[i], mask == null ? null : ModifierSupport.maskEntry(mask, i));
        }
        return sum.build();
    }

    /** {@code loss, matryoshka_dims, matryoshka_weights, n_dims_per_step}; dims and weights after sorting. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("loss", loss.name());
        c.put("matryoshka_dims", Arrays.stream(matryoshkaDims).boxed().toList());
        // upstream defaults the weights to the integer list [1, 1, ...]
        c.put("matryoshka_weights", defaultWeights
                ? Arrays.stream(matryoshkaWeights).mapToObj(w -> (Object) 1).toList()
                : Arrays.stream(matryoshkaWeights).boxed().map(w -> (Object) w).toList());
        c.put("n_dims_per_step", nDimsPerStep);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.KUSUPATI2024MATRYOSHKA);
    }

    /** Builder with upstream's defaults: weights all 1, {@code n_dims_per_step = -1} (every dim). */
    public static final class Builder {
        private SentenceLoss loss;
        private int[] matryoshkaDims;
        private double[] matryoshkaWeights;
        private int nDimsPerStep = -1;

        private Builder() {
        }

        /** The base loss evaluated at every dimension (required). */
        public Builder loss(SentenceLoss loss) {
            this.loss = loss;
            return this;
        }

        /** The embedding widths to train, in any order (required, each {@code > 0} and {@code <=} the model's width). */
        public Builder matryoshkaDims(int... dims) {
            this.matryoshkaDims = dims == null ? null : dims.clone();
            return this;
        }

        /** One weight per dim, in the order the dims were given; {@code null} for all 1. */
        public Builder matryoshkaWeights(double... weights) {
            this.matryoshkaWeights = weights == null ? null : weights.clone();
            return this;
        }

        /** How many dims to draw per step; {@code <= 0} or {@code >=} the number of dims uses all. */
        public Builder nDimsPerStep(int n) {
            this.nDimsPerStep = n;
            return this;
        }

        public MatryoshkaLoss build() {
            return new MatryoshkaLoss(this, NAME);
        }

        /** The loss, naming {@code label} in its error messages. */
        MatryoshkaLoss build(String label) {
            return new MatryoshkaLoss(this, label);
        }
    }
}
