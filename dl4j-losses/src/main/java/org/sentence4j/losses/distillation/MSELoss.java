package org.sentence4j.losses.distillation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;

/**
 * Embedding distillation by mean squared error (sentence-transformers {@code MSELoss}): the student's
 * embedding of every input column is regressed onto a teacher embedding given as the labels.
 *
 * <p>Use it to make a student reproduce a teacher's embedding space, classically to make a monolingual
 * model multilingual: the teacher embeds the English sentence, the student has to map the sentence and
 * each of its translations onto that same vector. Labels are either {@code [batch, dim]} (one teacher
 * row shared by every column) or {@code [batch, columns, dim]} (a teacher row per column).
 *
 * <p>The loss is {@code (1/k) Σ_c mean((E_c − T_c)²)}: {@link EmbedDistillLoss} with the metric fixed to
 * {@code "mse"}, as upstream. With {@link Builder#projectionDim} a trainable
 * {@code Linear(dim → projectionDim)} owned by the loss maps every student embedding into the teacher's
 * width first (for a teacher of another width); its parameters are {@code projection.weight}
 * {@code [P, D]} and {@code projection.bias} {@code [P]}, initialised as PyTorch's {@code nn.Linear}.
 *
 * <p>Paper: Reimers &amp; Gurevych, "Making Monolingual Sentence Embeddings Multilingual using Knowledge
 * Distillation", EMNLP 2020.
 */
public final class MSELoss extends TeacherEmbeddingLoss {

    private MSELoss(Builder b) {
        super(Metric.MSE, b.projectionDim, b.seed);
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
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("projection_dim", projectionDim());
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
            return new MSELoss(this);
        }
    }
}
