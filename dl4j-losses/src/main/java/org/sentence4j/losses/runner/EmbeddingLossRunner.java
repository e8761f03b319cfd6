package org.sentence4j.losses.runner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.StepInputs;

/**
 * Evaluates a loss fragment on given embedding arrays: builds a graph whose inputs are the embeddings
 * (placeholders with a dynamic batch size, exactly as in training), runs it, and returns the loss, its
 * components and the gradients with respect to every input. This is the embedding level of the loss
 * contract: what the golden fixtures check, and what a GradCache step needs (embedding gradients of the
 * full batch).
 *
 * <p>SameDiff only returns gradients for placeholders that feed a trainable variable's path, so every input
 * is multiplied by a variable {@code one} (documented in the SameDiff notes as workaround A).
 */
public final class EmbeddingLossRunner {

    private final DataType dataType;
    private final Random rng;

    /** A runner computing in {@code dataType} (FLOAT as in training, DOUBLE for gradient checks). */
    public EmbeddingLossRunner(DataType dataType, long seed) {
        this.dataType = dataType;
        this.rng = new Random(seed);
    }

    public EmbeddingLossRunner(DataType dataType) {
        this(dataType, 42L);
    }

    /** Value and gradients of {@code loss} on {@code batch}. */
    public LossEvaluation evaluate(SentenceLoss loss, LossBatch batch) {
        return run(loss, batch, true);
    }

    /** Value only (no backward pass). */
    public LossEvaluation value(SentenceLoss loss, LossBatch batch) {
        return run(loss, batch, false);
    }

    private LossEvaluation run(SentenceLoss loss, LossBatch batch, boolean gradients) {
        Prepared p = prepare(loss, batch);
        return gradients ? p.evaluate() : p.value();
    }

    /**
     * Validates the batch and builds the loss graph once; the result evaluates it, and can evaluate it again
     * on other arrays of the same shapes (finite differences, repeated steps) without rebuilding.
     */
    public Prepared prepare(SentenceLoss loss, LossBatch batch) {
        BatchValidator.validate(loss, batch);
        return new Prepared(loss, batch);
    }

    /** A built loss graph with its inputs. */
    public final class Prepared {
        private final SentenceLoss loss;
        private final LossBatch batch;
        private final SameDiff sd;
        private final Map<String, INDArray> feeds = new LinkedHashMap<>();
        private final List<String> columnNames = new ArrayList<>();
        private final List<List<String>> layerNames = new ArrayList<>();
        private final LossOutput out;
        private final StepInputs stepInputs;

        private Prepared(SentenceLoss loss, LossBatch batch) {
            this.loss = loss;
            this.batch = batch;
            this.sd = SameDiff.create();
            SDVariable one = sd.var("one", Nd4j.scalar(dataType, 1.0));
            List<SDVariable> columns = new ArrayList<>();
            List<long[]> columnShapes = new ArrayList<>();
            for (int c = 0; c < batch.columns().size(); c++) {
                INDArray arr = batch.columns().get(c);
                String name = "column_" + c;
                columns.add(input(sd, name, arr, one, feeds));
                columnShapes.add(new long[] {-1, arr.size(1)});
                columnNames.add(name);
            }
            this.stepInputs = new StepInputs();
            LossInputs.Builder inputs = LossInputs.builder(sd).columns(columns, columnShapes).stepInputs(stepInputs);
            INDArray labels = batch.labels();
            if (labels != null) {
                long[] shape = labels.shape().clone();
                if (shape.length > 0) {
                    shape[0] = -1;
                }
                SDVariable ph = sd.placeHolder("labels", dataType, shape);
                feeds.put("labels", labels.castTo(dataType));
                inputs.labels(ph, shape).labelsIntegral(BatchValidator.shapesOf(batch.columns(), labels).labelsIntegral());
            }
            if (batch.guideEmbeddings() != null) {
                List<SDVariable> guide = new ArrayList<>();
                for (int c = 0; c < batch.guideEmbeddings().size(); c++) {
                    INDArray g = batch.guideEmbeddings().get(c);
                    String name = "guide_" + c;
                    guide.add(sd.placeHolder(name, dataType, -1, g.size(1)));
                    feeds.put(name, g.castTo(dataType));
                }
                inputs.guideEmbeddings(guide);
            }
            if (batch.priorLayerEmbeddings() != null) {
                List<List<SDVariable>> layers = new ArrayList<>();
                for (int h = 0; h < batch.priorLayerEmbeddings().size(); h++) {
                    List<INDArray> layer = batch.priorLayerEmbeddings().get(h);
                    if (layer.size() != columns.size()) {
                        throw new LossInputException(loss.name() + ": hidden state " + h + " has embeddings for " + layer.size()
                                + " columns, but the batch has " + columns.size() + ".");
                    }
                    List<SDVariable> vars = new ArrayList<>();
                    List<String> names = new ArrayList<>();
                    for (int c = 0; c < layer.size(); c++) {
                        String name = "layer_" + h + "_column_" + c;
                        vars.add(input(sd, name, layer.get(c), one, feeds));
                        names.add(name);
                    }
                    layers.add(vars);
                    layerNames.add(names);
                }
                layers.add(columns);
                inputs.layerEmbeddings(layers);
            }
            this.out = loss.build(inputs.build());
            for (Map.Entry<String, INDArray> p : batch.parameters().entrySet()) {
                SDVariable v = out.parameters().get(p.getKey());
                if (v == null) {
                    throw new LossInputException(loss.name() + " has no parameter '" + p.getKey() + "'; it has "
                            + out.parameters().keySet() + ".");
                }
                // in place, so that the loss's own stored value (what config() and checkpoints read) follows
                v.getArr().assign(p.getValue().castTo(v.getArr().dataType()).reshape(v.getArr().shape()));
            }
            feeds.putAll(stepInputs.sample(rng));
            sd.setLossVariables(out.total().name());
        }

        /** The graph, for inspection. */
        public SameDiff graph() {
            return sd;
        }

        /** Names of the embedding-column inputs, to feed other arrays with {@link #value(Map)}. */
        public List<String> columnInputs() {
            return columnNames;
        }

        /** Names of the layer inputs [hidden][column] (prior layers only). */
        public List<List<String>> layerInputs() {
            return layerNames;
        }

        /** The loss value on the prepared arrays. */
        public LossEvaluation value() {
            return value(Map.of());
        }

        /** The loss value with some inputs replaced (by input name, same shapes). */
        public LossEvaluation value(Map<String, INDArray> replaced) {
            Map<String, INDArray> f = feedsWith(replaced);
            SDVariable total = out.total();
            List<String> outputs = new ArrayList<>();
            outputs.add(total.name());
            out.components().values().forEach(v -> outputs.add(v.name()));
            Map<String, INDArray> values = sd.output(f, outputs.toArray(new String[0]));
            Map<String, Double> components = new LinkedHashMap<>();
            out.components().forEach((k, v) -> components.put(k, values.get(v.name()).getDouble(0)));
            return new LossEvaluation(values.get(total.name()).getDouble(0), components, null, List.of(), Map.of());
        }

        /** Value and gradients on the prepared arrays, in one forward and backward pass. */
        public LossEvaluation evaluate() {
            List<String> wanted = new ArrayList<>(columnNames);
            layerNames.forEach(wanted::addAll);
            out.parameters().values().forEach(p -> wanted.add(p.name()));
            wanted.add("one");
            java.util.Set<String> outputs = new java.util.LinkedHashSet<>();
            outputs.add(out.total().name());
            out.components().values().forEach(c -> outputs.add(c.name()));
            org.nd4j.autodiff.samediff.api.OutAndGrad r = org.sentence4j.graphs.sd.SessionMemory.gradientsAndOutputs(sd, feeds, new ArrayList<>(outputs), wanted);
            Map<String, INDArray> grads = r.getGradients();
            Map<String, Double> components = new LinkedHashMap<>();
            out.components().forEach((k, c) -> components.put(k, r.getOutputs().get(c.name()).getDouble(0)));
            LossEvaluation v = new LossEvaluation(r.getOutputs().get(out.total().name()).getDouble(0), components, null,
                    List.of(), Map.of());

            List<INDArray> gradColumns = new ArrayList<>();
            for (int c = 0; c < columnNames.size(); c++) {
                gradColumns.add(gradOrZeros(grads, columnNames.get(c), batch.columns().get(c)));
            }
            List<List<INDArray>> gradLayers = new ArrayList<>();
            for (int h = 0; h < layerNames.size(); h++) {
                List<INDArray> g = new ArrayList<>();
                for (int c = 0; c < layerNames.get(h).size(); c++) {
                    g.add(gradOrZeros(grads, layerNames.get(h).get(c), batch.priorLayerEmbeddings().get(h).get(c)));
                }
                gradLayers.add(g);
            }
            if (!layerNames.isEmpty()) {
                gradLayers.add(gradColumns);
            }
            Map<String, INDArray> gradParams = new LinkedHashMap<>();
            out.parameters().forEach((k, p) -> gradParams.put(k, gradOrZeros(grads, p.name(), p.getArr())));
            return new LossEvaluation(v.loss(), v.components(), gradColumns, gradLayers, gradParams);
        }

        /** The loss's own parameter variables, by upstream name. */
        public Map<String, SDVariable> parameters() {
            return out.parameters();
        }

        private Map<String, INDArray> feedsWith(Map<String, INDArray> replaced) {
            if (replaced.isEmpty()) {
                return feeds;
            }
            Map<String, INDArray> f = new LinkedHashMap<>(feeds);
            replaced.forEach((k, v) -> {
                if (!f.containsKey(k)) {
                    throw new IllegalArgumentException("No input named " + k + "; inputs: " + f.keySet());
                }
                f.put(k, v.castTo(dataType));
            });
            return f;
        }
    }

    private SDVariable input(SameDiff sd, String name, INDArray arr, SDVariable one, Map<String, INDArray> feeds) {
        if (arr.rank() != 2) {
            throw new LossInputException("Embeddings '" + name + "' must be a [batch, dim] matrix, but have shape "
                    + Arrays.toString(arr.shape()) + ".");
        }
        SDVariable ph = sd.placeHolder(name, dataType, -1, arr.size(1));
        feeds.put(name, arr.castTo(dataType));
        return ph.mul(one);
    }

    private static INDArray gradOrZeros(Map<String, INDArray> grads, String name, INDArray like) {
        INDArray g = grads.get(name);
        return g == null ? Nd4j.zeros(like.dataType(), like.shape()) : g;
    }
}
