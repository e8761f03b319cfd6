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
        BatchValidator.validate(loss, batch);
        SameDiff sd = SameDiff.create();
        SDVariable one = sd.var("one", Nd4j.scalar(dataType, 1.0));
        Map<String, INDArray> feeds = new LinkedHashMap<>();

        List<String> columnNames = new ArrayList<>();
        List<SDVariable> columns = new ArrayList<>();
        List<long[]> columnShapes = new ArrayList<>();
        for (int c = 0; c < batch.columns().size(); c++) {
            INDArray arr = batch.columns().get(c);
            String name = "column_" + c;
            columns.add(input(sd, name, arr, one, feeds));
            columnShapes.add(new long[] {-1, arr.size(1)});
            columnNames.add(name);
        }
        LossInputs.Builder inputs = LossInputs.builder(sd).columns(columns, columnShapes).stepInputs(new StepInputs());
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
        List<List<String>> layerNames = new ArrayList<>();
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
        LossInputs built = inputs.build();
        LossOutput out = loss.build(built);
        for (Map.Entry<String, INDArray> p : batch.parameters().entrySet()) {
            SDVariable v = out.parameters().get(p.getKey());
            if (v == null) {
                throw new LossInputException(loss.name() + " has no parameter '" + p.getKey() + "'; it has "
                        + out.parameters().keySet() + ".");
            }
            v.setArray(p.getValue().castTo(dataType).reshape(v.getArr().shape()));
        }
        feeds.putAll(built.stepInputs().sample(rng));

        SDVariable total = out.total();
        List<String> outputs = new ArrayList<>();
        outputs.add(total.name());
        out.components().values().forEach(v -> outputs.add(v.name()));
        Map<String, INDArray> values = sd.output(feeds, outputs.toArray(new String[0]));
        Map<String, Double> components = new LinkedHashMap<>();
        out.components().forEach((k, v) -> components.put(k, values.get(v.name()).getDouble(0)));
        double lossValue = values.get(total.name()).getDouble(0);
        if (!gradients) {
            return new LossEvaluation(lossValue, components, null, List.of(), Map.of());
        }

        sd.setLossVariables(total.name());
        List<String> wanted = new ArrayList<>(columnNames);
        layerNames.forEach(wanted::addAll);
        out.parameters().values().forEach(v -> wanted.add(v.name()));
        wanted.add("one");
        Map<String, INDArray> grads = sd.calculateGradients(feeds, wanted.toArray(new String[0]));

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
        out.parameters().forEach((k, v) -> gradParams.put(k, gradOrZeros(grads, v.name(), v.getArr())));
        return new LossEvaluation(lossValue, components, gradColumns, gradLayers, gradParams);
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
