package org.sentence4j.losses.distillation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;

/**
 * Embedding distillation with a choice of distance (sentence-transformers v6 {@code EmbedDistillLoss}, the
 * embedding-matching part of EmbedDistill): each input column's student embedding is pulled onto a teacher
 * embedding computed beforehand and given as the labels.
 *
 * <p>The distance is {@code "cosine"} (the default: {@code 1 − cos}, so only the direction is learnt, which is
 * what a cosine-scored index needs), {@code "l2"} (the Euclidean distance, the paper's metric) or {@code "mse"}
 * (what {@link MSELoss} fixes). Several columns (a sentence and its translations, a query and its document)
 * share one teacher row ({@code [batch, dim]} labels) or have one each ({@code [batch, columns, dim]}); the
 * loss is the mean over the columns. A teacher of another width needs {@link Builder#projectionDim}: a
 * trainable {@code Linear(dim → projectionDim)} owned by the loss ({@code projection.weight},
 * {@code projection.bias}), trained with the model and kept in checkpoints, not in the saved model.
 *
 * <p>Paper: Kim et al., "EmbedDistill: A Geometric Knowledge Distillation for Information Retrieval", 2023.
 */
public final class EmbedDistillLoss extends TeacherEmbeddingLoss {

    private EmbedDistillLoss(Builder b) {
        super(b.metric, b.projectionDim, b.seed);
    }

    /** The loss with upstream defaults (cosine, no projection). */
    public static EmbedDistillLoss defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the upstream options ({@code distance_metric}, {@code projection_dim}). */
    public static EmbedDistillLoss fromConfig(ConfigReader options) {
        Builder b = builder().projectionDim(options.getNullableInt("projection_dim"));
        String metric = options.getString("distance_metric", null);
        if (metric != null) {
            b.distanceMetric(Metric.fromName("EmbedDistillLoss", metric));
        }
        return b.build();
    }

    @Override
    public String name() {
        return "EmbedDistillLoss";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("distance_metric", metric().pythonName());
        c.put("projection_dim", projectionDim());
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.KIM2023EMBEDDISTILL);
    }

    /** Builder of {@link EmbedDistillLoss}; defaults are sentence-transformers'. */
    public static final class Builder {
        private Metric metric = Metric.COSINE;
        private Integer projectionDim;
        private long seed = 42L;

        private Builder() {
        }

        /** The distance between student and teacher rows (default cosine). */
        public Builder distanceMetric(Metric metric) {
            this.metric = java.util.Objects.requireNonNull(metric, "distance metric");
            return this;
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

        public EmbedDistillLoss build() {
            return new EmbedDistillLoss(this);
        }
    }
}
