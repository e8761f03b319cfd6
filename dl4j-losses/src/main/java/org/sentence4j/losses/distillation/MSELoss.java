package org.sentence4j.losses.distillation;

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
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Embedding distillation by mean squared error (sentence-transformers {@code MSELoss}): the student's
 * embedding of every input column is regressed onto a teacher embedding given as the labels.
 *
 * <p>Use it to make a student reproduce a teacher's embedding space, classically to make a monolingual
 * model multilingual: the teacher embeds the English sentence, the student has to map the sentence and
 * each of its translations onto that same vector. Labels are either {@code [batch, dim]} (one teacher
 * row shared by every column) or {@code [batch, columns, dim]} (a teacher row per column).
 *
 * <p>The loss is {@code (1/k) Σ_c mean((E_c − T_c)²)}. With {@link Builder#projectionDim} a trainable
 * {@code Linear(dim → projectionDim)} owned by the loss maps every student embedding into the teacher's
 * width first (for a teacher of another width); its parameters are {@code projection.weight}
 * {@code [P, D]} and {@code projection.bias} {@code [P]}, initialised as PyTorch's {@code nn.Linear}.
 *
 * <p>Paper: Reimers &amp; Gurevych, "Making Monolingual Sentence Embeddings Multilingual using Knowledge
 * Distillation", EMNLP 2020.
 */
public final class MSELoss extends AbstractSentenceLoss {

    /** Name of the projection's weight parameter ({@code [projectionDim, dim]}, PyTorch layout). */
    public static final String PROJECTION_WEIGHT = "projection.weight";
    /** Name of the projection's bias parameter ({@code [projectionDim]}). */
    public static final String PROJECTION_BIAS = "projection.bias";

    private static final InputFormat FORMAT = InputFormat.labeled(1, Integer.MAX_VALUE,
            "(sentence_1, ..., sentence_k)", LabelKind.VECTOR, 2, 3);

    private final Integer projectionDim;
    private final long seed;

    private MSELoss(Builder b) {
        this.projectionDim = b.projectionDim;
        this.seed = b.seed;
    }

    /** The loss with upstream defaults (no projection). */
    public static MSELoss defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the upstream options ({@code projection_dim}). */
    public static MSELoss fromConfig(ConfigReader options) {
        return builder().projectionDim(options.getNullableInt("projection_dim")).build();
    }

    @Override
    public String name() {
        return "MSELoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    /** The projection width, or {@code null} without projection. */
    public Integer projectionDim() {
        return projectionDim;
    }

    @Override
    public void validate(InputShapes shapes) {
        super.validate(shapes);
        long[] ls = shapes.labelShape();
        int k = shapes.columns();
        if (ls.length == 3 && ls[1] >= 0 && ls[1] != k) {
            throw new LossInputException(name() + ": labels of shape " + InputShapes.format(ls) + " hold teacher embeddings for "
                    + ls[1] + " column(s), but " + k + " input column(s) were given. Give labels of shape [batch, " + k
                    + ", teacher_dim], or [batch, teacher_dim] to share one teacher row across all columns.");
        }
        long width = -1;
        for (int c = 0; c < k; c++) {
            long d = shapes.columnShapes().get(c)[1];
            if (d > 0 && width > 0 && d != width) {
                throw new LossInputException(name() + ": all columns must have the same embedding width, but column " + c
                        + " has " + d + " and an earlier column has " + width + ".");
            }
            if (d > 0) {
                width = d;
            }
        }
        INDArray w = parameterValues().get(PROJECTION_WEIGHT);
        if (projectionDim != null && w != null && width > 0 && w.size(1) != width) {
            throw new LossInputException(name() + ": the projection maps " + w.size(1) + "-dim embeddings, but the student's"
                    + " embeddings have width " + width + ".");
        }
        long teacher = ls[ls.length - 1];
        long studentOut = projectionDim != null ? projectionDim : width;
        if (teacher >= 0 && studentOut > 0 && teacher != studentOut) {
            throw new LossInputException(name() + ": the teacher embeddings have width " + teacher + " but the student's "
                    + (projectionDim != null ? "projected embeddings have width " + projectionDim + " (projection_dim)"
                    : "embeddings have width " + width)
                    + ". " + (projectionDim != null ? "Set projection_dim to " + teacher + "."
                    : "Set projection_dim=" + teacher + " to learn a projection into the teacher's width."));
        }
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        SDVariable labels = SdMath.stopGradient(sd, inputs.requireLabels(name()));
        long[] ls = inputs.labelShape();
        int k = inputs.columnCount();
        long dim = inputs.embeddingDim();
        long teacherDim = ls[ls.length - 1];

        Map<String, SDVariable> params = new LinkedHashMap<>();
        SDVariable weight = null;
        SDVariable bias = null;
        if (projectionDim != null) {
            DataType type = inputs.dataType();
            weight = parameter(sd, PROJECTION_WEIGHT, () -> uniform(new Random(seed), type, dim, projectionDim, dim));
            bias = parameter(sd, PROJECTION_BIAS, () -> uniform(new Random(seed + 1), type, dim, projectionDim));
            params.put(PROJECTION_WEIGHT, weight);
            params.put(PROJECTION_BIAS, bias);
            // a stored value of another type (a graph built in float64 for a gradient check) is cast in the graph
            weight = weight.dataType() == type ? weight : weight.castTo(type);
            bias = bias.dataType() == type ? bias : bias.castTo(type);
        }

        List<SDVariable> perColumn = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            SDVariable student = inputs.column(c);
            if (weight != null) {
                // y = x·Wᵀ + b, with an explicit transpose (SdMath notes: mmul transpose flags are broken)
                student = SdMath.matmulTransposed(sd, student, weight).add(bias);
            }
            SDVariable teacher = ls.length == 2 ? labels
                    : sd.slice(labels, new int[] {0, c, 0}, -1, 1, (int) teacherDim).reshape(-1, teacherDim);
            SDVariable diff = student.sub(teacher);
            perColumn.add(diff.mul(diff).mean());
        }
        SDVariable sum = perColumn.get(0);
        for (int c = 1; c < k; c++) {
            sum = sum.add(perColumn.get(c));
        }
        SDVariable loss = k == 1 ? sum : sum.mul(1.0 / k);
        LossOutput out = LossOutput.of(loss);
        return params.isEmpty() ? out : out.withParameters(params);
    }

    /** PyTorch's {@code nn.Linear} initialisation: every entry uniform in {@code ±1/sqrt(fanIn)}. */
    private static INDArray uniform(Random rng, DataType type, long fanIn, long... shape) {
        double bound = 1.0 / Math.sqrt(fanIn);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2.0 * rng.nextDouble() - 1.0) * bound;
        }
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("projection_dim", projectionDim);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.REIMERS_2020_MULTILINGUAL_SENTENCE_BERT);
    }

    /** Builder of {@link MSELoss}; defaults are sentence-transformers'. */
    public static final class Builder {
        private Integer projectionDim;
        private long seed = 42L;

        private Builder() {
        }

        /** Width of a trainable projection applied to the student embeddings ({@code null}: none, the default). */
        public Builder projectionDim(Integer projectionDim) {
            this.projectionDim = projectionDim;
            return this;
        }

        /** Seed of the projection's random initialisation (not an upstream option; default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public MSELoss build() {
            if (projectionDim != null && projectionDim <= 0) {
                throw new LossInputException("MSELoss: option 'projection_dim' must be a positive integer or null (no projection), but is "
                        + projectionDim + ".");
            }
            return new MSELoss(this);
        }
    }
}
