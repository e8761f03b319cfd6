package org.sentence4j.graphs.bert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.eager.FastRoute;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.sd.SessionMemory;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * A BERT-family encoder (Hugging Face {@code BertModel} without the pooler) followed by
 * sentence-transformers' Pooling and optional Normalize, as a SameDiff graph with dynamic batch size and
 * sequence length.
 *
 * <p>The parameters are SameDiff VARIABLES named with the Hugging Face tensor names (optionally behind a
 * {@link Builder#scope scope}), in PyTorch layout, so weights go in and come out ({@link #weights()})
 * unchanged. The encoder lives in one SameDiff graph: its own, or the trainer's ({@link Builder#graph}),
 * so that encoder and loss form one graph. Each {@link #build} adds one instance of the forward pass
 * (e.g. one per text column) that shares the parameters.
 *
 * <p>Why the word embeddings are looked up outside the graph: SameDiff 1.0.0-M2.1's {@code gather} has a
 * crashing or wrong backward pass. The ids are turned into rows eagerly ({@link #lookup}), the rows are
 * fed as a placeholder, and the table's gradient is the eager scatter-add of that placeholder's gradient
 * ({@link #wordEmbeddingGradient}). The table is still a graph variable, so it is saved and updated like
 * the others; it just gets its gradient from here instead of from {@code calculateGradients}.
 *
 * <p>Dropout masks come from outside as well ({@link DropoutMasks}); an inference graph has none.
 *
 * <p>Threads: {@link #embed}, {@link #embedAllLayers} and {@link #tokenEmbeddings} may be called from many
 * threads at once. On the eager encoder (the default) they run side by side, each pass in buffers of its own
 * ({@link EagerEncoder}); through the graph ({@code -Dsentence4j.encoder.graph=true}) they take turns on a
 * lock: the first call builds the inference branch into the graph, and sentence4j does not rely on SameDiff
 * 1.0.0-M2.1 running one graph from several threads (it keeps a session per thread, but the ops are shared
 * objects and {@link SessionMemory} closes a session's leftovers after each run); the graph is the reference
 * route, kept for comparison, not for speed. Training (gradients, {@link #loadWeights}, the optimizer writing
 * the parameters) is for one thread, and inference during it would see the weights of the moment.
 */
public final class BertEncoder {

    static {
        // before ND4J's natives load: they read their settings from the environment once (see NativeSettings)
        org.sentence4j.graphs.runtime.NativeSettings.apply();
    }

    /**
     * With {@code -Dsentence4j.encoder.graph=true} inference runs the SameDiff graph instead of the eager
     * encoder (same numbers, slower): a switch for comparing the two.
     */
    private static final boolean USE_GRAPH = Boolean.getBoolean("sentence4j.encoder.graph");

    /** Prefix of the inference branch that {@link #embed} builds on first use. */
    public static final String INFERENCE_PREFIX = "inference/";

    private final BertConfig config;
    private final PoolingConfig pooling;
    private final boolean normalize;
    private final DataType dataType;
    private final SameDiff sd;
    private final String scope;
    /** Tensors of the checkpoint that the graph does not use (e.g. the pooler), returned as they came. */
    private final Map<String, INDArray> unused = new LinkedHashMap<>();
    /** Guarded by {@link #graphLock}. */
    private EncoderGraph inference;
    /** Inference through the graph takes turns on this lock (see the class comment). */
    private final Object graphLock = new Object();
    private volatile EagerEncoder eager;

    private BertEncoder(Builder b) {
        this.config = b.config;
        this.pooling = b.pooling != null ? b.pooling : PoolingConfig.of(config.hiddenSize(), PoolingMode.MEAN);
        this.normalize = b.normalize;
        this.dataType = b.dataType;
        this.sd = b.graph != null ? b.graph : SameDiff.create();
        this.scope = b.scope;
        if (!"gelu".equals(config.hiddenAct())) {
            throw new IllegalArgumentException("hidden_act '" + config.hiddenAct() + "' is not supported; only the exact (erf) 'gelu' is.");
        }
        if (pooling.embeddingDimension() != config.hiddenSize()) {
            throw new IllegalArgumentException("pooling word_embedding_dimension " + pooling.embeddingDimension()
                    + " differs from the encoder's hidden_size " + config.hiddenSize());
        }
        if (!dataType.isFPType()) {
            throw new IllegalArgumentException("the encoder computes in a floating-point type, not " + dataType);
        }
        BertWeights weights = b.weights != null ? b.weights : BertInitializer.huggingFace(config, b.seed);
        Map<String, long[]> shapes = BertTensorNames.shapes(config);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            INDArray t = checked(weights, e.getKey(), e.getValue());
            if (sd.hasVariable(variableName(e.getKey()))) {
                throw new IllegalArgumentException("the graph already has a variable '" + variableName(e.getKey())
                        + "'; give this encoder another scope");
            }
            sd.var(variableName(e.getKey()), t.castTo(dataType).dup());
        }
        for (String name : weights.names()) {
            if (!shapes.containsKey(name)) {
                unused.put(name, weights.get(name));
            }
        }
    }

    /** A builder for an encoder of that architecture. */
    public static Builder builder(BertConfig config) {
        return new Builder(config);
    }

    // ---------------------------------------------------------------- graph

    /** {@link #build(String, int, boolean)} with every layer. */
    public EncoderGraph build(String prefix, boolean training) {
        return build(prefix, config.numHiddenLayers(), training);
    }

    /**
     * Adds one forward pass of the encoder to its graph: placeholders and activations named
     * {@code prefix + ...}, the shared parameter variables.
     *
     * @param prefix    distinct per instance, e.g. {@code "anchor/"}
     * @param numLayers run only the first {@code numLayers} transformer layers (0 = embeddings only)
     * @param training  with dropout-mask placeholders (fed from {@link #sampleDropout}); without them
     *                  the pass is the inference computation
     */
    public EncoderGraph build(String prefix, int numLayers, boolean training) {
        Objects.requireNonNull(prefix, "prefix");
        config.checkLayerCount(numLayers);
        if (config.architecture() != EncoderArchitecture.BERT || !config.dense().isEmpty()) {
            throw new UnsupportedOperationException("the SameDiff reference graph is built for BERT without Dense modules "
                    + "only; a " + config.architecture().modelClass() + (config.dense().isEmpty() ? "" : " with Dense")
                    + " runs on the eager encoder (leave -Dsentence4j.encoder.graph unset)");
        }
        if (sd.hasVariable(prefix + "input_embeddings")) {
            throw new IllegalArgumentException("the graph already has an encoder pass with prefix '" + prefix + "'");
        }
        return new BertGraphBuilder(sd, config, n -> sd.getVariable(variableName(n)), dataType, prefix)
                .build(numLayers, training, pooling, normalize);
    }

    /**
     * The placeholder values of {@code graph} for a batch: the looked-up word embeddings, the mask as
     * floating point, the token types, and the dropout masks of a training graph ({@link DropoutMasks#none()}
     * for an inference graph).
     */
    public Map<String, INDArray> feed(EncoderGraph graph, TokenBatch batch, DropoutMasks masks) {
        config.checkBatch(batch);
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(graph.inputEmbeddings().name(), rows(batch.inputIds()));
        feed.put(graph.attentionMask().name(), batch.attentionMask().castTo(dataType));
        feed.put(graph.tokenTypeIds().name(), batch.tokenTypeIds().castTo(DataType.INT64));
        if (!graph.training() && !masks.asMap().isEmpty()) {
            throw new IllegalArgumentException("the encoder pass '" + graph.prefix() + "' was built without dropout; feed DropoutMasks.none()");
        }
        if (graph.training()) {
            masks.checkShapes(config, graph.numLayers(), batch.batchSize(), batch.sequenceLength());
            FastRoute.writtenOnHost(masks.asMap().values()); // drawn through host views; a device backend must copy them
        }
        for (Map.Entry<String, SDVariable> site : graph.dropoutInputs().entrySet()) {
            feed.put(site.getValue().name(), masks.get(site.getKey()).castTo(dataType));
        }
        return feed;
    }

    /** Draws the dropout masks of {@code graph} for a batch (a training graph; empty otherwise). */
    public DropoutMasks sampleDropout(EncoderGraph graph, TokenBatch batch, long seed) {
        if (!graph.training()) {
            return DropoutMasks.none();
        }
        return DropoutMasks.sample(config, graph.numLayers(), batch.batchSize(), batch.sequenceLength(), seed, dataType);
    }

    /** The word-embedding rows of the ids [B, T], as [B, T, H]: the eager lookup that replaces gather. */
    public INDArray lookup(INDArray inputIds) {
        BertConfig.requireInRange("token id", inputIds, config.vocabSize());
        return rows(inputIds);
    }

    /** {@link #lookup} of ids already checked. */
    private INDArray rows(INDArray inputIds) {
        INDArray flat = inputIds.castTo(DataType.INT64).reshape(-1);
        INDArray rows = Nd4j.exec(new Gather(wordEmbeddings(), flat, 0))[0];
        return rows.reshape(inputIds.size(0), inputIds.size(1), config.hiddenSize());
    }

    /**
     * The gradient of the word-embedding table [V, H] given the gradient of a pass's
     * {@link EncoderGraph#inputEmbeddings} placeholder [B, T, H]: each row's gradient added to its id's row
     * (repeated ids accumulate). Sum over the passes (columns) that share the table.
     */
    public INDArray wordEmbeddingGradient(INDArray inputIds, INDArray inputEmbeddingGradient) {
        INDArray table = Nd4j.zeros(dataType, config.vocabSize(), config.hiddenSize());
        long[] ids = inputIds.castTo(DataType.INT64).reshape(-1).toLongVector();
        EagerEncoder.scatterAddRows(table, ids, inputEmbeddingGradient.castTo(dataType).reshape(ids.length, config.hiddenSize()));
        return table;
    }

    /** {@link #gradients(List, Map)} for a graph with a single encoder pass. */
    public Map<String, INDArray> gradients(EncoderGraph graph, TokenBatch batch, DropoutMasks masks,
                                           Map<String, INDArray> otherPlaceholders) {
        return gradients(List.of(new EncoderFeed(graph, batch, masks)), otherPlaceholders);
    }

    /**
     * The gradient of the graph's loss variable(s) with respect to every parameter, under Hugging Face
     * names: SameDiff's backward pass for all but the word embeddings, and for those the scatter-add of
     * each pass's input gradient, summed over the passes (columns) that share the table. Parameters the
     * loss does not reach (layers beyond a pass's {@code numLayers}) get zeros. The loss must already be
     * set ({@code sd.setLossVariables}).
     *
     * @param passes            every encoder pass the loss depends on, with its batch and masks
     * @param otherPlaceholders values of the loss's own placeholders (labels...), may be empty
     */
    public Map<String, INDArray> gradients(List<EncoderFeed> passes, Map<String, INDArray> otherPlaceholders) {
        return gradients(passes, otherPlaceholders, List.of());
    }

    /**
     * {@link #gradients(List, Map)}, plus the gradients of other graph variables (e.g. a loss's own
     * parameters such as SoftmaxLoss's classifier), returned under their graph names.
     */
    public Map<String, INDArray> gradients(List<EncoderFeed> passes, Map<String, INDArray> otherPlaceholders,
                                           List<String> otherVariables) {
        Map<String, INDArray> feed = new HashMap<>(otherPlaceholders);
        feed.putAll(feed(passes));
        Map<String, INDArray> raw = SessionMemory.gradientsAndOutputs(sd, feed, List.of(), gradientRequests(passes, otherVariables))
                .getGradients();
        return collectGradients(raw, passes, otherVariables);
    }

    /** The placeholder values of several encoder passes together. */
    public Map<String, INDArray> feed(List<EncoderFeed> passes) {
        Map<String, INDArray> feed = new HashMap<>();
        for (EncoderFeed p : passes) {
            feed.putAll(feed(p.graph(), p.batch(), p.masks()));
        }
        return feed;
    }

    /**
     * The graph variables whose gradients SameDiff must compute for these passes: every parameter but the
     * word embeddings, each pass's looked-up input embeddings, and {@code otherVariables}.
     */
    public List<String> gradientRequests(List<EncoderFeed> passes, List<String> otherVariables) {
        List<String> wanted = new ArrayList<>(graphParameterVariables());
        for (EncoderFeed p : passes) {
            wanted.add(p.graph().inputEmbeddings().name());
        }
        wanted.addAll(otherVariables);
        return wanted;
    }

    /**
     * Turns SameDiff's raw gradients (for {@link #gradientRequests}) into gradients under Hugging Face names,
     * the word embeddings' from the scatter-add of each pass's input gradient, plus {@code otherVariables}'
     * under their graph names; zeros where the loss does not reach.
     */
    public Map<String, INDArray> collectGradients(Map<String, INDArray> raw, List<EncoderFeed> passes,
                                                  List<String> otherVariables) {
        Map<String, INDArray> result = new LinkedHashMap<>();
        for (String name : BertTensorNames.names(config)) {
            INDArray g = null;
            if (name.equals(BertTensorNames.WORD_EMBEDDINGS)) {
                for (EncoderFeed p : passes) {
                    INDArray input = raw.get(p.graph().inputEmbeddings().name());
                    if (input != null) {
                        INDArray part = wordEmbeddingGradient(p.batch().inputIds(), input);
                        g = g == null ? part : g.addi(part);
                    }
                }
            } else {
                g = raw.get(variableName(name));
            }
            result.put(name, g != null ? g : Nd4j.zeros(dataType, sd.getArrForVarName(variableName(name)).shape()));
        }
        for (String v : otherVariables) {
            INDArray g = raw.get(v);
            result.put(v, g != null ? g : Nd4j.zeros(sd.getArrForVarName(v).dataType(), sd.getArrForVarName(v).shape()));
        }
        return result;
    }

    // ---------------------------------------------------------------- inference

    /** Sentence embeddings [B, D] of a batch (inference: no dropout, every layer). */
    public INDArray embed(TokenBatch batch) {
        return embed(batch, config.numHiddenLayers());
    }

    /** Sentence embeddings [B, D] from the hidden state after the first {@code numLayers} layers. */
    public INDArray embed(TokenBatch batch, int numLayers) {
        config.checkLayerCount(numLayers);
        if (!USE_GRAPH) {
            return eager().forward("inference", batch, numLayers, DropoutMasks.none(), false, false).sentenceEmbedding();
        }
        if (batch.promptLength() > 0) {
            throw new UnsupportedOperationException("include_prompt = false (prompt tokens left out of pooling) runs on the"
                    + " eager encoder only, not with -Dsentence4j.encoder.graph=true");
        }
        synchronized (graphLock) {
            String name = inferenceGraph().layerEmbeddings().get(numLayers).name();
            return SessionMemory.output(sd, feed(inferenceGraph(), batch, DropoutMasks.none()), name).get(name);
        }
    }

    /** The pooled embedding [B, D] of every hidden state (index 0 = embedding layer, last = {@link #embed}). */
    public List<INDArray> embedAllLayers(TokenBatch batch) {
        if (!USE_GRAPH) {
            return eager().forward("inference", batch, config.numHiddenLayers(), DropoutMasks.none(), false, true)
                    .layerEmbeddings();
        }
        synchronized (graphLock) {
            EncoderGraph g = inferenceGraph();
            String[] names = g.layerEmbeddings().stream().map(SDVariable::name).toArray(String[]::new);
            Map<String, INDArray> out = SessionMemory.output(sd, feed(g, batch, DropoutMasks.none()), names);
            List<INDArray> result = new ArrayList<>();
            for (String n : names) {
                result.add(out.get(n));
            }
            return result;
        }
    }

    /** The last hidden state [B, T, H] (Hugging Face's {@code last_hidden_state}). */
    public INDArray tokenEmbeddings(TokenBatch batch) {
        if (!USE_GRAPH) {
            return eager().tokenEmbeddings(batch);
        }
        synchronized (graphLock) {
            String name = inferenceGraph().tokenEmbeddings().name();
            return SessionMemory.output(sd, feed(inferenceGraph(), batch, DropoutMasks.none()), name).get(name);
        }
    }

    /** The inference branch of the graph, built on first use; call with {@link #graphLock} held. */
    private EncoderGraph inferenceGraph() {
        if (inference == null) {
            inference = build(INFERENCE_PREFIX, false);
        }
        return inference;
    }

    /**
     * The same encoder as direct ND4J calls with a hand-written backward pass, on this encoder's live parameter
     * arrays (an update here is seen there and the other way round): what training and encoding run, being
     * several times faster than the graph on SameDiff 1.0.0-M2.1. The graph stays the reference it is tested
     * against.
     */
    public EagerEncoder eager() {
        EagerEncoder e = eager;
        if (e == null) {
            synchronized (this) {
                e = eager;
                if (e == null) {
                    e = new EagerEncoder(config, n -> sd.getArrForVarName(variableName(n)), pooling, normalize, dataType);
                    eager = e;
                }
            }
        }
        return e;
    }

    // ---------------------------------------------------------------- parameters

    /**
     * The current parameters (copies) under Hugging Face names, plus the unused checkpoint tensors (the pooler) as
     * they were given: no graph variable, no gradient, so training leaves them as read and the saver writes them back.
     */
    public BertWeights weights() {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (String name : BertTensorNames.names(config)) {
            tensors.put(name, sd.getArrForVarName(variableName(name)).dup());
        }
        tensors.putAll(unused);
        return new BertWeights(tensors);
    }

    /**
     * Overwrites the parameters in place (the variables keep their arrays), after checking every shape; the unused
     * tensors (the pooler) stay those the encoder was built with, whatever {@code weights} holds besides.
     */
    public void loadWeights(BertWeights weights) {
        Map<String, long[]> shapes = BertTensorNames.shapes(config);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            checked(weights, e.getKey(), e.getValue());
        }
        for (String name : shapes.keySet()) {
            sd.getArrForVarName(variableName(name)).assign(weights.get(name).castTo(dataType));
        }
    }

    /** The graph variable that holds a Hugging Face tensor. */
    public String variableName(String hfName) {
        return scope + hfName;
    }

    /** Variable names of the parameters whose gradient SameDiff computes (all but the word embeddings). */
    public List<String> graphParameterVariables() {
        List<String> names = new ArrayList<>();
        for (String n : BertTensorNames.names(config)) {
            if (!n.equals(BertTensorNames.WORD_EMBEDDINGS)) {
                names.add(variableName(n));
            }
        }
        return names;
    }

    private INDArray wordEmbeddings() {
        return sd.getArrForVarName(variableName(BertTensorNames.WORD_EMBEDDINGS));
    }

    private static INDArray checked(BertWeights weights, String name, long[] shape) {
        INDArray t = weights.get(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", the configuration needs " + Arrays.toString(shape));
        }
        return t;
    }

    public BertConfig config() {
        return config;
    }

    public PoolingConfig pooling() {
        return pooling;
    }

    public boolean normalize() {
        return normalize;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The graph that holds the parameters and every pass built by {@link #build}. */
    public SameDiff sameDiff() {
        return sd;
    }

    public String scope() {
        return scope;
    }

    /** Width of the sentence embedding. */
    public int embeddingDimension() {
        return config.dense().isEmpty() ? pooling.outputDimension() : config.dense().get(config.dense().size() - 1).out();
    }

    /** Options of a {@link BertEncoder}. */
    public static final class Builder {
        private final BertConfig config;
        private BertWeights weights;
        private long seed = 42L;
        private PoolingConfig pooling;
        private boolean normalize;
        private DataType dataType = DataType.FLOAT;
        private SameDiff graph;
        private String scope = "";

        private Builder(BertConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Pretrained parameters (Hugging Face names, PyTorch layout); without them, Hugging Face's initialisation. */
        public Builder weights(BertWeights weights) {
            this.weights = weights;
            return this;
        }

        /** Seed of the initialisation when no weights are given. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Pooling modes; default mean pooling. */
        public Builder pooling(PoolingConfig pooling) {
            this.pooling = pooling;
            return this;
        }

        /** L2-normalise the pooled embedding (a sentence-transformers {@code Normalize} module); default false. */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** FLOAT (default) or DOUBLE (gradient checks). */
        public Builder dataType(DataType dataType) {
            this.dataType = dataType;
            return this;
        }

        /** Put the parameters into an existing graph (the trainer's) instead of a new one. */
        public Builder graph(SameDiff graph) {
            this.graph = graph;
            return this;
        }

        /** Prefix of the parameter variables, for two encoders in one graph (e.g. {@code "guide/"}). */
        public Builder scope(String scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        public BertEncoder build() {
            return new BertEncoder(this);
        }
    }
}
