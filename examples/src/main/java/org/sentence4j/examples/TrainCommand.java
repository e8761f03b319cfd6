package org.sentence4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.SentenceTransformerTrainer;
import org.sentence4j.trainer.TrainingArguments;
import org.sentence4j.trainer.TrainingResult;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.Datasets;
import org.sentence4j.trainer.data.DelimitedReader;
import org.sentence4j.trainer.data.TrainingPrompts;
import org.sentence4j.trainer.evaluation.BinaryClassificationEvaluator;
import org.sentence4j.trainer.evaluation.EmbeddingSimilarityEvaluator;
import org.sentence4j.trainer.evaluation.Evaluator;
import org.sentence4j.trainer.evaluation.TripletEvaluator;

/**
 * {@code ./sentence4j train --data <file> --loss <LossName> [--loss-option key=value ...] [--model <dir>]
 * [--eval <file>] --output <dir> [--epochs N | --max-steps N] [--batch-size N] ...}: the common case of one
 * dataset and one loss. Data files are JSON Lines ({@code .jsonl}), CSV or TSV with a header row, or plain
 * text ({@code .txt}, one sentence per line); a column
 * named {@code label} or {@code score} holds the labels, every other column is an input, in order.
 */
final class TrainCommand {

    static final Set<String> OPTIONS = Set.of("data", "loss", "loss-option", "base-loss", "base-loss-option", "model", "guide", "eval", "eval-data",
            "output", "epochs", "max-steps", "batch-size", "lr", "warmup-ratio", "weight-decay", "max-grad-norm",
            "gradient-accumulation-steps", "seed", "batch-sampler", "logging-steps", "eval-steps", "save-steps",
            "save-total-limit", "label-scale", "resume", "prompt", "column-prompt");

    private TrainCommand() {
    }

    static void run(String[] args) throws IOException {
        run("train", args, Set.of(), (o, model, trainer) -> () -> { });
    }

    /**
     * What a command built on {@code train} adds to the trainer before it runs (e.g. {@code spark-train}'s step
     * runner); the returned resource is closed when training ends or fails.
     */
    @FunctionalInterface
    interface TrainerSetup {
        AutoCloseable apply(Options options, SentenceEncoder model, SentenceTransformerTrainer.Builder trainer) throws IOException;
    }

    /** {@code train} under another command name, with that command's extra options and trainer setup. */
    static void run(String command, String[] args, Set<String> extraOptions, TrainerSetup setup) throws IOException {
        Set<String> known = new java.util.HashSet<>(OPTIONS);
        known.addAll(extraOptions);
        Options o = Options.parse(command, args, known);
        Path data = Path.of(o.require("data"));
        Path output = Path.of(o.require("output"));
        double labelScale = o.getDouble("label-scale", 1.0);
        Dataset train = read(data, labelScale);
        LossSpec spec = spec(o);
        TrainingArguments.Builder b = TrainingArguments.builder(output)
                .batchSize(o.getInt("batch-size", 16)).learningRate(o.getDouble("lr", 5e-5))
                .warmupRatio(o.getDouble("warmup-ratio", 0.1)).weightDecay(o.getDouble("weight-decay", 0.0))
                .maxGradNorm(o.getDouble("max-grad-norm", 1.0)).gradientAccumulationSteps(o.getInt("gradient-accumulation-steps", 1))
                .seed(o.getInt("seed", 42)).loggingSteps(o.getInt("logging-steps", 10)).evalSteps(o.getInt("eval-steps", 0))
                .saveSteps(o.getInt("save-steps", 500)).saveTotalLimit(o.getInt("save-total-limit", 2))
                .batchSampler(BatchSamplers.fromName(o.get("batch-sampler", defaultSampler(spec.name(), train))));
        if (o.has("max-steps")) {
            b.maxSteps(o.getInt("max-steps", 0));
        }
        if (o.has("prompt") && o.has("column-prompt")) {
            throw new Options.UsageException(command + ": give --prompt (every column) or --column-prompt column=text, not both");
        }
        if (o.has("prompt")) {
            b.prompts(TrainingPrompts.of(o.get("prompt", null)));
        } else if (o.has("column-prompt")) {
            Map<String, String> perColumn = new LinkedHashMap<>();
            for (String kv : o.all("column-prompt")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new Options.UsageException(command + ": --column-prompt is column=text, not '" + kv + "'");
                }
                perColumn.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
            }
            b.prompts(TrainingPrompts.perColumn(perColumn));
        }
        b.numTrainEpochs(o.getDouble("epochs", 1));
        // the loss is checked (name and options) before the model loads; SoftmaxLoss then gets the model's width
        LossRegistry.defaults().create(withEmbeddingDimension(spec, 1));
        try (SentenceEncoder model = o.has("model") ? SentenceEncoder.load(o.get("model", null)) : SentenceEncoder.defaultModel();
             SentenceEncoder guide = o.has("guide") ? SentenceEncoder.load(o.get("guide", null)) : null) {
            SentenceLoss loss = LossRegistry.defaults().create(withEmbeddingDimension(spec, model.embeddingDimension()));
            SentenceTransformerTrainer.Builder tb = SentenceTransformerTrainer.builder(model, b.build())
                    .baseModel(o.get("model", "sentence-transformers/all-MiniLM-L6-v2")).train(train, loss);
            if (guide != null) {
                tb.guide(guide);
            } else if (loss.usesGuideEmbeddings()) {
                throw new Options.UsageException("train: " + loss.name() + " needs a guide model: --guide <model folder>");
            }
            if (o.has("eval-data")) {
                tb.evalDataset(read(Path.of(o.get("eval-data", null)), labelScale));
            }
            if (o.has("eval")) {
                tb.evaluator(evaluator(read(Path.of(o.get("eval", null)), labelScale), "eval"));
            }
            TrainingResult r;
            try (AutoCloseable extra = setup.apply(o, model, tb)) {
                SentenceTransformerTrainer trainer = tb.build();
                boolean resume = Boolean.parseBoolean(o.get("resume", "false"));
                r = resume ? trainer.resumeFromLatestCheckpoint() : trainer.train();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(command + ": " + e.getMessage(), e);
            }
            double peakMb = BenchCommand.peakRssMb();
            System.out.printf(Locale.ROOT, "trained %d steps in %.0f s (%.2f steps/s%s)%n", r.globalSteps(), r.seconds(),
                    r.globalSteps() / Math.max(r.seconds(), 1e-9),
                    peakMb > 0 ? String.format(Locale.ROOT, ", peak resident memory %.0f MB", peakMb) : "");
            r.finalMetrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %s: %.4f -> %.4f%n", k,
                    r.initialMetrics().getOrDefault(k, Double.NaN), v));
            System.out.println("model, model card and logs: " + output.toAbsolutePath());
        }
    }

    /** The loss (and a modifier's base loss) from --loss, --loss-option key=value, --base-loss, --base-loss-option. */
    static LossSpec spec(Options o) {
        LossSpec base = o.has("base-loss") ? new LossSpec(o.get("base-loss", null), keyValues(o.all("base-loss-option")), null) : null;
        return new LossSpec(o.require("loss"), keyValues(o.all("loss-option")), base);
    }

    /**
     * SoftmaxLoss (also as a modifier's base) without {@code embedding_dimension}: the model's width, which the
     * command line knows, so that a user need not repeat it (a Java caller passes it, as upstream requires).
     */
    static LossSpec withEmbeddingDimension(LossSpec spec, int width) {
        LossSpec base = spec.base() == null ? null : withEmbeddingDimension(spec.base(), width);
        Map<String, Object> config = spec.config();
        if (spec.name().equals("SoftmaxLoss") && !config.containsKey("embedding_dimension")
                && !config.containsKey("sentence_embedding_dimension")) {
            config = new LinkedHashMap<>(config);
            config.put("embedding_dimension", width);
        }
        return new LossSpec(spec.name(), config, base);
    }

    private static Map<String, Object> keyValues(List<String> pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new Options.UsageException("train: a loss option is key=value, not '" + p + "'");
            }
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return m;
    }

    /** NO_DUPLICATES for in-batch-negative losses, GROUP_BY_LABEL for the batch triplet losses, else DEFAULT. */
    private static String defaultSampler(String n, Dataset train) {
        if (n.startsWith("Batch") && n.endsWith("TripletLoss")) {
            return "group_by_label";
        }
        return !train.hasLabels() && train.columns().size() >= 2 ? "no_duplicates" : "default";
    }

    /**
     * A data file by its extension: .jsonl, .csv, .tsv (header row required), or .txt: one sentence per line, a
     * single column {@code sentence} (for the losses that learn from single sentences: TSDAE, ContrastiveTension).
     */
    static Dataset read(Path file, double labelScale) {
        if (!Files.isRegularFile(file)) {
            throw new Options.UsageException("train: data file not found: " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt")) {
            return Datasets.lineFiles().column("sentence", file).read();
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return Datasets.jsonLines(file).labelScale(labelScale).read();
        }
        DelimitedReader r = name.endsWith(".tsv") || name.endsWith(".tab") ? Datasets.tsv(file) : Datasets.csv(file);
        return r.header(true).labelScale(labelScale).read();
    }

    /** An evaluator that suits the evaluation data's shape, its metrics prefixed with {@code name}. */
    static Evaluator evaluator(Dataset eval, String name) {
        List<String> cols = eval.columns();
        if (cols.size() == 3 && !eval.hasLabels()) {
            return TripletEvaluator.builder(eval.column(cols.get(0)), eval.column(cols.get(1)), eval.column(cols.get(2)))
                    .name(name).build();
        }
        if (cols.size() == 2 && eval.hasLabels()) {
            List<Double> labels = eval.labels();
            if (eval.labelKind() == LabelKind.BINARY) {
                return BinaryClassificationEvaluator.builder(eval.column(cols.get(0)), eval.column(cols.get(1)), labels)
                        .name(name).build();
            }
            return EmbeddingSimilarityEvaluator.builder(eval.column(cols.get(0)), eval.column(cols.get(1)), labels).name(name).build();
        }
        throw new Options.UsageException("train: --eval needs (sentence1, sentence2, score|label) or (anchor, positive, negative), "
                + "but the file has columns " + cols + (eval.hasLabels() ? " with labels" : " without labels"));
    }
}
