package org.sentence4j.losses.distillation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
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
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * KL-divergence distillation of a teacher's candidate distribution (sentence-transformers
 * {@code DistillKLDivLoss}).
 *
 * <p>Columns are {@code (query, candidate_1, ..., candidate_m)} with {@code m >= 2} (typically the
 * positive, then negatives); labels are the teacher's scores {@code [batch, m]}. Per row, the student's
 * distribution is {@code softmax_k(sim(q, c_k) / T_s)} and the teacher's {@code softmax_k(y_k / T_t)}; the
 * loss is {@code T_s² · KL(teacher ‖ student)} summed over candidates and averaged over rows
 * ("batchmean"). Use it to distil a cross-encoder's ranking of several candidates into a bi-encoder:
 * unlike {@link MarginMSELoss} it matches the whole distribution over candidates, not single margins.
 *
 * <p>{@code student_temperature} and {@code teacher_temperature} fall back to {@code temperature}; the factor
 * {@code T_s²} keeps the gradient scale independent of the student temperature.
 *
 * <p>Paper: Lin, Yang &amp; Lin, "Distilling Dense Representations for Ranking using Tightly-Coupled
 * Teachers", 2020.
 */
public final class DistillKLDivLoss extends AbstractSentenceLoss {

    private static final InputFormat FORMAT = InputFormat.labeled(3, Integer.MAX_VALUE,
            "(query, candidate_1, ..., candidate_m)", LabelKind.VECTOR, 2);

    private final SimilarityFunction similarityFct;
    private final double temperature;
    private final Double studentTemperature;
    private final Double teacherTemperature;

    private DistillKLDivLoss(Builder b) {
        this.similarityFct = b.similarityFct;
        this.temperature = b.temperature;
        this.studentTemperature = b.studentTemperature;
        this.teacherTemperature = b.teacherTemperature;
    }

    /** The loss with upstream defaults ({@code pairwise_dot_score}, temperature 1). */
    public static DistillKLDivLoss defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the upstream options: similarity_fct, temperature, student_temperature, teacher_temperature. */
    public static DistillKLDivLoss fromConfig(ConfigReader options) {
        Builder b = builder();
        if (options.has("similarity_fct")) {
            b.similarityFct(options.getString("similarity_fct", null));
        }
        b.temperature(options.getDouble("temperature", 1.0));
        b.studentTemperature(options.getNullableDouble("student_temperature"));
        b.teacherTemperature(options.getNullableDouble("teacher_temperature"));
        return b.build();
    }

    @Override
    public String name() {
        return "DistillKLDivLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    public SimilarityFunction similarityFct() {
        return similarityFct;
    }

    public double temperature() {
        return temperature;
    }

    /** The student temperature in effect ({@code temperature} when not set). */
    public double effectiveStudentTemperature() {
        return studentTemperature != null ? studentTemperature : temperature;
    }

    /** The teacher temperature in effect ({@code temperature} when not set). */
    public double effectiveTeacherTemperature() {
        return teacherTemperature != null ? teacherTemperature : temperature;
    }

    @Override
    public void validate(InputShapes shapes) {
        super.validate(shapes);
        int m = shapes.columns() - 1;
        long[] ls = shapes.labelShape();
        if (ls[1] != m) {
            throw new LossInputException(name() + ": labels must be the teacher's scores of shape [batch, " + m + "] (one per candidate"
                    + " column), but got shape " + InputShapes.format(ls) + ".");
        }
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        double ts = effectiveStudentTemperature();
        double tt = effectiveTeacherTemperature();
        SDVariable teacherScores = SdMath.stopGradient(sd, inputs.requireLabels(name()));

        // student: log softmax over the candidates of sim(q, c_k) / T_s   [batch, m]
        SDVariable logStudent = SdMath.logSoftmax(sd, DistillSupport.queryScores(sd, inputs, similarityFct).mul(1.0 / ts), 1);
        // teacher: log-probabilities by log-sum-exp (no log(softmax) underflow); p = exp(log p) is exactly 0
        // where it underflows, so such entries add 0·finite = 0 (the convention 0·log 0 = 0)
        SDVariable logTeacher = SdMath.logSoftmax(sd, teacherScores.mul(1.0 / tt), 1);
        SDVariable pTeacher = sd.math.exp(logTeacher);
        SDVariable kl = pTeacher.mul(logTeacher.sub(logStudent)).sum(1).mean();
        return LossOutput.of(ts == 1.0 ? kl : kl.mul(ts * ts));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("similarity_fct", similarityFct.pythonName());
        c.put("temperature", temperature);
        // upstream reports the specific temperatures only where they differ from the shared one
        if (effectiveStudentTemperature() != temperature) {
            c.put("student_temperature", effectiveStudentTemperature());
        }
        if (effectiveTeacherTemperature() != temperature) {
            c.put("teacher_temperature", effectiveTeacherTemperature());
        }
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.LIN2020DISTILLINGDENSEREPRESENTATIONSRANKING);
    }

    /** Builder of {@link DistillKLDivLoss}; defaults are sentence-transformers'. */
    public static final class Builder {
        private SimilarityFunction similarityFct = SimilarityFunction.PAIRWISE_DOT_SCORE;
        private double temperature = 1.0;
        private Double studentTemperature;
        private Double teacherTemperature;

        private Builder() {
        }

        /** Row-aligned similarity of query and candidates (default {@code pairwise_dot_score}). */
        public Builder similarityFct(SimilarityFunction similarityFct) {
            this.similarityFct = similarityFct;
            return this;
        }

        /** The similarity by its Python name, e.g. {@code pairwise_cos_sim}. */
        public Builder similarityFct(String name) {
            this.similarityFct = SimilarityFunction.fromName(name, SimilarityFunction.Kind.ROW_ALIGNED, "DistillKLDivLoss");
            return this;
        }

        /** Temperature of both distributions unless overridden (default 1.0). */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Temperature of the student's scores; {@code null} (default) uses {@code temperature}. */
        public Builder studentTemperature(Double studentTemperature) {
            this.studentTemperature = studentTemperature;
            return this;
        }

        /** Temperature of the teacher's scores; {@code null} (default) uses {@code temperature}. */
        public Builder teacherTemperature(Double teacherTemperature) {
            this.teacherTemperature = teacherTemperature;
            return this;
        }

        public DistillKLDivLoss build() {
            if (similarityFct == null) {
                throw new LossInputException("DistillKLDivLoss: option 'similarity_fct' must not be null.");
            }
            if (similarityFct.kind() != SimilarityFunction.Kind.ROW_ALIGNED) {
                SimilarityFunction.fromName(similarityFct.pythonName(), SimilarityFunction.Kind.ROW_ALIGNED, "DistillKLDivLoss");
            }
            checkTemperature("temperature", temperature);
            if (studentTemperature != null) {
                checkTemperature("student_temperature", studentTemperature);
            }
            if (teacherTemperature != null) {
                checkTemperature("teacher_temperature", teacherTemperature);
            }
            return new DistillKLDivLoss(this);
        }

        private static void checkTemperature(String option, double value) {
            if (!Double.isFinite(value) || value <= 0) {
                throw new LossInputException("DistillKLDivLoss: option '" + option + "' must be a finite number > 0"
                        + (option.equals("temperature") ? "" : " (or null to use 'temperature')") + ", but is " + value + ".");
            }
        }
    }
}
