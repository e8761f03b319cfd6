package org.sentence4j.examples;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.sentence4j.trainer.data.BatchSamplers;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of {@code train} (and of {@code spark-train}, which adds its own), under sentence-transformers'
 * training-argument names where one exists, with the checks {@link #validate()} runs before any file is read.
 */
final class TrainOptions {

    static final String[] DATA_TYPES = {".jsonl", ".json", ".csv", ".tsv", ".tab", ".txt"};

    @Option(names = "--data", required = true, paramLabel = "<file>",
            description = "Training data: .jsonl, .csv/.tsv with a header row, or .txt (one sentence per line).")
    Path data;

    @Option(names = "--loss", required = true, paramLabel = "<LossName>",
            description = "The loss, by its sentence-transformers class name (./sentence4j losses lists them).")
    String loss;

    @Option(names = "--loss-option", paramLabel = "key=value", description = "A loss argument, e.g. scale=20 (repeatable).")
    List<String> lossOptions = new ArrayList<>();

    @Option(names = "--base-loss", paramLabel = "<LossName>", description = "The loss a modifier (MatryoshkaLoss, ...) wraps.")
    String baseLoss;

    @Option(names = "--base-loss-option", paramLabel = "key=value", description = "A base-loss argument (repeatable).")
    List<String> baseLossOptions = new ArrayList<>();

    @Option(names = "--model", paramLabel = "<dir or org/name>",
            description = "The model to fine-tune (default: the embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--guide", paramLabel = "<dir or org/name>", description = "The guide model of GISTEmbedLoss/CachedGISTEmbedLoss.")
    String guide;

    @Option(names = "--eval", paramLabel = "<file>",
            description = "Evaluation pairs with scores or 0/1 labels, or (anchor, positive, negative) triplets.")
    Path eval;

    @Option(names = "--eval-data", paramLabel = "<file>", description = "Held-out data in the training format (eval_loss).")
    Path evalData;

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Folder for checkpoints, the model and its card.")
    Path output;

    @Option(names = "--epochs", description = "Passes over the data (> 0; default 1).")
    Double epochs;

    @Option(names = "--max-steps", description = "Stop after this many optimizer steps (> 0; instead of --epochs).")
    Long maxSteps;

    @Option(names = "--batch-size", defaultValue = "16", description = "Rows per batch (> 0; default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "5e-5", description = "Peak learning rate (> 0; default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup-ratio", defaultValue = "0.1", description = "Share of steps warming up, in [0, 1] (default ${DEFAULT-VALUE}).")
    double warmupRatio;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (>= 0; default ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--max-grad-norm", defaultValue = "1.0",
            description = "Clip the gradient norm to this (>= 0, 0: no clipping; default ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--gradient-accumulation-steps", defaultValue = "1", description = "Batches per optimizer step (> 0).")
    int gradientAccumulationSteps;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of shuffling, dropout and initialisation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-sampler", paramLabel = "default|no_duplicates|group_by_label", converter = SamplerName.class,
            description = "How batches are drawn (default: no_duplicates for in-batch-negative losses, group_by_label for batch triplet losses).")
    BatchSamplers batchSampler;

    @Option(names = "--logging-steps", defaultValue = "10", description = "Log the loss every N steps (> 0; default ${DEFAULT-VALUE}).")
    int loggingSteps;

    @Option(names = "--eval-steps", defaultValue = "0", description = "Evaluate every N steps (>= 0, 0: before and after only).")
    int evalSteps;

    @Option(names = "--save-steps", defaultValue = "500", description = "Checkpoint every N steps (>= 0, 0: the final model only; default ${DEFAULT-VALUE}).")
    int saveSteps;

    @Option(names = "--save-total-limit", defaultValue = "2", description = "Checkpoints kept (> 0; default ${DEFAULT-VALUE}).")
    int saveTotalLimit;

    @Option(names = "--label-scale", defaultValue = "1", description = "Divide every label by this, e.g. 5 for 0-5 STS scores (> 0).")
    double labelScale;

    @Option(names = "--resume", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            description = "Continue from the latest checkpoint in --output (--resume or --resume true).")
    boolean resume;

    @Option(names = "--prompt", description = "Text put before every input column's texts.")
    String prompt;

    @Option(names = "--column-prompt", paramLabel = "column=text", description = "A prompt for one column (repeatable).")
    List<String> columnPrompts = new ArrayList<>();

    @Option(names = "--encoding", defaultValue = "UTF-8", paramLabel = "<charset>", converter = Checks.CharsetName.class,
            description = "Character set of the data files (default ${DEFAULT-VALUE}).")
    Charset encoding;

    /** A batch sampler by its sentence-transformers name (BatchSamplers' names; dashes or any case accepted). */
    static final class SamplerName implements CommandLine.ITypeConverter<BatchSamplers> {
        @Override
        public BatchSamplers convert(String value) {
            try {
                return BatchSamplers.fromName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected default, no_duplicates or group_by_label, not '" + value + "'");
            }
        }
    }

    /** Checks every option (ranges, files, folders, exclusive pairs, key=value forms); reads nothing. */
    void validate() {
        Checks.inputFile("--data", data, DATA_TYPES);
        Checks.notBlank("--loss", loss);
        if (baseLoss != null) {
            Checks.notBlank("--base-loss", baseLoss);
        } else if (!baseLossOptions.isEmpty()) {
            throw new UsageException("--base-loss-option needs --base-loss");
        }
        TrainCommand.keyValues("--loss-option", lossOptions);
        TrainCommand.keyValues("--base-loss-option", baseLossOptions);
        if (model != null) {
            Checks.model("--model", model);
        }
        if (guide != null) {
            Checks.model("--guide", guide);
        }
        if (eval != null) {
            Checks.inputFile("--eval", eval, DATA_TYPES);
        }
        if (evalData != null) {
            Checks.inputFile("--eval-data", evalData, DATA_TYPES);
        }
        Checks.outputFolder("--output", output);
        Checks.exclusive("--epochs", epochs != null, "--max-steps", maxSteps != null);
        if (epochs != null) {
            Checks.positive("--epochs", epochs.doubleValue());
        }
        if (maxSteps != null) {
            Checks.positive("--max-steps", maxSteps.longValue());
        }
        Checks.positive("--batch-size", batchSize);
        Checks.positive("--lr", lr);
        Checks.ratio("--warmup-ratio", warmupRatio);
        Checks.nonNegative("--weight-decay", weightDecay);
        Checks.nonNegative("--max-grad-norm", maxGradNorm);
        Checks.positive("--gradient-accumulation-steps", gradientAccumulationSteps);
        Checks.positive("--logging-steps", loggingSteps);
        Checks.atLeast("--eval-steps", evalSteps, 0);
        Checks.atLeast("--save-steps", saveSteps, 0);
        Checks.positive("--save-total-limit", saveTotalLimit);
        Checks.positive("--label-scale", labelScale);
        Checks.exclusive("--prompt", prompt != null, "--column-prompt", !columnPrompts.isEmpty());
        for (String kv : columnPrompts) {
            int eq = kv.indexOf('=');
            if (eq <= 0 || kv.substring(0, eq).isBlank()) {
                throw new UsageException("--column-prompt is column=text, not '" + kv + "'");
            }
        }
    }
}
