package org.sentence4j.trainer.step;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.bert.DropoutMasks;
import org.sentence4j.graphs.bert.EncoderFeed;
import org.sentence4j.graphs.bert.EncoderGraph;
import org.sentence4j.graphs.sd.SessionMemory;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.StepInputs;

/**
 * The training computation of one loss on one encoder, built once: an encoder pass (with dropout) per input
 * column, sharing the encoder's parameters, the loss fragment on their sentence embeddings (and per-layer
 * embeddings or guide embeddings when the loss asks for them), in the encoder's own graph. {@link #step}
 * runs forward and backward on a batch and returns the loss, its components and every gradient.
 *
 * <p>Living in the encoder's graph means there is one copy of the parameters: what the optimizer updates is
 * what inference and saving see.
 */
public final class TrainingGraph {

    /** Name prefix of the loss's own trainable parameters in {@link StepResult#gradients()}. */
    public static final String LOSS_PARAMETER_PREFIX = "loss/";

    private final BertEncoder encoder;
    private final SentenceLoss loss;
    private final SameDiff sd;
    private final List<EncoderGraph> passes = new ArrayList<>();
    private final SDVariable labels;
    private final List<SDVariable> guide = new ArrayList<>();
    private final StepInputs stepInputs = new StepInputs();
    private final LossOutput output;
    private final Map<String, String> lossParameters = new LinkedHashMap<>();

    /**
     * @param encoder     the encoder to train (its graph receives the passes and the loss)
     * @param loss        the loss
     * @param name        a name unique within the encoder's graph (one training graph per dataset)
     * @param columns     number of input columns
     * @param labelShape  the labels' shape with -1 for the batch, or {@code null} without labels
     * @param guideWidth  width of the guide model's embeddings when the loss uses them, else 0
     */
    public TrainingGraph(BertEncoder encoder, SentenceLoss loss, String name, int columns, long[] labelShape, int guideWidth) {
        this.encoder = encoder;
        this.loss = loss;
        this.sd = encoder.sameDiff();
        List<SDVariable> embeddings = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            EncoderGraph g = encoder.build(name + "/column" + c + "/", true);
            passes.add(g);
            embeddings.add(g.sentenceEmbedding());
            shapes.add(new long[] {-1, encoder.embeddingDimension()});
        }
        LossInputs.Builder in = LossInputs.builder(sd).columns(embeddings, shapes).stepInputs(stepInputs);
        if (labelShape != null) {
            labels = sd.placeHolder(name + "/labels", encoder.dataType(), labelShape);
            in.labels(labels, labelShape);
        } else {
            labels = null;
        }
        if (loss.usesLayerEmbeddings()) {
            List<List<SDVariable>> layers = new ArrayList<>();
            int hidden = passes.get(0).layerEmbeddings().size();
            for (int h = 0; h < hidden; h++) {
                List<SDVariable> perColumn = new ArrayList<>();
                for (EncoderGraph g : passes) {
                    perColumn.add(h == hidden - 1 ? g.sentenceEmbedding() : g.layerEmbeddings().get(h));
                }
                layers.add(perColumn);
            }
            in.layerEmbeddings(layers);
        }
        if (loss.usesGuideEmbeddings()) {
            if (guideWidth <= 0) {
                throw new LossInputException(loss.name() + " needs a guide model; give the trainer one.");
            }
            for (int c = 0; c < columns; c++) {
                guide.add(sd.placeHolder(name + "/guide" + c, encoder.dataType(), -1, guideWidth));
            }
            in.guideEmbeddings(guide);
        }
        this.output = loss.build(in.build());
        output.parameters().forEach((k, v) -> lossParameters.put(LOSS_PARAMETER_PREFIX + k, v.name()));
    }

    /** The loss. */
    public SentenceLoss loss() {
        return loss;
    }

    /** Number of input columns. */
    public int columns() {
        return passes.size();
    }

    /**
     * Every trainable array, by name (encoder tensors under Hugging Face names, the loss's own under
     * {@code loss/<name>}): what the optimizer updates in place.
     */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> p = new LinkedHashMap<>();
        for (String n : BertTensorNames.names(encoder.config())) {
            p.put(n, sd.getArrForVarName(encoder.variableName(n)));
        }
        lossParameters.forEach((k, v) -> p.put(k, sd.getArrForVarName(v)));
        return p;
    }

    /**
     * Forward and backward on one batch.
     *
     * @param columns     one token batch per input column, all with the same number of rows
     * @param labelValues the labels, or {@code null}
     * @param guideValues the guide model's embeddings per column, when the loss uses them
     * @param dropoutSeed seed of this step's dropout masks (a different one per step; the same replays it)
     * @param rng         draws the loss's per-step inputs (sampled Matryoshka dims, layers)
     */
    public StepResult step(List<TokenBatch> columns, INDArray labelValues, List<INDArray> guideValues, long dropoutSeed,
                           Random rng) {
        if (columns.size() != passes.size()) {
            throw new LossInputException(loss.name() + " was set up for " + passes.size() + " input columns, but the batch has "
                    + columns.size() + ".");
        }
        SessionMemory.beforeStep();
        List<EncoderFeed> feeds = new ArrayList<>();
        for (int c = 0; c < passes.size(); c++) {
            EncoderGraph g = passes.get(c);
            DropoutMasks masks = encoder.sampleDropout(g, columns.get(c), dropoutSeed * 31 + c);
            feeds.add(new EncoderFeed(g, columns.get(c), masks));
        }
        Map<String, INDArray> feed = new HashMap<>(encoder.feed(feeds));
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

        java.util.Set<String> outputs = new java.util.LinkedHashSet<>();
        outputs.add(output.total().name());
        output.components().values().forEach(v -> outputs.add(v.name()));
        List<String> own = new ArrayList<>(lossParameters.values());
        // setLossVariables drops SameDiff's gradient function, which is then rebuilt (differentiated again) and
        // gets fresh sessions: only call it when another loss was set (several training graphs share a graph)
        if (!List.of(output.total().name()).equals(sd.getLossVariables())) {
            sd.setLossVariables(output.total().name());
        }
        OutAndGrad r = SessionMemory.gradientsAndOutputs(sd, feed, new ArrayList<>(outputs), encoder.gradientRequests(feeds, own));
        Map<String, INDArray> grads = encoder.collectGradients(r.getGradients(), feeds, own);
        Map<String, INDArray> named = new LinkedHashMap<>(grads);
        lossParameters.forEach((k, v) -> named.put(k, named.remove(v)));
        Map<String, Double> comps = new LinkedHashMap<>();
        output.components().forEach((k, v) -> comps.put(k, r.getOutputs().get(v.name()).getDouble(0)));
        return new StepResult(r.getOutputs().get(output.total().name()).getDouble(0), comps, named);
    }
}
