package org.sentence4j.trainer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.MultiDatasetBatchSamplers;
import org.sentence4j.trainer.data.TrainingPrompts;

/**
 * The knobs of a training run, named and defaulted as sentence-transformers' (Hugging Face's) training
 * arguments where they exist: {@code num_train_epochs} 3, {@code per_device_train_batch_size} 8,
 * {@code learning_rate} 5e-5, {@code warmup_ratio} 0, {@code weight_decay} 0, {@code max_grad_norm} 1,
 * {@code gradient_accumulation_steps} 1, {@code seed} 42, {@code logging_steps} 500, {@code save_steps} 500.
 */
public record TrainingArguments(Path outputDir, double numTrainEpochs, long maxSteps, int batchSize, double learningRate,
                                double warmupRatio, double weightDecay, double maxGradNorm, int gradientAccumulationSteps,
                                long seed, BatchSamplers batchSampler, MultiDatasetBatchSamplers multiDatasetBatchSampler,
                                boolean dropLast, int loggingSteps, int evalSteps, int saveSteps, int saveTotalLimit,
                                boolean evalBeforeTraining, boolean skipNonFiniteBatches, TrainingPrompts prompts) {

    public TrainingArguments {
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(prompts, "prompts");
        require(numTrainEpochs > 0 || maxSteps > 0, "num_train_epochs must be > 0 (or max_steps set)");
        require(batchSize >= 1, "per_device_train_batch_size must be >= 1");
        require(learningRate > 0 && Double.isFinite(learningRate), "learning_rate must be a positive number");
        require(warmupRatio >= 0 && warmupRatio <= 1, "warmup_ratio must be in [0, 1]");
        require(weightDecay >= 0, "weight_decay must be >= 0");
        require(gradientAccumulationSteps >= 1, "gradient_accumulation_steps must be >= 1");
        require(loggingSteps >= 1, "logging_steps must be >= 1");
        require(saveTotalLimit >= 1, "save_total_limit must be >= 1");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Builder builder(Path outputDir) {
        return new Builder(outputDir);
    }

    /** The arguments that differ from the defaults, under their sentence-transformers names (for the model card). */
    public Map<String, Object> nonDefaults() {
        TrainingArguments d = builder(outputDir).build();
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "num_train_epochs", numTrainEpochs, d.numTrainEpochs);
        put(m, "max_steps", maxSteps, d.maxSteps);
        put(m, "per_device_train_batch_size", batchSize, d.batchSize);
        put(m, "learning_rate", learningRate, d.learningRate);
        put(m, "warmup_ratio", warmupRatio, d.warmupRatio);
        put(m, "weight_decay", weightDecay, d.weightDecay);
        put(m, "max_grad_norm", maxGradNorm, d.maxGradNorm);
        put(m, "gradient_accumulation_steps", gradientAccumulationSteps, d.gradientAccumulationSteps);
        put(m, "seed", seed, d.seed);
        put(m, "batch_sampler", batchSampler.name().toLowerCase(), d.batchSampler.name().toLowerCase());
        put(m, "multi_dataset_batch_sampler", multiDatasetBatchSampler.name().toLowerCase(),
                d.multiDatasetBatchSampler.name().toLowerCase());
        put(m, "dataloader_drop_last", dropLast, d.dropLast);
        put(m, "logging_steps", loggingSteps, d.loggingSteps);
        put(m, "eval_steps", evalSteps, d.evalSteps);
        put(m, "save_steps", saveSteps, d.saveSteps);
        put(m, "save_total_limit", saveTotalLimit, d.saveTotalLimit);
        if (!prompts.isEmpty()) {
            m.put("prompts", prompts.describe());
        }
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value, Object dflt) {
        if (!value.equals(dflt)) {
            m.put(key, value);
        }
    }

    /** Builder with Hugging Face's defaults. */
    public static final class Builder {
        private final Path outputDir;
        private double numTrainEpochs = 3;
        private long maxSteps = -1;
        private int batchSize = 8;
        private double learningRate = 5e-5;
        private double warmupRatio = 0;
        private double weightDecay = 0;
        private double maxGradNorm = 1.0;
        private int gradientAccumulationSteps = 1;
        private long seed = 42;
        private BatchSamplers batchSampler = BatchSamplers.DEFAULT;
        private MultiDatasetBatchSamplers multiDatasetBatchSampler = MultiDatasetBatchSamplers.PROPORTIONAL;
        private boolean dropLast = false;
        private int loggingSteps = 500;
        private int evalSteps = 0;
        private int saveSteps = 500;
        private int saveTotalLimit = 2;
        private boolean evalBeforeTraining = true;
        private boolean skipNonFiniteBatches = false;
        private TrainingPrompts prompts = TrainingPrompts.none();

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        public Builder numTrainEpochs(double v) { this.numTrainEpochs = v; return this; }

        /** A fixed number of optimizer steps; overrides the epochs when > 0. */
        public Builder maxSteps(long v) { this.maxSteps = v; return this; }

        public Builder batchSize(int v) { this.batchSize = v; return this; }

        public Builder learningRate(double v) { this.learningRate = v; return this; }

        public Builder warmupRatio(double v) { this.warmupRatio = v; return this; }

        public Builder weightDecay(double v) { this.weightDecay = v; return this; }

        /** 0 switches clipping off. */
        public Builder maxGradNorm(double v) { this.maxGradNorm = v; return this; }

        public Builder gradientAccumulationSteps(int v) { this.gradientAccumulationSteps = v; return this; }

        public Builder seed(long v) { this.seed = v; return this; }

        public Builder batchSampler(BatchSamplers v) { this.batchSampler = v; return this; }

        public Builder multiDatasetBatchSampler(MultiDatasetBatchSamplers v) { this.multiDatasetBatchSampler = v; return this; }

        public Builder dropLast(boolean v) { this.dropLast = v; return this; }

        public Builder loggingSteps(int v) { this.loggingSteps = v; return this; }

        /** Evaluate every this many steps (0: only before and after training). */
        public Builder evalSteps(int v) { this.evalSteps = v; return this; }

        /** Checkpoint every this many steps (0: no intermediate checkpoints). */
        public Builder saveSteps(int v) { this.saveSteps = v; return this; }

        public Builder saveTotalLimit(int v) { this.saveTotalLimit = v; return this; }

        public Builder evalBeforeTraining(boolean v) { this.evalBeforeTraining = v; return this; }

        /**
         * Text put before the inputs of training (and held-out) columns, as sentence-transformers' {@code prompts}:
         * {@link TrainingPrompts#of}, {@link TrainingPrompts#perColumn}, {@link TrainingPrompts#perDataset} or
         * {@link TrainingPrompts#perDatasetAndColumn}.
         */
        public Builder prompts(TrainingPrompts v) { this.prompts = Objects.requireNonNull(v, "prompts"); return this; }

        /** Skip a batch whose loss is not finite instead of stopping (the default stops). */
        public Builder skipNonFiniteBatches(boolean v) { this.skipNonFiniteBatches = v; return this; }

        public TrainingArguments build() {
            return new TrainingArguments(outputDir, numTrainEpochs, maxSteps, batchSize, learningRate, warmupRatio, weightDecay,
                    maxGradNorm, gradientAccumulationSteps, seed, batchSampler, multiDatasetBatchSampler, dropLast, loggingSteps,
                    evalSteps, saveSteps, saveTotalLimit, evalBeforeTraining, skipNonFiniteBatches, prompts);
        }
    }
}
