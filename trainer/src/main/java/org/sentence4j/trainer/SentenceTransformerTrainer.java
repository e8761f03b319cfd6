package org.sentence4j.trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.eager.SectionTimer;
import org.sentence4j.graphs.progress.ProgressBar;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.card.ModelCard;
import org.sentence4j.trainer.card.ModelCardData;
import org.sentence4j.trainer.card.TrainingPlot;
import org.sentence4j.trainer.checkpoint.Checkpoint;
import org.sentence4j.trainer.checkpoint.CheckpointManager;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.MultiDatasetBatchSampler;
import org.sentence4j.trainer.data.NamedBatch;
import org.sentence4j.trainer.data.SamplerCursor;
import org.sentence4j.trainer.data.SamplerState;
import org.sentence4j.trainer.evaluation.EvaluationResults;
import org.sentence4j.trainer.evaluation.Evaluator;
import org.sentence4j.trainer.optim.AdamW;
import org.sentence4j.trainer.optim.GradientClipping;
import org.sentence4j.trainer.optim.LinearSchedule;
import org.sentence4j.trainer.step.DatasetStep;
import org.sentence4j.trainer.step.StepResult;
import org.sentence4j.trainer.step.StepRunner;
import org.sentence4j.trainer.step.TrainingGraph;

/**
 * Fine-tunes a {@link SentenceEncoder} with one loss per training dataset, as sentence-transformers'
 * {@code SentenceTransformerTrainer}: batches from the chosen sampler, a forward and backward pass of the
 * loss with dropout on, gradient accumulation, gradient-norm clipping, AdamW with a linear warm-up and decay,
 * evaluation before, every N steps and after training, logs with every loss component, and the final model
 * saved in sentence-transformers layout.
 *
 * <p>The model is trained in place: its encoder's parameters are what the optimizer updates.
 */
public final class SentenceTransformerTrainer {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SentenceTransformerTrainer.class);

    private final SentenceEncoder model;
    private final TrainingArguments args;
    private final Map<String, Dataset> datasets;
    private final Map<String, SentenceLoss> losses;
    private final Evaluator evaluator;
    private final Map<String, Dataset> evalDatasets;
    private final SentenceEmbedder guide;
    /** Where log lines go: SLF4J at INFO unless the caller named a stream. */
    private final java.util.function.Consumer<String> log;
    private final boolean showProgressBar;
    private final String baseModel;
    private final long stopAfterStep;
    private final CheckpointManager checkpoints;
    private final StepRunner runner;

    private SentenceTransformerTrainer(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.args = Objects.requireNonNull(b.args, "args");
        if (b.datasets.isEmpty()) {
            throw new IllegalArgumentException("no training dataset given");
        }
        this.datasets = new LinkedHashMap<>(b.datasets);
        this.losses = new LinkedHashMap<>(b.losses);
        this.evaluator = b.evaluator;
        this.evalDatasets = new LinkedHashMap<>(b.evalDatasets);
        for (String name : evalDatasets.keySet()) {
            if (!datasets.containsKey(name)) {
                throw new IllegalArgumentException("evaluation dataset '" + name + "' has no training dataset (and loss) of that name;"
                        + " training datasets: " + datasets.keySet());
            }
        }
        this.guide = b.guide;
        this.log = b.log != null ? b.log::println : LOG::info;
        this.showProgressBar = b.showProgressBar;
        this.baseModel = b.baseModel;
        this.stopAfterStep = b.stopAfterStep;
        this.runner = b.runner;
        this.checkpoints = new CheckpointManager(args.outputDir().resolve("checkpoints"), args.saveTotalLimit());
        for (Map.Entry<String, Dataset> e : datasets.entrySet()) {
            SentenceLoss loss = losses.get(e.getKey());
            if (loss == null) {
                throw new IllegalArgumentException("no loss given for dataset '" + e.getKey() + "'");
            }
            Object base = loss.config().get("loss");
            e.getValue().requireFits(loss.name(), base == null ? null : base.toString());
        }
        Map<String, List<String>> columns = new LinkedHashMap<>();
        datasets.forEach((name, ds) -> columns.put(name, ds.columns()));
        args.prompts().check(columns);
    }

    public static Builder builder(SentenceEncoder model, TrainingArguments args) {
        return new Builder(model, args);
    }

    /** Trains from the start. */
    public TrainingResult train() throws IOException {
        return run(null);
    }

    /**
     * Continues an interrupted run from its newest complete checkpoint (under {@code <output>/checkpoints}),
     * or starts from the beginning when there is none. The weights, optimizer moments, loss parameters,
     * schedule position, sampler position and the seeds of dropout and per-step sampling all come back.
     */
    public TrainingResult resumeFromLatestCheckpoint() throws IOException {
        return run(checkpoints.loadLatest().orElse(null));
    }

    /** Continues from a given checkpoint folder. */
    public TrainingResult resumeFrom(Path checkpointFolder) throws IOException {
        return run(CheckpointManager.load(checkpointFolder));
    }

    /** Where checkpoints go: {@code <output>/checkpoints/checkpoint-<step>}. */
    public CheckpointManager checkpoints() {
        return checkpoints;
    }

    TrainingResult run(Checkpoint resume) throws IOException {
        long t0 = System.nanoTime();
        Map<String, DatasetStep> graphs = new LinkedHashMap<>();
        for (Map.Entry<String, Dataset> e : datasets.entrySet()) {
            graphs.put(e.getKey(), new DatasetStep(model, e.getValue(), losses.get(e.getKey()), guide, "train/" + e.getKey(),
                    args.seed()).withPrompts(args.prompts().forDataset(e.getKey(), e.getValue().columns())));
        }
        // each held-out dataset through its training dataset's computation (its loss and trained parameters)
        heldOut.clear();
        evalDatasets.forEach((name, ds) -> heldOut.put(name, new DatasetStep(model, ds, graphs.get(name).graph(), guide, args.seed())
                .withPrompts(args.prompts().forDataset(name, ds.columns()))));
        Map<String, INDArray> params = parameters(graphs);

        MultiDatasetBatchSampler.Builder sb = MultiDatasetBatchSampler.builder(args.multiDatasetBatchSampler(), args.seed());
        datasets.forEach((name, ds) -> sb.add(ds, args.batchSampler(), args.batchSize(), args.dropLast()));
        MultiDatasetBatchSampler sampler = sb.build();
        long batchesPerEpoch = sampler.numBatches(0);
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException("the training data gives no batch (fewer rows than the batch size with drop_last?)");
        }
        long stepsPerEpoch = Math.max(1, batchesPerEpoch / args.gradientAccumulationSteps());
        long totalSteps = args.maxSteps() > 0 ? args.maxSteps() : (long) Math.ceil(args.numTrainEpochs() * stepsPerEpoch);
        LinearSchedule schedule = new LinearSchedule(args.learningRate(), (long) Math.ceil(args.warmupRatio() * totalSteps), totalSteps);
        AdamW adam = AdamW.withWeightDecay(args.weightDecay());

        TrainerState state = resume == null
                ? new TrainerState(0, 0, 0, args.seed(), args.seed() + 1, args.seed() + 2, List.of())
                : resume.trainerState();
        if (resume != null) {
            restore(resume, params, adam);
            log.accept("resuming from " + resume.folder() + " at step " + state.globalStep());
        }
        runner.parametersChanged(state.globalStep());
        List<LogEntry> history = new ArrayList<>(state.log());
        EvaluationResults evalFile = new EvaluationResults(args.outputDir().resolve("eval").resolve("results.json"));
        Map<String, Double> initial = Map.of();
        if (evaluates() && args.evalBeforeTraining() && resume == null) {
            initial = evaluate(0, 0.0, history, evalFile);
        } else if (resume != null) {
            initial = history.stream().filter(e -> e.step() == 0 && !e.metrics().isEmpty()).map(LogEntry::metrics)
                    .findFirst().orElse(Map.of());
        }

        SamplerCursor<NamedBatch> cursor = SamplerCursor.resume(sampler,
                new SamplerState(state.samplerSeed(), state.epoch(), state.batchInEpoch()));
        long step = state.globalStep();
        double sumLoss = 0;
        int counted = 0;
        Map<String, Double> sumComponents = new LinkedHashMap<>();
        Map<String, INDArray> accumulated = null;
        int micro = 0;
        double lr = schedule.at(step);
        try (ProgressBar bar = showProgressBar ? new ProgressBar("train", totalSteps, "steps") : null) {
            if (bar != null) {
                bar.advance(step);
            }
            while (step < totalSteps) {
                if (!cursor.hasNext()) {
                    cursor.nextEpoch();
                    continue;
                }
                SectionTimer.mark("step.other");
                NamedBatch nb = cursor.next();
                DatasetStep datasetStep = graphs.get(nb.dataset());
                TrainingGraph graph = datasetStep.graph();
                StepResult r = runner.run(datasetStep, nb.rows(), cursor.epoch(), state.dropoutSeed() * 1_000_003L + step * 64 + micro,
                        new Random(state.stepRngSeed() * 1_000_003L + step));
                if (!Double.isFinite(r.loss())) {
                    String msg = "step " + (step + 1) + ": " + graph.loss().name() + " on dataset '" + nb.dataset() + "' gave a "
                            + (Double.isNaN(r.loss()) ? "NaN" : "non-finite") + " loss (" + r.loss() + "), components " + r.components()
                            + "; the batch is " + (args.skipNonFiniteBatches() ? "skipped" : "not stepped on");
                    if (!args.skipNonFiniteBatches()) {
                        throw new NonFiniteLossException(msg);
                    }
                    log.accept(msg);
                    continue;
                }
                Map<String, INDArray> stepGradients = renameLossGradients(nb.dataset(), r.gradients());
                // one micro-batch per step: its gradients are the step's (the step's arrays, read by the optimizer
                // before the next step overwrites them); else summed into arrays of the trainer's own
                accumulated = args.gradientAccumulationSteps() == 1 ? stepGradients : accumulate(accumulated, stepGradients);
                sumLoss += r.loss();
                counted++;
                String prefix = datasets.size() > 1 ? nb.dataset() + "/" : "";
                if (!r.components().keySet().equals(java.util.Set.of("loss"))) {
                    r.components().forEach((k, v) -> sumComponents.merge(prefix + k, v, Double::sum));
                }
                micro++;
                if (micro < args.gradientAccumulationSteps()) {
                    continue;
                }
                if (micro > 1) {
                    for (INDArray g : accumulated.values()) {
                        g.divi(micro);
                    }
                }
                if (args.maxGradNorm() > 0) {
                    GradientClipping.clip(accumulated, args.maxGradNorm());
                }
                lr = schedule.at(step);
                adam.step(params, accumulated, lr);
                SectionTimer.mark("step.optimizer");
                accumulated = null;
                micro = 0;
                step++;
                runner.parametersChanged(step);
                double epoch = cursor.epoch() + (double) cursor.position() / Math.max(1, cursor.batchesInEpoch());
                if (bar != null) {
                    bar.status(String.format(Locale.ROOT, "loss=%.4f", sumLoss / counted));
                    bar.advance(1);
                }
                boolean last = step == totalSteps;
                if (step % args.loggingSteps() == 0 || last) {
                    Map<String, Double> comps = new LinkedHashMap<>();
                    for (Map.Entry<String, Double> c : sumComponents.entrySet()) {
                        comps.put(c.getKey(), c.getValue() / counted);
                    }
                    LogEntry entry = new LogEntry(step, epoch, sumLoss / counted, comps, lr, Map.of());
                    history.add(entry);
                    log.accept(format(entry, totalSteps));
                    sumLoss = 0;
                    counted = 0;
                    sumComponents.clear();
                }
                if (evaluates() && args.evalSteps() > 0 && step % args.evalSteps() == 0 && !last) {
                    evaluate(step, epoch, history, evalFile);
                }
                boolean stop = stopAfterStep > 0 && step >= stopAfterStep && !last;
                if ((args.saveSteps() > 0 && step % args.saveSteps() == 0 && !last) || stop) {
                    checkpoint(step, new TrainerState(step, cursor.epoch(), cursor.position(), state.samplerSeed(),
                            state.dropoutSeed(), state.stepRngSeed(), history), adam, params);
                }
                if (stop) {
                    log.accept("stopping after step " + step + " as asked; resume from " + checkpoints.latest().orElse(null));
                    return new TrainingResult(args.outputDir(), step, (System.nanoTime() - t0) / 1e9, initial, Map.of(), history);
                }
            }
        }
        double epoch = cursor.epoch() + (double) cursor.position() / Math.max(1, cursor.batchesInEpoch());
        Map<String, Double> fin = !evaluates() ? Map.of() : evaluate(step, epoch, history, evalFile);
        model.save(args.outputDir());
        finished(step, history, fin);
        return new TrainingResult(args.outputDir(), step, (System.nanoTime() - t0) / 1e9, initial, fin, history);
    }

    private void checkpoint(long step, TrainerState state, AdamW adam, Map<String, INDArray> params) throws IOException {
        Map<String, INDArray> lossParams = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith(TrainingGraph.LOSS_PARAMETER_PREFIX)) {
                lossParams.put(k, v);
            }
        });
        Path folder = checkpoints.save(step, model.files(), adam.state(), lossParams, state);
        log.accept("step " + step + ": checkpoint " + folder);
    }

    /** Puts a checkpoint's weights, loss parameters and optimizer state back. */
    private void restore(Checkpoint c, Map<String, INDArray> params, AdamW adam) {
        model.encoder().loadWeights(c.model().weights());
        for (Map.Entry<String, INDArray> e : c.lossParameters().entrySet()) {
            INDArray target = params.get(e.getKey());
            if (target == null) {
                throw new IllegalStateException("checkpoint " + c.folder() + " has loss parameter " + e.getKey()
                        + ", which this run's losses do not have");
            }
            target.assign(e.getValue());
        }
        adam.load(c.optimizerState());
    }

    /** The model card, the loss plot and a summary, next to the saved model. */
    private void finished(long step, List<LogEntry> history, Map<String, Double> finalMetrics) throws IOException {
        ModelCardData.Builder card = ModelCardData.builder().modelId(args.outputDir().getFileName().toString())
                .baseModel(baseModel).architecture(architecture()).hyperparameters(args.nonDefaults()).log(history)
                .finalEvaluation(finalMetrics).versions(ModelCardData.detectVersions());
        for (Map.Entry<String, Dataset> e : datasets.entrySet()) {
            Dataset ds = e.getValue();
            List<String> columns = new ArrayList<>(ds.columns());
            ds.labelColumn().ifPresent(columns::add);
            List<Map<String, Object>> examples = new ArrayList<>();
            for (int i = 0; i < Math.min(ModelCardData.MAX_EXAMPLES, ds.size()); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 0; c < ds.columns().size(); c++) {
                    row.put(ds.columns().get(c), ds.text(c, i));
                }
                if (ds.hasLabels()) {
                    row.put(ds.labelColumn().get(), ds.labelKind() == LabelKind.VECTOR
                            ? java.util.Arrays.toString(ds.labelVector(i)) : ds.label(i));
                }
                examples.add(row);
            }
            card.dataset(e.getKey(), ds.size(), columns, examples, losses.get(e.getKey()));
        }
        ModelCard.write(card.build(), args.outputDir());
        if (history.stream().anyMatch(e -> Double.isFinite(e.loss()) || !e.metrics().isEmpty())) {
            TrainingPlot.write(history, args.outputDir().resolve("training_loss.png"));
        }
    }

    private String architecture() {
        var c = model.encoder().config();
        var p = model.encoder().pooling();
        String dense = c.dense().stream().map(d -> "Dense " + d.in() + "→" + d.out() + " " + d.function().name())
                .reduce("", (x, y) -> x + ", " + y);
        return c.architecture().modelClass() + ", " + c.numHiddenLayers() + " layers, hidden " + c.hiddenSize() + ", "
                + c.numAttentionHeads() + " heads, max " + model.maxSeqLength() + " tokens, "
                + p.modes().stream().map(m -> m.configName()).toList() + " pooling" + dense
                + (model.encoder().normalize() ? ", normalized" : "") + ", " + model.embeddingDimension() + " dimensions";
    }

    /** Each held-out dataset's evaluation through its training dataset's computation, set up by {@link #run}. */
    private final Map<String, DatasetStep> heldOut = new LinkedHashMap<>();

    /** Whether anything is evaluated: an evaluator or a held-out dataset's loss. */
    private boolean evaluates() {
        return evaluator != null || !evalDatasets.isEmpty();
    }

    private Map<String, Double> evaluate(long step, double epoch, List<LogEntry> history, EvaluationResults file) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (evaluator != null) {
            metrics.putAll(evaluator.evaluate(model));
        }
        heldOut.forEach((name, held) ->
                metrics.put(datasets.size() == 1 ? "eval_loss" : "eval_" + name + "_loss", held.evaluate(args.batchSize())));
        file.append(step, epoch, metrics);
        history.add(new LogEntry(step, epoch, Double.NaN, Map.of(), Double.NaN, metrics));
        log.accept("step " + step + " evaluation: " + metrics);
        return metrics;
    }

    private static String format(LogEntry e, long total) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "step %d/%d epoch %.2f loss %.4f", e.step(), total, e.epoch(), e.loss()));
        e.components().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.4f", k, v)));
        sb.append(String.format(Locale.ROOT, " lr %.3g", e.learningRate()));
        return sb.toString();
    }

    private Map<String, INDArray> parameters(Map<String, DatasetStep> graphs) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        graphs.forEach((ds, g) -> g.graph().parameters().forEach((k, v) -> all.put(lossKey(ds, k), v)));
        return all;
    }

    private static String lossKey(String dataset, String key) {
        return key.startsWith(TrainingGraph.LOSS_PARAMETER_PREFIX)
                ? TrainingGraph.LOSS_PARAMETER_PREFIX + dataset + "/" + key.substring(TrainingGraph.LOSS_PARAMETER_PREFIX.length())
                : key;
    }

    private static Map<String, INDArray> renameLossGradients(String dataset, Map<String, INDArray> grads) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        grads.forEach((k, v) -> out.put(lossKey(dataset, k), v));
        return out;
    }

    /** Gradient sums of the current optimizer step, by parameter; the arrays are reused from step to step. */
    private final Map<String, INDArray> gradientBuffers = new LinkedHashMap<>();

    /**
     * Adds one micro-batch's gradients to the step's sums ({@code acc} null at the start of a step). The sums
     * live in arrays reused every step: a fresh copy of every gradient (90 MB for MiniLM) each step would
     * cost page faults and garbage.
     */
    private Map<String, INDArray> accumulate(Map<String, INDArray> acc, Map<String, INDArray> grads) {
        Map<String, INDArray> sums = acc != null ? acc : new LinkedHashMap<>();
        grads.forEach((k, v) -> {
            INDArray sum = sums.get(k);
            if (sum != null) {
                sum.addi(v);
                return;
            }
            INDArray buffer = gradientBuffers.get(k);
            if (buffer == null || buffer.dataType() != v.dataType() || !java.util.Arrays.equals(buffer.shape(), v.shape())) {
                buffer = v.dup();
                gradientBuffers.put(k, buffer);
            } else {
                buffer.assign(v);
            }
            sums.put(k, buffer);
        });
        return sums;
    }

    public SentenceEncoder model() {
        return model;
    }

    public TrainingArguments arguments() {
        return args;
    }

    public Map<String, Dataset> datasets() {
        return datasets;
    }

    public Map<String, SentenceLoss> losses() {
        return losses;
    }

    /** Thrown when a step's loss is NaN or infinite: the message names the step, the loss and the cause. */
    public static final class NonFiniteLossException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NonFiniteLossException(String message) {
            super(message);
        }
    }

    /** Builder: the model, the arguments, one or more (dataset, loss) pairs, an optional evaluator and guide. */
    public static final class Builder {
        private final SentenceEncoder model;
        private final TrainingArguments args;
        private final Map<String, Dataset> datasets = new LinkedHashMap<>();
        private final Map<String, SentenceLoss> losses = new LinkedHashMap<>();
        private Evaluator evaluator;
        private final Map<String, Dataset> evalDatasets = new LinkedHashMap<>();
        private SentenceEmbedder guide;
        private PrintStream log;
        private boolean showProgressBar;
        private String baseModel = "unknown";
        private long stopAfterStep = 0;
        private StepRunner runner = StepRunner.LOCAL;

        private Builder(SentenceEncoder model, TrainingArguments args) {
            this.model = model;
            this.args = args;
        }

        /** A training dataset and the loss it trains with (named after the dataset). */
        public Builder train(Dataset dataset, SentenceLoss loss) {
            datasets.put(dataset.name(), dataset);
            losses.put(dataset.name(), loss);
            return this;
        }

        public Builder evaluator(Evaluator evaluator) {
            this.evaluator = evaluator;
            return this;
        }

        /**
         * A held-out dataset in the format of the training dataset of the same name, whose loss (with that
         * dataset's loss and its trained parameters, dropout off) is reported at every evaluation as
         * {@code eval_loss} ({@code eval_<name>_loss} with several training datasets), as Hugging Face's
         * {@code eval_dataset}.
         */
        public Builder evalDataset(String trainingDataset, Dataset heldOut) {
            evalDatasets.put(java.util.Objects.requireNonNull(trainingDataset, "training dataset name"), heldOut);
            return this;
        }

        /** {@link #evalDataset(String, Dataset)} for the one training dataset added so far (the usual case). */
        public Builder evalDataset(Dataset heldOut) {
            if (datasets.size() != 1) {
                throw new IllegalStateException("evalDataset(Dataset) needs exactly one training dataset added before it; have "
                        + datasets.keySet() + ": name it with evalDataset(String, Dataset)");
            }
            return evalDataset(datasets.keySet().iterator().next(), heldOut);
        }

        /** The frozen guide model of GIST losses. */
        public Builder guide(SentenceEmbedder guide) {
            this.guide = guide;
            return this;
        }

        /** The name of the model training starts from, for the model card (e.g. all-MiniLM-L6-v2). */
        public Builder baseModel(String name) {
            this.baseModel = name;
            return this;
        }

        /**
         * Stops after this many optimizer steps with a checkpoint, as an interruption would, so a long run can be
         * split into sessions; {@link #resumeFromLatestCheckpoint()} continues it. 0 (the default) runs to the end.
         */
        public Builder stopAfterStep(long step) {
            this.stopAfterStep = step;
            return this;
        }

        /**
         * Where each batch's forward and backward pass runs: in this process ({@link StepRunner#LOCAL}, the
         * default) or elsewhere, e.g. across a Spark cluster ({@code org.sentence4j.spark.SparkStepRunner}).
         */
        public Builder stepRunner(StepRunner runner) {
            this.runner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /**
         * Where the log lines (loss and its components at every logging step, evaluations, checkpoints) go. By
         * default they go to SLF4J ({@code org.sentence4j.trainer.SentenceTransformerTrainer}, INFO),
         * so a library user's logging configuration decides; the command line passes standard error.
         */
        public Builder log(PrintStream log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * A progress bar on standard error (step/total, loss, steps per second, ETA); off by default, as a library
         * should not write to the terminal unasked. The command line turns it on.
         */
        public Builder showProgressBar(boolean show) {
            this.showProgressBar = show;
            return this;
        }

        public SentenceTransformerTrainer build() {
            return new SentenceTransformerTrainer(this);
        }
    }
}
