package org.sentence4j.trainer.step;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.bert.DropoutMasks;
import org.sentence4j.graphs.eager.Arena;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.eager.SectionTimer;
import org.sentence4j.graphs.sd.SessionMemory;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.DecoderLoss;
import org.sentence4j.losses.GradientCachedLoss;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.StepInputs;
import org.sentence4j.losses.TwoTowerLoss;

/**
 * The training computation of one loss on one encoder: an encoder pass (with dropout) per input column, the
 * loss fragment on their sentence embeddings (and per-layer or guide embeddings when the loss asks for
 * them), and the way back. {@link #step} runs forward and backward on a batch and returns the loss, its
 * components and every gradient.
 *
 * <p>The encoder runs eagerly ({@link EagerEncoder}: direct ND4J calls with a hand-written backward pass,
 * several times faster than the SameDiff graph on 1.0.0-M2.1 and tested to give the same gradients); the
 * loss is a SameDiff fragment in a small graph of its own whose inputs are the embeddings. A step is: forward
 * each column keeping its activations, forward and backward the loss graph to get the loss's gradient with
 * respect to each embedding (and to the loss's own parameters), then the encoder's backward pass per column.
 * The encoder's parameters are the live arrays of the {@link BertEncoder}, so what the optimizer updates is
 * what inference and saving see.
 *
 * <p>A loss that asks for GradCache ({@link GradientCachedLoss}, the Cached* losses) runs in three phases
 * instead ({@link GradCache}): embeddings chunk by chunk without keeping activations, the loss on the whole
 * batch, then every chunk again with its share of the embedding gradient. Memory then grows with the chunk
 * size, not the batch size, which is what makes large in-batch-negative batches fit.
 */
public final class TrainingGraph {

    /** Name prefix of the loss's own trainable parameters in {@link StepResult#gradients()}. */
    public static final String LOSS_PARAMETER_PREFIX = "loss/";

    private final BertEncoder encoder;
    private final EagerEncoder eager;
    private final SentenceLoss loss;
    private final String name;
    private final SameDiff sd = SameDiff.create();
    private final List<String> columnInputs = new ArrayList<>();
    /** [hidden state][column] inputs of a loss over layers (hidden states 0..L-1; the last is the columns). */
    private final List<List<String>> layerInputs = new ArrayList<>();
    private final SDVariable labels;
    private final List<SDVariable> guide = new ArrayList<>();
    private final StepInputs stepInputs = new StepInputs();
    private final LossOutput output;
    private final Map<String, String> lossParameters = new LinkedHashMap<>();
    private Map<String, INDArray> encoderGradients;
    /** Dropout masks of the columns, reused step after step (a step's masks are dead after its backward pass). */
    private final Arena maskBuffers = new Arena(org.nd4j.linalg.api.buffer.DataType.FLOAT);
    /** Set when the loss asks for GradCache execution (the Cached* losses). */
    private final GradCache gradCache;
    /** The tower and dataset column of each embedding column, for a two-tower loss (else null). */
    private final List<TwoTowerLoss.TowerInput> towers;
    /** A two-tower loss's copy of the encoder (upstream {@code model1}), trained as the loss's own parameters. */
    private final BertEncoder copy;
    private Map<String, INDArray> copyGradients;
    /** Set when the labels are derived from the token ids (ContrastiveTensionLoss without labels). */
    private final boolean labelsFromTokens;
    private final int dataColumns;
    /** Off while {@link #evaluate} runs a batch in evaluation mode. */
    private boolean dropout = true;
    /** The decoder path of a {@link DecoderLoss} (TSDAE), else null. */
    private final DecoderStep decoderStep;

    /**
     * @param encoder     the encoder to train
     * @param loss        the loss
     * @param name        a name for this training computation (one per dataset), used in messages
     * @param columns     number of input columns
     * @param labelShape  the labels' shape with -1 for the batch, or {@code null} without labels
     * @param guideWidth  width of the guide model's embeddings when the loss uses them, else 0
     */
    public TrainingGraph(BertEncoder encoder, SentenceLoss loss, String name, int columns, long[] labelShape, int guideWidth) {
        this.encoder = encoder;
        this.eager = encoder.eager();
        this.loss = loss;
        this.name = name;
        this.dataColumns = columns;
        if (loss instanceof DecoderLoss decoderLoss) {
            // a model-level loss: no embedding fragment, the decoder path runs instead (labels are ignored)
            this.decoderStep = new DecoderStep(encoder, decoderLoss, name, columns);
            this.towers = null;
            this.copy = null;
            this.labelsFromTokens = false;
            this.labels = null;
            this.gradCache = null;
            this.output = null;
            return;
        }
        this.decoderStep = null;
        if (loss instanceof TwoTowerLoss twoTowers) {
            this.towers = List.copyOf(twoTowers.towerInputs(columns));
            // the copy is made once, from the model as training starts, as upstream's deepcopy in the loss's constructor
            this.copy = towers.stream().anyMatch(t -> t.tower() == TwoTowerLoss.Tower.COPY)
                    ? BertEncoder.builder(encoder.config()).weights(encoder.weights()).pooling(encoder.pooling())
                    .normalize(encoder.normalize()).dataType(encoder.dataType()).build()
                    : null;
            this.labelsFromTokens = labelShape == null && twoTowers.labelsFromIdenticalTokens();
            if (labelsFromTokens) {
                labelShape = new long[] {-1};
            }
            columns = towers.size();
        } else {
            this.towers = null;
            this.copy = null;
            this.labelsFromTokens = false;
        }
        int dim = encoder.embeddingDimension();
        // SameDiff returns gradients only for placeholders on a path to a variable: each input is multiplied by one
        SDVariable one = sd.var("one", Nd4j.scalar(encoder.dataType(), 1.0));
        List<SDVariable> embeddings = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            embeddings.add(input("column" + c, dim, one, columnInputs));
            shapes.add(new long[] {-1, dim});
        }
        LossInputs.Builder in = LossInputs.builder(sd).columns(embeddings, shapes).stepInputs(stepInputs);
        if (labelShape != null) {
            labels = sd.placeHolder("labels", encoder.dataType(), labelShape);
            in.labels(labels, labelShape);
        } else {
            labels = null;
        }
        if (loss.usesLayerEmbeddings()) {
            List<List<SDVariable>> layers = new ArrayList<>();
            for (int h = 0; h < encoder.config().numHiddenLayers(); h++) {
                List<SDVariable> perColumn = new ArrayList<>();
                List<String> names = new ArrayList<>();
                for (int c = 0; c < columns; c++) {
                    perColumn.add(input("hidden" + h + "/column" + c, dim, one, names));
                }
                layers.add(perColumn);
                layerInputs.add(names);
            }
            layers.add(embeddings);
            in.layerEmbeddings(layers);
        }
        if (loss.usesGuideEmbeddings()) {
            if (guideWidth <= 0) {
                throw new LossInputException(loss.name() + " needs a guide model; give the trainer one.");
            }
            for (int c = 0; c < columns; c++) {
                guide.add(sd.placeHolder("guide" + c, encoder.dataType(), -1, guideWidth));
            }
            in.guideEmbeddings(guide);
        }
        if (towers != null && (loss.usesLayerEmbeddings() || loss instanceof GradientCachedLoss c && c.usesGradientCache())) {
            throw new LossInputException(loss.name() + ": a two-tower loss cannot also ask for per-layer embeddings or GradCache.");
        }
        this.gradCache = loss instanceof GradientCachedLoss cached && cached.usesGradientCache()
                ? new GradCache(encoder.config(), encoder.dataType(), cached.miniBatchSize(), cached.miniBatchNumTokens(),
                        cached.showProgressBar())
                : null;
        this.output = loss.build(in.build());
        output.parameters().forEach((k, v) -> lossParameters.put(LOSS_PARAMETER_PREFIX + k, v.name()));
        sd.setLossVariables(output.total().name());
    }

    private SDVariable input(String inputName, int dim, SDVariable one, List<String> names) {
        names.add(inputName);
        return sd.placeHolder(inputName, encoder.dataType(), -1, dim).mul(one);
    }

    /** The loss. */
    public SentenceLoss loss() {
        return loss;
    }

    /** Number of dataset (text) columns a step takes. */
    public int columns() {
        return dataColumns;
    }

    /**
     * Every trainable array, by name (encoder tensors under Hugging Face names, the loss's own under
     * {@code loss/<name>}): what the optimizer updates in place.
     */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> p = new LinkedHashMap<>();
        for (String n : BertTensorNames.names(encoder.config())) {
            p.put(n, encoder.sameDiff().getArrForVarName(encoder.variableName(n)));
        }
        lossParameters.forEach((k, v) -> p.put(k, sd.getArrForVarName(v)));
        if (decoderStep != null) {
            decoderStep.parameters().forEach((k, v) -> p.put(LOSS_PARAMETER_PREFIX + DecoderLoss.DECODER_PREFIX + k, v));
        }
        if (copy != null) {
            for (String n : BertTensorNames.names(copy.config())) {
                p.put(copyName(n), copy.sameDiff().getArrForVarName(copy.variableName(n)));
            }
        }
        return p;
    }

    /** The name of a copy-tower parameter among the trainable arrays: {@code loss/model1.<Hugging Face name>}. */
    public static String copyName(String hfName) {
        return LOSS_PARAMETER_PREFIX + TwoTowerLoss.COPY_PREFIX + hfName;
    }

    /**
     * Forward and backward on one batch. The returned encoder gradients are reused by the next step: copy
     * them to keep them.
     *
     * @param columns     one token batch per input column, all with the same number of rows
     * @param labelValues the labels, or {@code null}
     * @param guideValues the guide model's embeddings per column, when the loss uses them
     * @param dropoutSeed seed of this step's dropout masks (a different one per step; the same replays it)
     * @param rng         draws the loss's per-step inputs (sampled Matryoshka dims, layers)
     */
    public StepResult step(List<TokenBatch> columns, INDArray labelValues, List<INDArray> guideValues, long dropoutSeed,
                           Random rng) {
        if (columns.size() != dataColumns) {
            throw new LossInputException(loss.name() + " was set up for " + dataColumns + " input columns, but the batch has "
                    + columns.size() + ".");
        }
        if (decoderStep != null) {
            SessionMemory.beforeStep();
            return decoderStep.step(columns, dropoutSeed, dropout);
        }
        labelValues = labelsFromTokens(columns, labelValues);
        SessionMemory.beforeStep();
        int numLayers = encoder.config().numHiddenLayers();
        boolean layers = loss.usesLayerEmbeddings();
        List<EagerEncoder.Pass> passes = new ArrayList<>();
        Map<String, INDArray> feed = new HashMap<>();
        List<List<GradCache.Chunk>> chunks = new ArrayList<>();
        List<EagerEncoder> passEncoders = new ArrayList<>();
        for (int c = 0; c < columnInputs.size(); c++) {
            TokenBatch tokens = columns.get(towers == null ? c : towers.get(c).dataColumn());
            EagerEncoder columnEncoder = towers != null && towers.get(c).tower() == TwoTowerLoss.Tower.COPY ? copy.eager() : eager;
            if (gradCache != null) {
                // GradCache, first pass: embeddings chunk by chunk, no activations kept
                List<GradCache.Chunk> parts = gradCache.chunks(tokens, columnSeed(dropoutSeed, c));
                chunks.add(parts);
                feed.put(columnInputs.get(c), gradCache.embed(eager, parts, tokens.batchSize()));
                continue;
            }
            SectionTimer.mark("step.other");
            String column = "column" + c + "/";
            DropoutMasks masks = !dropout ? DropoutMasks.none()
                    : DropoutMasks.sampleRealTokens(encoder.config(), numLayers, 0, tokens, columnSeed(dropoutSeed, c),
                    encoder.dataType(), (site, shape) -> maskBuffers.get(column + site, shape));
            SectionTimer.mark("step.dropout_masks");
            EagerEncoder.Pass pass = columnEncoder.forward(name + "/column" + c, tokens, numLayers, masks, true, layers);
            passes.add(pass);
            passEncoders.add(columnEncoder);
            feed.put(columnInputs.get(c), pass.sentenceEmbedding());
            for (int h = 0; h < layerInputs.size(); h++) {
                feed.put(layerInputs.get(h).get(c), pass.layerEmbeddings().get(h));
            }
        }
        List<INDArray> columnEmbeddings = new ArrayList<>();
        for (String in : columnInputs) {
            columnEmbeddings.add(feed.get(in));
        }
        List<List<INDArray>> layerEmbeddings = new ArrayList<>();
        for (List<String> hidden : layerInputs) {
            List<INDArray> perColumn = new ArrayList<>();
            hidden.forEach(n -> perColumn.add(feed.get(n)));
            layerEmbeddings.add(perColumn);
        }
        SectionTimer.mark("step.other");
        LossGradients lg = lossGradients(columnEmbeddings, layerEmbeddings, labelValues, guideValues, rng);
        SectionTimer.mark("step.loss");

        encoderGradients = zeroed(encoderGradients, eager);
        if (copy != null) {
            copyGradients = zeroed(copyGradients, copy.eager());
        }
        SectionTimer.mark("step.zero_gradients");
        for (int c = 0; c < chunks.size(); c++) {
            // GradCache, second pass: each chunk again with the same dropout, back-propagating its rows' gradient
            gradCache.backward(eager, chunks.get(c), lg.columnGradients().get(c), encoderGradients);
        }
        for (int c = 0; c < passes.size(); c++) {
            List<INDArray> dLayers = new ArrayList<>();
            for (List<INDArray> hidden : lg.layerGradients()) {
                dLayers.add(hidden.get(c));
            }
            EagerEncoder.Pass pass = passes.get(c);
            EagerEncoder columnEncoder = passEncoders.get(c);
            columnEncoder.backward(pass, lg.columnGradients().get(c), dLayers,
                    columnEncoder == eager ? encoderGradients : copyGradients);
        }
        Map<String, INDArray> named = new LinkedHashMap<>(encoderGradients);
        if (copyGradients != null) {
            copyGradients.forEach((k, v) -> named.put(copyName(k), v));
        }
        named.putAll(lg.lossParameterGradients());
        return new StepResult(lg.loss(), lg.components(), named);
    }

    /**
     * What the loss fragment gives for a batch's embeddings: the loss, its components, its gradient with respect
     * to every embedding input (zeros where an input does not reach the loss) and to the loss's own parameters.
     *
     * @param columnGradients        per loss column, [rows, dim]
     * @param layerGradients         per hidden state then per loss column (empty unless the loss uses layers)
     * @param lossParameterGradients by {@code loss/<name>}
     */
    public record LossGradients(double loss, Map<String, Double> components, List<INDArray> columnGradients,
                                List<List<INDArray>> layerGradients, Map<String, INDArray> lossParameterGradients) {
    }

    /**
     * The loss fragment alone, forward and backward, on embeddings computed elsewhere (by {@link #step}, or by
     * the tasks of a distributed step): the middle of a step, between the encoder's forward and backward passes.
     *
     * @param columnEmbeddings one [rows, dim] per loss column ({@link #lossColumns()})
     * @param layerEmbeddings  per hidden state 0..L-1, one [rows, dim] per loss column, when
     *                         {@link SentenceLoss#usesLayerEmbeddings()}; else empty
     * @param labelValues      the labels, or null (a two-tower loss that reads labels from token identity gets
     *                         them from {@link #labelsFromTokens(List, INDArray)} first)
     * @param guideValues      the guide's embeddings per loss column when the loss uses them
     * @param rng              draws the loss's per-step inputs (sampled Matryoshka dims, layers)
     */
    public LossGradients lossGradients(List<INDArray> columnEmbeddings, List<List<INDArray>> layerEmbeddings,
                                       INDArray labelValues, List<INDArray> guideValues, Random rng) {
        if (decoderStep != null) {
            throw new IllegalStateException(loss.name() + " is a decoder loss: it has no loss fragment on embeddings");
        }
        if (columnEmbeddings.size() != columnInputs.size() || layerEmbeddings.size() != layerInputs.size()) {
            throw new LossInputException(loss.name() + " takes " + columnInputs.size() + " embedding column(s) and "
                    + layerInputs.size() + " hidden state(s), got " + columnEmbeddings.size() + " and " + layerEmbeddings.size() + ".");
        }
        Map<String, INDArray> feed = new HashMap<>();
        for (int c = 0; c < columnInputs.size(); c++) {
            feed.put(columnInputs.get(c), columnEmbeddings.get(c));
        }
        for (int h = 0; h < layerInputs.size(); h++) {
            for (int c = 0; c < columnInputs.size(); c++) {
                feed.put(layerInputs.get(h).get(c), layerEmbeddings.get(h).get(c));
            }
        }
        if (labels != null) {
            if (labelValues == null) {
                throw new LossInputException(loss.name() + " needs labels, but the batch has none.");
            }
            feed.put(labels.name(), labelValues.castTo(encoder.dataType()));
        }
        for (int c = 0; c < guide.size(); c++) {
            feed.put(guide.get(c).name(), guideValues.get(c).castTo(encoder.dataType()));
        }
        feed.putAll(stepInputs.sample(rng));

        Set<String> outputs = new LinkedHashSet<>();
        outputs.add(output.total().name());
        output.components().values().forEach(v -> outputs.add(v.name()));
        List<String> wanted = new ArrayList<>(columnInputs);
        layerInputs.forEach(wanted::addAll);
        wanted.addAll(lossParameters.values());
        OutAndGrad r = SessionMemory.gradientsAndOutputs(sd, feed, new ArrayList<>(outputs), wanted);
        Map<String, INDArray> g = r.getGradients();
        List<INDArray> dColumns = new ArrayList<>();
        for (int c = 0; c < columnInputs.size(); c++) {
            INDArray d = g.get(columnInputs.get(c));
            dColumns.add(d != null ? d : Nd4j.zerosLike(columnEmbeddings.get(c)));
        }
        List<List<INDArray>> dLayers = new ArrayList<>();
        for (int h = 0; h < layerInputs.size(); h++) {
            List<INDArray> perColumn = new ArrayList<>();
            for (int c = 0; c < columnInputs.size(); c++) {
                INDArray d = g.get(layerInputs.get(h).get(c));
                perColumn.add(d != null ? d : Nd4j.zerosLike(layerEmbeddings.get(h).get(c)));
            }
            dLayers.add(perColumn);
        }
        Map<String, INDArray> paramGrads = new LinkedHashMap<>();
        lossParameters.forEach((k, v) -> {
            INDArray grad = g.get(v);
            paramGrads.put(k, grad != null ? grad : Nd4j.zerosLike(sd.getArrForVarName(v)));
        });
        Map<String, Double> comps = new LinkedHashMap<>();
        output.components().forEach((k, v) -> comps.put(k, r.getOutputs().get(v.name()).getDouble(0)));
        return new LossGradients(r.getOutputs().get(output.total().name()).getDouble(0), comps, dColumns, dLayers, paramGrads);
    }

    /** Hidden states whose pooled embeddings the loss reads besides the last (0 unless it uses per-layer inputs). */
    public int layerInputCount() {
        return layerInputs.size();
    }

    /** Number of embedding inputs of the loss (a two-tower loss reads a dataset column once per tower). */
    public int lossColumns() {
        return columnInputs.size();
    }

    /** The dataset (text) column that loss column {@code c} embeds. */
    public int dataColumnOf(int c) {
        return towers == null ? c : towers.get(c).dataColumn();
    }

    /** Whether loss column {@code c} is embedded by a two-tower loss's copy of the encoder (else by the model). */
    public boolean copyTowerOf(int c) {
        return towers != null && towers.get(c).tower() == TwoTowerLoss.Tower.COPY;
    }

    /** A two-tower loss's copy of the encoder (upstream's {@code model1}), or null. */
    public BertEncoder copyEncoder() {
        return copy;
    }

    /**
     * What the decoder of a decoder loss (TSDAE) gives for sentence embeddings computed elsewhere: the loss, its
     * gradient with respect to the embeddings, and the parameter gradients the decoder produces itself, by the
     * names of {@link StepResult#gradients()} (with tied weights this includes the shared encoder tensors, e.g.
     * the word embeddings; these add to what the encoder's backward pass gives).
     */
    public record DecoderGradients(double loss, INDArray embeddingGradient, Map<String, INDArray> parameterGradients) {
    }

    /**
     * The decoder loss's part of a step on embeddings of its encoder column ({@link #decoderEncoderColumn()})
     * computed elsewhere; the returned arrays are fresh.
     *
     * @param columns the batch's token columns (the target column is read)
     */
    public DecoderGradients decoderGradients(List<TokenBatch> columns, INDArray embeddings, long dropoutSeed) {
        if (decoderStep == null) {
            throw new IllegalStateException(loss.name() + " is not a decoder loss");
        }
        Map<String, INDArray> tied = eager.zeroGradients();
        DecoderStep.Decoded d = decoderStep.decode(columns.get(((DecoderLoss) loss).targetColumn()), embeddings, dropoutSeed,
                dropout, tied);
        Map<String, INDArray> named = new LinkedHashMap<>();
        tied.forEach((k, v) -> {
            if (v.amaxNumber().doubleValue() != 0) {
                named.put(k, v);
            }
        });
        d.ownGradients().forEach((k, v) -> named.put(k, v.dup()));
        return new DecoderGradients(d.loss(), d.dMemory(), named);
    }

    /** The column a decoder loss embeds (the damaged sentence). */
    public int decoderEncoderColumn() {
        return ((DecoderLoss) loss).encoderColumn();
    }

    /** Whether this is a decoder loss's step (TSDAE), which has no loss fragment on embeddings. */
    public boolean isDecoderLoss() {
        return decoderStep != null;
    }

    /** Whether dropout is on (off while {@link #evaluate} runs). */
    public boolean dropoutOn() {
        return dropout;
    }

    /**
     * The labels of a batch: the given ones, or, for ContrastiveTensionLoss without labels, 1 where the two
     * columns' tokens are identical.
     */
    public INDArray labelsFromTokens(List<TokenBatch> columns, INDArray labelValues) {
        return labelsFromTokens && labelValues == null ? identicalTokenLabels(columns.get(0), columns.get(1)) : labelValues;
    }

    /**
     * An encoder's gradient arrays set to zero for a new step: the arrays of the last step, reused, or new ones
     * the first time (a fresh set per step would cost MiniLM's 90 MB of allocation each step).
     */
    static Map<String, INDArray> zeroed(Map<String, INDArray> gradients, EagerEncoder encoder) {
        if (gradients == null) {
            return encoder.zeroGradients();
        }
        gradients.values().forEach(a -> a.assign(0));
        return gradients;
    }

    /**
     * ContrastiveTensionLoss's labels when the data has none (v6): 1 where the two columns' token ids agree over
     * their non-padding positions (the attention masks must agree too), else 0.
     */
    static INDArray identicalTokenLabels(TokenBatch a, TokenBatch b) {
        long[][] idsA = a.inputIds().castTo(org.nd4j.linalg.api.buffer.DataType.INT64).toLongMatrix();
        long[][] idsB = b.inputIds().castTo(org.nd4j.linalg.api.buffer.DataType.INT64).toLongMatrix();
        long[][] maskA = a.attentionMask().castTo(org.nd4j.linalg.api.buffer.DataType.INT64).toLongMatrix();
        long[][] maskB = b.attentionMask().castTo(org.nd4j.linalg.api.buffer.DataType.INT64).toLongMatrix();
        float[] labels = new float[idsA.length];
        for (int r = 0; r < idsA.length; r++) {
            labels[r] = realTokens(idsA[r], maskA[r]).equals(realTokens(idsB[r], maskB[r])) ? 1f : 0f;
        }
        return Nd4j.createFromArray(labels);
    }

    private static List<Long> realTokens(long[] ids, long[] mask) {
        List<Long> out = new ArrayList<>();
        for (int t = 0; t < ids.length; t++) {
            if (mask[t] != 0) {
                out.add(ids[t]);
            }
        }
        return out;
    }

    /**
     * The dropout seed of column {@code c} of a step. The plain step and GradCache's chunks both draw from it
     * (the chunks with their row offsets), so both drop the same units of the same rows.
     */
    public static long columnSeed(long dropoutSeed, int c) {
        return dropoutSeed * 31 + c;
    }

    /**
     * The loss of a batch in evaluation mode, as Hugging Face's {@code eval_loss}: the same computation with
     * dropout off (and the loss's own parameters as they are); nothing is updated.
     */
    public double evaluate(List<TokenBatch> columns, INDArray labelValues, List<INDArray> guideValues) {
        dropout = false;
        if (gradCache != null) {
            gradCache.dropout(false);
        }
        try {
            return step(columns, labelValues, guideValues, 0L, new Random(0)).loss();
        } finally {
            dropout = true;
            if (gradCache != null) {
                gradCache.dropout(true);
            }
        }
    }

    /** The loss fragment's own graph (inputs: the embeddings), for profiling. */
    public SameDiff lossGraph() {
        return sd;
    }
}
