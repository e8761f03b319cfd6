package org.sentence4j.examples;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./sentence4j train --data <file> --loss <LossName> [--loss-option key=value ...] [--model <dir>]
 * [--eval <file>] --output <dir> [--epochs N | --max-steps N] [--batch-size N] ...}: the common case of one
 * dataset and one loss. Data files are JSON Lines ({@code .jsonl}), CSV or TSV with a header row, or plain
 * text ({@code .txt}, one sentence per line); a column
 * named {@code label} or {@code score} holds the labels, every other column is an input, in order.
 *
 * <p>Order of work: every option is checked ({@link TrainOptions#validate()}), then the data files are read
 * (a bad row or byte names its file and line), then the loss is built, and only then do the models load.
 */
@Command(name = "train", description = "Fine-tune a model on one dataset with one loss; save it with its model card.")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    TrainOptions options;

    @Override
    public Integer call() throws IOException {
        train("train", options, (model, trainer) -> () -> { });
        return 0;
    }

    /**
     * What a command built on {@code train} adds to the trainer before it runs (e.g. {@code spark-train}'s step
     * runner); the returned resource is closed when training ends or fails.
     */
    @FunctionalInterface
    interface TrainerSetup {
        AutoCloseable apply(SentenceEncoder model, SentenceTransformerTrainer.Builder trainer) throws IOException;
    }

    /** {@code train} under another command name, with that command's trainer setup. */
    static void train(String command, TrainOptions o, TrainerSetup setup) throws IOException {
        o.validate();
        Dataset train = read(o.data, o.labelScale, o.encoding);
        Dataset evalData = o.evalData != null ? read(o.evalData, o.labelScale, o.encoding) : null;
        Evaluator evaluator = o.eval != null ? evaluator(read(o.eval, o.labelScale, o.encoding), "eval") : null;
        LossSpec spec = spec(o);
        TrainingArguments.Builder b = TrainingArguments.builder(o.output)
                .batchSize(o.batchSize).learningRate(o.lr)
                .warmupRatio(o.warmupRatio).weightDecay(o.weightDecay)
                .maxGradNorm(o.maxGradNorm).gradientAccumulationSteps(o.gradientAccumulationSteps)
                .seed(o.seed).loggingSteps(o.loggingSteps).evalSteps(o.evalSteps)
                .saveSteps(o.saveSteps).saveTotalLimit(o.saveTotalLimit)
                .batchSampler(o.batchSampler != null ? o.batchSampler : defaultSampler(spec.name(), train));
        if (o.maxSteps != null) {
            b.maxSteps(o.maxSteps);
        }
        if (o.prompt != null) {
            b.prompts(TrainingPrompts.of(o.prompt));
        } else if (!o.columnPrompts.isEmpty()) {
            Map<String, String> perColumn = new LinkedHashMap<>();
            for (String kv : o.columnPrompts) {
                int eq = kv.indexOf('=');
                String column = kv.substring(0, eq).trim();
                if (!train.columns().contains(column)) {
                    throw new UsageException("--column-prompt names column '" + column + "', but " + o.data
                            + " has columns " + train.columns());
                }
                perColumn.put(column, kv.substring(eq + 1));
            }
            b.prompts(TrainingPrompts.perColumn(perColumn));
        }
        b.numTrainEpochs(o.epochs != null ? o.epochs : 1);
        // the loss is checked (name and options) before the model loads; SoftmaxLoss then gets the model's width
        LossRegistry.defaults().create(withEmbeddingDimension(spec, 1));
        try (SentenceEncoder model = o.model != null ? SentenceEncoder.load(o.model) : SentenceEncoder.defaultModel();
             SentenceEncoder guide = o.guide != null ? SentenceEncoder.load(o.guide) : null) {
            SentenceLoss loss = LossRegistry.defaults().create(withEmbeddingDimension(spec, model.embeddingDimension()));
            SentenceTransformerTrainer.Builder tb = SentenceTransformerTrainer.builder(model, b.build())
                    .baseModel(o.model != null ? o.model : "sentence-transformers/all-MiniLM-L6-v2").train(train, loss)
                    .log(System.err).showProgressBar(true);
            if (guide != null) {
                tb.guide(guide);
            } else if (loss.usesGuideEmbeddings()) {
                throw new UsageException(loss.name() + " needs a guide model: --guide <model folder>");
            }
            if (evalData != null) {
                tb.evalDataset(evalData);
            }
            if (evaluator != null) {
                tb.evaluator(evaluator);
            }
            TrainingResult r;
            try (AutoCloseable extra = setup.apply(model, tb)) {
                SentenceTransformerTrainer trainer = tb.build();
                r = o.resume ? trainer.resumeFromLatestCheckpoint() : trainer.train();
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
            System.out.println("model, model card and logs: " + o.output.toAbsolutePath());
        }
    }

    /** The loss (and a modifier's base loss) from --loss, --loss-option key=value, --base-loss, --base-loss-option. */
    static LossSpec spec(TrainOptions o) {
        LossSpec base = o.baseLoss != null ? new LossSpec(o.baseLoss, keyValues("--base-loss-option", o.baseLossOptions), null) : null;
        return new LossSpec(o.loss, keyValues("--loss-option", o.lossOptions), base);
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

    static Map<String, Object> keyValues(String option, List<String> pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0 || p.substring(0, eq).isBlank()) {
                throw new UsageException(option + " is key=value, not '" + p + "'");
            }
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return m;
    }

    /** NO_DUPLICATES for in-batch-negative losses, GROUP_BY_LABEL for the batch triplet losses, else DEFAULT. */
    private static BatchSamplers defaultSampler(String n, Dataset train) {
        if (n.startsWith("Batch") && n.endsWith("TripletLoss")) {
            return BatchSamplers.GROUP_BY_LABEL;
        }
        return !train.hasLabels() && train.columns().size() >= 2 ? BatchSamplers.NO_DUPLICATES : BatchSamplers.DEFAULT;
    }

    /**
     * A data file by its extension: .jsonl, .csv, .tsv (header row required), or .txt: one sentence per line, a
     * single column {@code sentence} (for the losses that learn from single sentences: TSDAE, ContrastiveTension).
     */
    static Dataset read(Path file, double labelScale, Charset charset) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt")) {
            return Datasets.lineFiles().column("sentence", file).charset(charset).read();
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return Datasets.jsonLines(file).labelScale(labelScale).charset(charset).read();
        }
        DelimitedReader r = name.endsWith(".tsv") || name.endsWith(".tab") ? Datasets.tsv(file) : Datasets.csv(file);
        return r.header(true).labelScale(labelScale).charset(charset).read();
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
        throw new UsageException("--eval needs (sentence1, sentence2, score|label) or (anchor, positive, negative), "
                + "but the file has columns " + cols + (eval.hasLabels() ? " with labels" : " without labels"));
    }
}
