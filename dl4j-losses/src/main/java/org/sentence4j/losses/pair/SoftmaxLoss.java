package org.sentence4j.losses.pair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Sentence-BERT's NLI objective: a trainable linear classifier on top of the pair features
 * {@code [u, v, |u − v|, u ⊙ v]} (each part switchable) predicts the class of the pair
 * {@code (sentence_A, sentence_B)}, e.g. entailment / neutral / contradiction, with cross-entropy.
 * The classifier ({@code classifier.weight} [num_labels, m·D], {@code classifier.bias} [num_labels]) belongs
 * to the loss and is trained with the model; it is initialised like PyTorch's {@code Linear}, uniform in
 * {@code ±1/sqrt(m·D)}, from {@link Builder#seed} for reproducibility.
 *
 * <p>Use it for labelled NLI-style pair classification data; for retrieval, MultipleNegativesRankingLoss on
 * the entailment pairs usually gives better embeddings.
 *
 * <p>Paper: Reimers and Gurevych, "Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks", EMNLP 2019.
 */
public final class SoftmaxLoss extends PairLoss {

    /** The only supported {@code loss_fct}. */
    public static final String CROSS_ENTROPY = "torch.nn.modules.loss.CrossEntropyLoss";

    private static final InputFormat FORMAT = pairs(LabelKind.CLASS);

    private final int embeddingDimension;
    private final int numLabels;
    private final boolean concatenationSentRep;
    private final boolean concatenationSentDifference;
    private final boolean concatenationSentMultiplication;
    private final long seed;

    private SoftmaxLoss(Builder b) {
        this.embeddingDimension = b.embeddingDimension;
        this.numLabels = b.numLabels;
        this.concatenationSentRep = b.concatenationSentRep;
        this.concatenationSentDifference = b.concatenationSentDifference;
        this.concatenationSentMultiplication = b.concatenationSentMultiplication;
        this.seed = b.seed;
    }

    /** A builder; {@code embeddingDimension} and {@code numLabels} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults of sentence-transformers for the two required arguments. */
    public static SoftmaxLoss of(int embeddingDimension, int numLabels) {
        return builder().embeddingDimension(embeddingDimension).numLabels(numLabels).build();
    }

    /**
     * From snake_case options: {@code embedding_dimension} (or its deprecated 5.x name
     * {@code sentence_embedding_dimension}), {@code num_labels}, the three {@code concatenation_*} flags,
     * {@code loss_fct} (CrossEntropyLoss only), and {@code seed} (sentence4j: the classifier initialisation).
     */
    public static SoftmaxLoss fromConfig(ConfigReader opt) {
        Builder b = builder();
        Integer dim = opt.getNullableInt("embedding_dimension");
        Integer oldDim = opt.getNullableInt("sentence_embedding_dimension");
        if (dim != null && oldDim != null && !dim.equals(oldDim)) {
            throw new LossInputException("SoftmaxLoss: options 'embedding_dimension' (" + dim
                    + ") and its deprecated alias 'sentence_embedding_dimension' (" + oldDim + ") disagree.");
        }
        if (dim == null && oldDim == null) {
            throw new LossInputException("SoftmaxLoss: option 'embedding_dimension' is required (the width of the sentence embeddings).");
        }
        Integer labels = opt.getNullableInt("num_labels");
        if (labels == null) {
            throw new LossInputException("SoftmaxLoss: option 'num_labels' is required (the number of classes).");
        }
        b.embeddingDimension(dim != null ? dim : oldDim)
                .numLabels(labels)
                .concatenationSentRep(opt.getBoolean("concatenation_sent_rep", true))
                .concatenationSentDifference(opt.getBoolean("concatenation_sent_difference", true))
                .concatenationSentMultiplication(opt.getBoolean("concatenation_sent_multiplication", false))
                .lossFct(opt.getString("loss_fct", CROSS_ENTROPY));
        if (opt.has("seed")) {
            b.seed((long) opt.getDouble("seed", Builder.DEFAULT_SEED));
        }
        return b.build();
    }

    public int embeddingDimension() {
        return embeddingDimension;
    }

    public int numLabels() {
        return numLabels;
    }

    public boolean concatenationSentRep() {
        return concatenationSentRep;
    }

    public boolean concatenationSentDifference() {
        return concatenationSentDifference;
    }

    public boolean concatenationSentMultiplication() {
        return concatenationSentMultiplication;
    }

    public long seed() {
        return seed;
    }

    /** Number of parts in the feature vector (the classifier's input width is this times the embedding width). */
    public int featureParts() {
        return (concatenationSentRep ? 2 : 0) + (concatenationSentDifference ? 1 : 0) + (concatenationSentMultiplication ? 1 : 0);
    }

    @Override
    public String name() {
        return "SoftmaxLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    /** Class ids must lie in {@code [0, num_labels)}: an id outside would silently get an all-zero target. */
    @Override
    public void validateValues(List<INDArray> columns, INDArray labels) {
        if (labels == null || labels.length() == 0) {
            return;
        }
        double min = labels.minNumber().doubleValue();
        double max = labels.maxNumber().doubleValue();
        if (min < 0 || max >= numLabels) {
            throw new LossInputException(name() + " has num_labels=" + numLabels + ", so class labels must lie in [0, "
                    + (numLabels - 1) + "], but the batch has labels from " + (long) min + " to " + (long) max + ".");
        }
    }

    @Override
    public void validate(InputShapes shapes) {
        super.validate(shapes);
        long d = shapes.embeddingDim();
        if (d > 0 && d != embeddingDimension) {
            throw new LossInputException("SoftmaxLoss was built with embedding_dimension = " + embeddingDimension
                    + ", but the embeddings have width " + d + ". Set embedding_dimension to the model's embedding width.");
        }
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        DataType dt = inputs.dataType();
        SDVariable u = inputs.column(0);
        SDVariable v = inputs.column(1);
        // feature order as Sentence-BERT: [u, v, |u - v|, u * v]
        List<SDVariable> parts = new ArrayList<>();
        if (concatenationSentRep) {
            parts.add(u);
            parts.add(v);
        }
        if (concatenationSentDifference) {
            parts.add(sd.math.abs(u.sub(v)));
        }
        if (concatenationSentMultiplication) {
            parts.add(u.mul(v));
        }
        SDVariable features = parts.size() == 1 ? parts.get(0) : sd.concat(1, parts.toArray(new SDVariable[0]));

        INDArray[] init = new INDArray[2];
        SDVariable weight = parameter(sd, "classifier.weight", () -> initialValues(dt, init)[0]);
        SDVariable bias = parameter(sd, "classifier.bias", () -> initialValues(dt, init)[1]);
        SDVariable logits = SdMath.matmulTransposed(sd, features, castIfNeeded(weight, dt)).add(castIfNeeded(bias, dt));

        SDVariable classes = inputs.requireLabels(name()).reshape(-1).castTo(DataType.INT);
        SDVariable oneHot = sd.oneHot(classes, numLabels, -1, 1.0, 0.0, dt);
        SDVariable loss = SdMath.crossEntropyOneHot(sd, logits, oneHot).mean();

        Map<String, SDVariable> params = new LinkedHashMap<>();
        params.put("classifier.weight", weight);
        params.put("classifier.bias", bias);
        return LossOutput.of(loss).withParameters(params);
    }

    private static SDVariable castIfNeeded(SDVariable x, DataType dt) {
        return x.dataType() == dt ? x : x.castTo(dt);
    }

    /**
     * PyTorch {@code Linear}'s default initialisation, uniform in {@code ±1/sqrt(fan_in)} for weight and bias,
     * drawn from {@code seed}: the weight first (row-major), then the bias, so the values do not depend on
     * which parameter is created first.
     */
    private INDArray[] initialValues(DataType dt, INDArray[] cache) {
        if (cache[0] == null) {
            int fanIn = featureParts() * embeddingDimension;
            double bound = 1.0 / Math.sqrt(fanIn);
            Random rng = new Random(seed);
            double[] w = new double[numLabels * fanIn];
            for (int i = 0; i < w.length; i++) {
                w[i] = (2.0 * rng.nextDouble() - 1.0) * bound;
            }
            double[] b = new double[numLabels];
            for (int i = 0; i < b.length; i++) {
                b[i] = (2.0 * rng.nextDouble() - 1.0) * bound;
            }
            cache[0] = Nd4j.create(w, new long[] {numLabels, fanIn}, DataType.DOUBLE).castTo(dt);
            cache[1] = Nd4j.create(b, new long[] {numLabels}, DataType.DOUBLE).castTo(dt);
        }
        return cache;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("num_labels", numLabels);
        c.put("concatenation_sent_rep", concatenationSentRep);
        c.put("concatenation_sent_difference", concatenationSentDifference);
        c.put("concatenation_sent_multiplication", concatenationSentMultiplication);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.REIMERS_2019_SENTENCE_BERT);
    }

    /** Builder with sentence-transformers' defaults; {@code embeddingDimension} and {@code numLabels} are required. */
    public static final class Builder {
        static final long DEFAULT_SEED = 42L;

        private int embeddingDimension = -1;
        private int numLabels = -1;
        private boolean concatenationSentRep = true;
        private boolean concatenationSentDifference = true;
        private boolean concatenationSentMultiplication = false;
        private String lossFct = CROSS_ENTROPY;
        private long seed = DEFAULT_SEED;

        private Builder() {
        }

        /** Width of the sentence embeddings (required). */
        public Builder embeddingDimension(int embeddingDimension) {
            this.embeddingDimension = embeddingDimension;
            return this;
        }

        /** Number of classes (required). */
        public Builder numLabels(int numLabels) {
            this.numLabels = numLabels;
            return this;
        }

        /** Include {@code u} and {@code v} in the features (default true). */
        public Builder concatenationSentRep(boolean on) {
            this.concatenationSentRep = on;
            return this;
        }

        /** Include {@code |u − v|} (default true). */
        public Builder concatenationSentDifference(boolean on) {
            this.concatenationSentDifference = on;
            return this;
        }

        /** Include {@code u ⊙ v} (default false). */
        public Builder concatenationSentMultiplication(boolean on) {
            this.concatenationSentMultiplication = on;
            return this;
        }

        /** Only {@code torch.nn.modules.loss.CrossEntropyLoss} (or {@code CrossEntropyLoss}) is supported. */
        public Builder lossFct(String className) {
            this.lossFct = className;
            return this;
        }

        /** Seed of the classifier's initialisation (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public SoftmaxLoss build() {
            if (embeddingDimension <= 0) {
                throw new LossInputException("SoftmaxLoss: option 'embedding_dimension' is required and must be a positive integer"
                        + (embeddingDimension == -1 ? "." : ", but is " + embeddingDimension + "."));
            }
            if (numLabels <= 0) {
                throw new LossInputException("SoftmaxLoss: option 'num_labels' is required and must be a positive integer"
                        + (numLabels == -1 ? "." : ", but is " + numLabels + "."));
            }
            if (!concatenationSentRep && !concatenationSentDifference && !concatenationSentMultiplication) {
                throw new LossInputException("SoftmaxLoss: at least one of 'concatenation_sent_rep', 'concatenation_sent_difference'"
                        + " and 'concatenation_sent_multiplication' must be true.");
            }
            if (!CROSS_ENTROPY.equals(lossFct) && !"CrossEntropyLoss".equals(lossFct)) {
                throw new LossInputException("SoftmaxLoss: option 'loss_fct' supports only " + CROSS_ENTROPY + ", but is '" + lossFct + "'.");
            }
            return new SoftmaxLoss(this);
        }
    }
}
