package org.sentence4j.spark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;

import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.bert.DropoutMasks;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.spark.ModelBundle;

/**
 * The executor side of a distributed step: an encoder (and, for a two-tower loss, its copy) on which a task
 * embeds its rows ({@link #embed}) and back-propagates their embedding gradients ({@link #backward}).
 *
 * <p>A worker keeps the model between tasks and jobs: it is built once from the run's shipped model folder,
 * and before each task takes the parameters of the step's broadcast snapshot when they are newer than its
 * own. A training pass keeps activations in its encoder's buffers, so a worker serves one task at a time;
 * {@link #with} lends each running task a worker of its own from a per-JVM pool (as many as the executor runs
 * tasks at once). An executor that dies takes its workers with it; the task that Spark runs again elsewhere
 * builds or borrows a worker there and, since a worker's result depends only on the slice, the parameters and
 * the seeds, computes the same numbers.
 */
public final class TrainingWorker {

    private static final ConcurrentHashMap<String, ConcurrentLinkedDeque<TrainingWorker>> IDLE = new ConcurrentHashMap<>();

    private final SentenceEncoder model;
    private final BertConfig config;
    private BertEncoder copy;
    private long appliedBroadcast = -1;
    private Map<String, INDArray> grads;
    private Map<String, INDArray> copyGrads;

    private TrainingWorker(SentenceEncoder model) {
        this.model = model;
        this.config = model.encoder().config();
    }

    /**
     * Runs {@code work} on a worker of run {@code runId} with the snapshot's parameters: an idle one of this JVM,
     * or a new one built from the run's model bundle.
     */
    public static <T> T with(String runId, Broadcast<ModelBundle> bundle, Broadcast<ParameterSnapshot> parameters,
                             Function<TrainingWorker, T> work) {
        ConcurrentLinkedDeque<TrainingWorker> idle = IDLE.computeIfAbsent(runId, k -> new ConcurrentLinkedDeque<>());
        TrainingWorker w = idle.pollFirst();
        if (w == null) {
            try {
                w = new TrainingWorker(bundle.value().open());
            } catch (IOException e) {
                throw new UncheckedIOException("executor cannot load the shipped model: " + e.getMessage(), e);
            }
        }
        try {
            w.sync(parameters);
            return work.apply(w);
        } finally {
            idle.addFirst(w);
        }
    }

    /** Drops this JVM's workers of a finished run. */
    public static void release(String runId) {
        IDLE.remove(runId);
    }

    /** Takes the snapshot's parameters unless they are already in place. */
    private void sync(Broadcast<ParameterSnapshot> parameters) {
        if (parameters.id() == appliedBroadcast) {
            return;
        }
        ParameterSnapshot snapshot = parameters.value();
        BertEncoder encoder = model.encoder();
        if (snapshot.hasCopy() && copy == null) {
            copy = BertEncoder.builder(config).weights(encoder.weights()).pooling(encoder.pooling())
                    .normalize(encoder.normalize()).dataType(encoder.dataType()).build();
        }
        for (String n : BertTensorNames.names(config)) {
            assign(encoder, n, snapshot.values().get(n));
            if (snapshot.hasCopy()) {
                assign(copy, n, snapshot.values().get(ParameterSnapshot.COPY_PREFIX + n));
            }
        }
        appliedBroadcast = parameters.id();
    }

    private static void assign(BertEncoder encoder, String name, float[] values) {
        if (values == null) {
            throw new IllegalStateException("the parameter snapshot has no tensor " + name);
        }
        INDArray target = encoder.sameDiff().getArrForVarName(encoder.variableName(name));
        if (target.length() != values.length) {
            throw new IllegalStateException("tensor " + name + " has " + target.length() + " values here and " + values.length
                    + " in the snapshot");
        }
        target.assign(Nd4j.create(values, target.shape(), 'c'));
    }

    private EagerEncoder encoderOf(RowSlice.Column column) {
        return column.copyTower() ? copy.eager() : model.encoder().eager();
    }

    private DropoutMasks masks(RowSlice slice, RowSlice.Column column, TokenBatch tokens) {
        if (!slice.dropout()) {
            return DropoutMasks.none();
        }
        return DropoutMasks.sampleRealTokens(config, config.numHiddenLayers(), slice.firstRow(), tokens, column.dropoutSeed(),
                DataType.FLOAT);
    }

    /** The slice's embeddings per loss column: a forward pass without keeping activations. */
    public SliceEmbeddings embed(RowSlice slice) {
        long t0 = System.nanoTime();
        int columns = slice.columns().length;
        float[][] sentence = new float[columns][];
        float[][][] layers = slice.allLayers() ? new float[columns][][] : null;
        for (int c = 0; c < columns; c++) {
            RowSlice.Column col = slice.columns()[c];
            TokenBatch tokens = slice.tokens(c);
            EagerEncoder.Pass pass = encoderOf(col).forward("spark", tokens, config.numHiddenLayers(), masks(slice, col, tokens),
                    false, slice.allLayers());
            sentence[c] = floats(pass.sentenceEmbedding());
            if (layers != null) {
                // the pass pools every hidden state; the loss reads the first layerInputs (the last is the sentence embedding)
                List<INDArray> hidden = pass.layerEmbeddings();
                layers[c] = new float[slice.layerInputs()][];
                for (int h = 0; h < slice.layerInputs(); h++) {
                    layers[c][h] = floats(hidden.get(h));
                }
            }
        }
        return new SliceEmbeddings(slice.firstRow(), slice.rows(), sentence, layers, System.nanoTime() - t0);
    }

    /**
     * The slice's rows forward again (same dropout) keeping activations, then backward from the slice's embedding
     * gradients: the parameter gradients of these rows, added to {@code into}, model tensors by name and copy-tower
     * tensors under {@link ParameterSnapshot#COPY_PREFIX}; the word embeddings as the rows of the slice's tokens
     * only (every other row's gradient is zero).
     */
    public GradientSum backward(RowSlice slice, GradientSum into, long startNanos) {
        EagerEncoder eager = model.encoder().eager();
        grads = zeroed(grads, eager);
        if (copy != null) {
            copyGrads = zeroed(copyGrads, copy.eager());
        }
        boolean usedCopy = false;
        for (int c = 0; c < slice.columns().length; c++) {
            RowSlice.Column col = slice.columns()[c];
            EagerEncoder enc = encoderOf(col);
            usedCopy |= col.copyTower();
            TokenBatch tokens = slice.tokens(c);
            EagerEncoder.Pass pass = enc.forward("spark/column" + c, tokens, config.numHiddenLayers(), masks(slice, col, tokens),
                    true, slice.allLayers());
            long dim = pass.sentenceEmbedding().size(1);
            INDArray dSentence = Nd4j.create(col.dSentence(), new long[] {slice.rows(), dim}, 'c');
            List<INDArray> dLayers = new ArrayList<>();
            if (slice.allLayers()) {
                for (float[] d : col.dLayers()) {
                    dLayers.add(Nd4j.create(d, new long[] {slice.rows(), dim}, 'c'));
                }
            }
            enc.backward(pass, dSentence, dLayers, col.copyTower() ? copyGrads : grads);
        }
        Map<String, float[]> dense = new LinkedHashMap<>();
        Map<String, SparseRows> rows = new LinkedHashMap<>();
        collect(slice, grads, "", false, dense, rows);
        if (usedCopy) {
            collect(slice, copyGrads, ParameterSnapshot.COPY_PREFIX, true, dense, rows);
        }
        return into.add(dense, rows, System.nanoTime() - startNanos);
    }

    /** One tower's gradients under {@code prefix}: the word embeddings as the rows of the tower's tokens, the rest dense. */
    private static void collect(RowSlice slice, Map<String, INDArray> towerGrads, String prefix, boolean copyTower,
                                Map<String, float[]> dense, Map<String, SparseRows> rows) {
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        for (RowSlice.Column col : slice.columns()) {
            if (col.copyTower() == copyTower) {
                for (long id : col.ids()) {
                    ids.add((int) id);
                }
            }
        }
        towerGrads.forEach((k, v) -> {
            if (k.equals(BertTensorNames.WORD_EMBEDDINGS)) {
                rows.put(prefix + k, SparseRows.of(v, ids.stream().mapToInt(Integer::intValue).toArray()));
            } else {
                dense.put(prefix + k, floats(v));
            }
        });
    }

    private static Map<String, INDArray> zeroed(Map<String, INDArray> g, EagerEncoder encoder) {
        if (g == null) {
            return encoder.zeroGradients();
        }
        g.values().forEach(a -> a.assign(0));
        return g;
    }

    private static float[] floats(INDArray a) {
        return HostArrays.floats(a);
    }
}
