package org.sentence4j.losses.distillation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * Matching a teacher's embeddings, the computation shared by {@link EmbedDistillLoss} and {@link MSELoss}
 * (upstream, MSELoss is EmbedDistillLoss with the metric fixed to {@code "mse"}): every input column's
 * student embedding, optionally through a trainable {@code Linear(dim → projectionDim)} owned by the loss,
 * is compared with its teacher row by a {@link Metric}, and the per-column losses are averaged.
 *
 * <p>Labels are the teacher embeddings: {@code [batch, dim]} (one teacher row, the target of every column) or
 * {@code [batch, columns, dim]} (a teacher row per column). Unlike upstream, a teacher width that differs
 * from the (projected) student width is refused with both widths named instead of being broadcast or
 * failing inside the distance.
 */
public abstract class TeacherEmbeddingLoss extends AbstractSentenceLoss {

    /** Name of the projection's weight parameter ({@code [projectionDim, dim]}, PyTorch layout). */
    public static final String PROJECTION_WEIGHT = "projection.weight";
    /** Name of the projection's bias parameter ({@code [projectionDim]}). */
    public static final String PROJECTION_BIAS = "projection.bias";

    private static final InputFormat FORMAT = InputFormat.labeled(1, Integer.MAX_VALUE,
            "(sentence_1, ..., sentence_k)", LabelKind.VECTOR, 2, 3);

    /** How a column's (projected) student embeddings are compared with their teacher rows. */
    public enum Metric {
        /** {@code mean_i (1 − cos(x_i, t_i))}, PyTorch's {@code cosine_similarity} (norms clamped at 1e-8). */
        COSINE("cosine"),
        /** {@code mean_i ‖x_i − t_i‖₂}, the distance itself (gradient 0 where it is 0). */
        L2("l2"),
        /** {@code mean((x − t)²)} over every entry, as PyTorch's {@code mse_loss}. */
        MSE("mse");

        private final String pythonName;

        Metric(String pythonName) {
            this.pythonName = pythonName;
        }

        /** The upstream option value. */
        public String pythonName() {
            return pythonName;
        }

        /** The metric of an upstream {@code distance_metric} value; anything else is an error naming the choices. */
        public static Metric fromName(String loss, String name) {
            for (Metric m : values()) {
                if (m.pythonName.equals(name)) {
                    return m;
                }
            }
            throw new LossInputException(loss + ": option 'distance_metric' must be one of \"cosine\", \"l2\", \"mse\", but is \""
                    + name + "\".");
        }

        SDVariable perColumn(SameDiff sd, SDVariable x, SDVariable t) {
            return switch (this) {
                case COSINE -> SdMath.rowCosine(sd, x, t, 1e-8).rsub(1.0).mean();
                case L2 -> SdMath.rowEuclidean(sd, x, t).mean();
                case MSE -> {
                    SDVariable diff = x.sub(t);
                    yield diff.mul(diff).mean();
                }
            };
        }
    }

    private final Metric metric;
    private final Integer projectionDim;
    private final long seed;

    protected TeacherEmbeddingLoss(Metric metric, Integer projectionDim, long seed) {
        if (projectionDim != null && projectionDim <= 0) {
            throw new LossInputException(name() + ": option 'projection_dim' must be a positive integer or null (no projection), but is "
                    + projectionDim + ".");
        }
        this.metric = metric;
        this.projectionDim = projectionDim;
        this.seed = seed;
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    /** The distance between student and teacher rows. */
    public Metric metric() {
        return metric;
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
            perColumn.add(metric.perColumn(sd, student, teacher));
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

}
