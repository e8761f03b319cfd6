package org.sentence4j.spark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.spark.ModelBundle;
import org.sentence4j.trainer.step.DatasetStep;
import org.sentence4j.trainer.step.StepResult;
import org.sentence4j.trainer.step.StepRunner;
import org.sentence4j.trainer.step.TrainingGraph;

/**
 * Synchronous data-parallel training on Spark that computes the same step as one process: plug it into
 * {@link org.sentence4j.trainer.SentenceTransformerTrainer.Builder#stepRunner} and the trainer runs every
 * batch's forward and backward pass across Spark tasks, while it keeps everything else (sampling, the loss's
 * own parameters, gradient accumulation and clipping, AdamW, checkpoints, evaluation) on the driver.
 *
 * <p>A step on a global batch of B rows, split into W tasks of contiguous rows:
 * <ol>
 * <li>the driver tokenizes the batch, gathers labels and guide embeddings, and broadcasts the current encoder
 * parameters when they changed since the last step;</li>
 * <li><b>embedding job</b>: each task embeds its rows, with dropout masks drawn at the rows' global indices
 * (so neither W nor the executor that runs a task changes them), and returns the embeddings: B × dimension
 * floats in all;</li>
 * <li>the driver evaluates the loss fragment on the whole batch's embeddings, so every row sees every other
 * row's in-batch negatives and hard-negative columns keep their order, and gets the loss's gradient with
 * respect to each embedding (and to the loss's own parameters);</li>
 * <li><b>backward job</b>: each task embeds its rows again with the same masks, keeping activations, and
 * back-propagates its rows' embedding gradients; the parameter gradients are summed with
 * {@code treeAggregate}.</li>
 * </ol>
 * This is GradCache (Gao et al. 2021) with the chunks spread over machines, and it gives the single-process
 * step up to float32 summation order. Spark does the scheduling, shipping, aggregation and the re-running of
 * failed tasks; a task's result depends only on its rows, the parameters and the seeds, so a rerun computes
 * the same numbers.
 *
 * <p>Supported: every loss on sentence embeddings (in-batch negatives, hard negatives, labels, the losses
 * with parameters of their own, the modifiers over dimensions and layers, GIST with its guide embedded on
 * the driver, two-tower ContrastiveTension with its copy of the encoder shipped alongside) and the decoder
 * loss TSDAE (the tasks embed the damaged sentences, the decoder runs on the driver as the loss). Float32
 * models only.
 */
public final class SparkStepRunner implements StepRunner, AutoCloseable {

    private final JavaSparkContext sc;
    private final int tasks;
    private final int treeDepth;
    private final String runId = UUID.randomUUID().toString();
    private final Broadcast<ModelBundle> bundle;
    private Broadcast<ParameterSnapshot> parameters;
    private long version;
    private boolean stale = true;
    /** The copy tower whose parameters the current snapshot carries (null: none). */
    private BertEncoder snapshotCopy;
    private long lastBroadcastBytes;
    private final List<StepTiming> timings = Collections.synchronizedList(new ArrayList<>());

    private SparkStepRunner(Builder b) throws IOException {
        this.sc = b.sc;
        this.tasks = b.tasks;
        this.treeDepth = b.treeDepth;
        if (b.model.encoder().dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("distributed training runs in float32; the model computes in "
                    + b.model.encoder().dataType());
        }
        // the architecture, tokenizer and pooling travel once; the weights of every step come with the snapshots
        this.bundle = sc.broadcast(ModelBundle.of(b.model));
    }

    /** A runner on this Spark context for this model (the model the trainer trains). */
    public static Builder builder(JavaSparkContext sc, SentenceEncoder model) {
        return new Builder(sc, model);
    }

    /** Tasks each step is split into. */
    public int tasks() {
        return tasks;
    }

    /** Per-step timings of every step run so far. */
    public List<StepTiming> timings() {
        synchronized (timings) {
            return List.copyOf(timings);
        }
    }

    @Override
    public void parametersChanged(long newVersion) {
        this.version = newVersion;
        this.stale = true;
    }

    @Override
    public StepResult run(DatasetStep step, int[] rows, int epoch, long dropoutSeed, Random rng) {
        TrainingGraph graph = step.graph();
        if (rows.length == 0) {
            throw new LossInputException(graph.loss().name() + " on dataset '" + step.dataset().name() + "': the batch is empty.");
        }
        long t0 = System.nanoTime();
        List<TokenBatch> columns = step.tokenize(rows, epoch);
        INDArray labels = graph.isDecoderLoss() ? null : graph.labelsFromTokens(columns, step.labels(rows));
        List<INDArray> guide = graph.isDecoderLoss() ? null : step.guideEmbeddings(columns);
        long t1 = System.nanoTime();
        long broadcastBytes = ensureParameters(step);
        long t2 = System.nanoTime();

        boolean decoder = graph.isDecoderLoss();
        List<RowSlice> slices = slices(graph, columns, dropoutSeed);
        String id = runId;
        Broadcast<ModelBundle> b = bundle;
        Broadcast<ParameterSnapshot> p = parameters;
        List<SliceEmbeddings> parts = sc.parallelize(slices, slices.size())
                .map(s -> TrainingWorker.with(id, b, p, w -> w.embed(s))).collect();
        long t3 = System.nanoTime();

        int n = rows.length;
        int lossColumns = decoder ? 1 : graph.lossColumns();
        boolean layers = graph.layerInputCount() > 0;
        List<INDArray> sentence = new ArrayList<>();
        List<List<INDArray>> hidden = new ArrayList<>();
        int numHidden = graph.layerInputCount();
        for (int h = 0; h < numHidden; h++) {
            hidden.add(new ArrayList<>());
        }
        for (int c = 0; c < lossColumns; c++) {
            final int col = c;
            sentence.add(gather(parts, n, s -> s.sentence()[col]));
            for (int h = 0; h < numHidden; h++) {
                final int layer = h;
                hidden.get(h).add(gather(parts, n, s -> s.layers()[col][layer]));
            }
        }
        TrainingGraph.LossGradients lg;
        Map<String, INDArray> decoderGradients = Map.of();
        if (decoder) {
            // TSDAE: the decoder on the driver reconstructs the original texts from the gathered embeddings
            TrainingGraph.DecoderGradients dg = graph.decoderGradients(columns, sentence.get(0), dropoutSeed);
            lg = new TrainingGraph.LossGradients(dg.loss(), new LinkedHashMap<>(), List.of(dg.embeddingGradient()), List.of(),
                    Map.of());
            decoderGradients = dg.parameterGradients();
        } else {
            lg = graph.lossGradients(sentence, hidden, labels, guide, rng);
        }
        long t4 = System.nanoTime();

        // each embedding gradient [B, D] to host memory once; every task gets its rows of it
        float[][] dColumns = new float[lossColumns][];
        float[][][] dHidden = new float[numHidden][lossColumns][];
        for (int c = 0; c < lossColumns; c++) {
            dColumns[c] = HostArrays.floats(lg.columnGradients().get(c));
            for (int h = 0; h < numHidden; h++) {
                dHidden[h][c] = HostArrays.floats(lg.layerGradients().get(h).get(c));
            }
        }
        int dim = dColumns[0].length / n;
        List<RowSlice> back = new ArrayList<>();
        for (RowSlice s : slices) {
            RowSlice.Column[] cols = new RowSlice.Column[lossColumns];
            for (int c = 0; c < lossColumns; c++) {
                float[] dSentence = rowsOf(dColumns[c], dim, s.firstRow(), s.rows());
                float[][] dLayers = null;
                if (layers) {
                    dLayers = new float[numHidden][];
                    for (int h = 0; h < numHidden; h++) {
                        dLayers[h] = rowsOf(dHidden[h][c], dim, s.firstRow(), s.rows());
                    }
                }
                cols[c] = s.columns()[c].withGradients(dSentence, dLayers);
            }
            back.add(s.withColumns(cols));
        }
        GradientSum sum = sc.parallelize(back, back.size()).treeAggregate(new GradientSum(), (acc, s) -> {
            long start = System.nanoTime();
            return TrainingWorker.with(id, b, p, w -> w.backward(s, acc, start));
        }, GradientSum::merge, treeDepth);
        long t5 = System.nanoTime();

        Map<String, INDArray> shapes = graph.parameters();
        Map<String, INDArray> named = new LinkedHashMap<>();
        long gradientBytes = sum.bytes();
        Map<String, float[]> all = new LinkedHashMap<>(sum.sums());
        sum.sparse().forEach((k, touched) -> {
            INDArray like = shapes.get(k.startsWith(ParameterSnapshot.COPY_PREFIX)
                    ? TrainingGraph.copyName(k.substring(ParameterSnapshot.COPY_PREFIX.length())) : k);
            all.put(k, touched.dense((int) like.size(0)));
        });
        for (Map.Entry<String, float[]> e : all.entrySet()) {
            String name = e.getKey().startsWith(ParameterSnapshot.COPY_PREFIX)
                    ? TrainingGraph.copyName(e.getKey().substring(ParameterSnapshot.COPY_PREFIX.length())) : e.getKey();
            INDArray like = shapes.get(name);
            if (like == null) {
                throw new IllegalStateException("a task returned a gradient for " + name + ", which the training computation lacks");
            }
            named.put(name, Nd4j.create(e.getValue(), like.shape(), 'c'));
        }
        named.putAll(lg.lossParameterGradients());
        decoderGradients.forEach((k, v) -> {
            // a tied decoder's share of the shared tensors adds to the encoder's; its own tensors are new names
            INDArray encoderShare = named.get(k);
            named.put(k, encoderShare == null ? v : encoderShare.addi(v));
        });
        double embedTasks = parts.stream().mapToLong(SliceEmbeddings::nanos).sum() / 1e6;
        timings.add(new StepTiming(n, slices.size(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, broadcastBytes, (t3 - t2) / 1e6,
                embedTasks, (t4 - t3) / 1e6, (t5 - t4) / 1e6, sum.nanos() / 1e6, gradientBytes, (t5 - t0) / 1e6));
        return new StepResult(lg.loss(), lg.components(), named);
    }

    /** Broadcasts the parameters when they changed (or another copy tower is needed); returns the bytes sent. */
    private long ensureParameters(DatasetStep step) {
        BertEncoder copy = step.graph().copyEncoder();
        if (!stale && parameters != null && copy == snapshotCopy) {
            return 0;
        }
        Map<String, INDArray> model = tensors(step.model().encoder());
        Map<String, INDArray> copied = copy == null ? null : tensors(copy);
        ParameterSnapshot snapshot = ParameterSnapshot.of(version, model, copied);
        checkDriverMemory(snapshot.bytes(), Runtime.getRuntime().maxMemory(), tasks);
        if (parameters != null) {
            parameters.destroy();
        }
        parameters = sc.broadcast(snapshot);
        snapshotCopy = copy;
        stale = false;
        lastBroadcastBytes = snapshot.bytes();
        return lastBroadcastBytes;
    }

    /**
     * Fails before the first job when the driver's heap cannot hold what a step brings back: Spark deserializes up
     * to four task results at once (its result-getter threads) beside the running sum and their serialized bytes,
     * and the driver keeps the parameter snapshot. An OutOfMemoryError in Spark's result-getter thread would not
     * fail the job but leave it waiting forever, so this estimate errs on the safe side (dense results).
     */
    static void checkDriverMemory(long parameterBytes, long maxHeap, int tasks) {
        long need = (3L + 2L * Math.min(tasks, 4)) * parameterBytes + 3L * parameterBytes;
        if (need > maxHeap) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT, "the driver's heap (%.1f GB) is too small for"
                    + " %d task(s) of a model whose gradients are %.0f MB: about %.1f GB are needed (task results arrive"
                    + " as Java arrays). Raise the driver's -Xmx (the launcher: SENTENCE4J_HEAP=%dg) or use fewer tasks.",
                    maxHeap / 1e9, tasks, parameterBytes / 1e6, need / 1e9, (long) Math.ceil(need / 1e9) + 1));
        }
    }

    private static Map<String, INDArray> tensors(BertEncoder encoder) {
        Map<String, INDArray> t = new LinkedHashMap<>();
        for (String n : BertTensorNames.names(encoder.config())) {
            t.put(n, encoder.sameDiff().getArrForVarName(encoder.variableName(n)));
        }
        return t;
    }

    /** W contiguous row ranges of near-equal size; each loss column's tokens cut to the range's longest row. */
    private List<RowSlice> slices(TrainingGraph graph, List<TokenBatch> columns, long dropoutSeed) {
        int n = columns.get(0).batchSize();
        int w = Math.min(tasks, n);
        boolean decoder = graph.isDecoderLoss();
        int lossColumns = decoder ? 1 : graph.lossColumns();
        long[][][] ids = new long[columns.size()][][];
        long[][][] mask = new long[columns.size()][][];
        long[][][] types = new long[columns.size()][][];
        for (int d = 0; d < columns.size(); d++) {
            ids[d] = columns.get(d).inputIds().castTo(DataType.INT64).toLongMatrix();
            mask[d] = columns.get(d).attentionMask().castTo(DataType.INT64).toLongMatrix();
            types[d] = columns.get(d).tokenTypeIds().castTo(DataType.INT64).toLongMatrix();
        }
        List<RowSlice> out = new ArrayList<>();
        for (int t = 0; t < w; t++) {
            int from = (int) ((long) t * n / w);
            int to = (int) ((long) (t + 1) * n / w);
            RowSlice.Column[] cols = new RowSlice.Column[lossColumns];
            for (int c = 0; c < lossColumns; c++) {
                int d = decoder ? graph.decoderEncoderColumn() : graph.dataColumnOf(c);
                int length = 1;
                for (int r = from; r < to; r++) {
                    for (int k = mask[d][r].length - 1; k >= length; k--) {
                        if (mask[d][r][k] != 0) {
                            length = k + 1;
                            break;
                        }
                    }
                }
                long[] i = new long[(to - from) * length];
                long[] m = new long[i.length];
                long[] y = new long[i.length];
                for (int r = from; r < to; r++) {
                    System.arraycopy(ids[d][r], 0, i, (r - from) * length, length);
                    System.arraycopy(mask[d][r], 0, m, (r - from) * length, length);
                    System.arraycopy(types[d][r], 0, y, (r - from) * length, length);
                }
                cols[c] = new RowSlice.Column(length, i, m, y, !decoder && graph.copyTowerOf(c),
                        TrainingGraph.columnSeed(dropoutSeed, c), null, null);
            }
            out.add(new RowSlice(from, to - from, cols, decoder ? 0 : graph.layerInputCount(), graph.dropoutOn()));
        }
        return out;
    }

    private static INDArray gather(List<SliceEmbeddings> parts, int n, java.util.function.Function<SliceEmbeddings, float[]> of) {
        int dim = of.apply(parts.get(0)).length / parts.get(0).rows();
        float[] all = new float[n * dim];
        for (SliceEmbeddings s : parts) {
            System.arraycopy(of.apply(s), 0, all, s.firstRow() * dim, s.rows() * dim);
        }
        return Nd4j.create(all, new long[] {n, dim}, 'c');
    }

    /** Rows [firstRow, firstRow + rows) of a row-major matrix of width {@code dim}. */
    private static float[] rowsOf(float[] all, int dim, int firstRow, int rows) {
        return java.util.Arrays.copyOfRange(all, firstRow * dim, (firstRow + rows) * dim);
    }

    /** Frees the run's broadcasts (the model bundle and the last parameters). */
    @Override
    public void close() {
        if (parameters != null) {
            parameters.destroy();
            parameters = null;
        }
        bundle.destroy();
    }

    /** Options of a {@link SparkStepRunner}. */
    public static final class Builder {
        private final JavaSparkContext sc;
        private final SentenceEncoder model;
        private int tasks = 2;
        private int treeDepth = 2;

        private Builder(JavaSparkContext sc, SentenceEncoder model) {
            this.sc = Objects.requireNonNull(sc, "spark context");
            this.model = Objects.requireNonNull(model, "model");
        }

        /** Tasks each step's batch is split into (W); a batch with fewer rows uses one task per row. */
        public Builder tasks(int w) {
            if (w <= 0) {
                throw new IllegalArgumentException("tasks must be > 0, got " + w);
            }
            this.tasks = w;
            return this;
        }

        /** Depth of the {@code treeAggregate} that sums the gradients (2 by default). */
        public Builder treeDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("tree depth must be >= 1, got " + depth);
            }
            this.treeDepth = depth;
            return this;
        }

        public SparkStepRunner build() {
            try {
                return new SparkStepRunner(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bundle the model for the executors: " + e.getMessage(), e);
            }
        }
    }
}
