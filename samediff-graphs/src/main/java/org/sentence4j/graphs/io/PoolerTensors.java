package org.sentence4j.graphs.io;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertInitializer;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.bert.BertWeights;

/**
 * The pooler ({@code pooler.dense.weight} and {@code .bias}) of a checkpoint, from the folder it is loaded from to
 * the folder it is saved to.
 *
 * <p>Why carry a tensor sentence-transformers never uses: {@code BertModel}, {@code RobertaModel},
 * {@code XLMRobertaModel} and {@code MPNetModel} are built with a pooler, and transformers' {@code from_pretrained}
 * reports a folder without one as having MISSING weights that were newly initialised, a load report that alarms a
 * Python user although the sentence embedding does not read the pooler. So the pooler is kept as it was read (it
 * travels in {@link BertWeights} beside the parameters but is not one: the encoder keeps it aside, training never
 * touches it) and written back bit for bit.
 *
 * <p>A source without a pooler (the embedded ONNX exports of all-MiniLM-L6-v2 and bge-small-en-v1.5 have none)
 * gets one on saving, drawn as transformers draws the missing one itself: weight from N(0, initializer_range) (the
 * original config.json's {@code initializer_range}, else transformers' default 0.02), bias 0. Its values are equal
 * in distribution to what Python would have made up, no embedding changes, and a fixed seed makes two saves of the
 * same model the same bytes. Architectures without a pooler (DistilBERT, ModernBERT) get none, and a pooler their
 * source happens to hold is dropped like any other tensor their class does not have.
 */
final class PoolerTensors {

    /** Seed of a pooler drawn for a source without one: fixed, so that saving is reproducible. */
    static final long SEED = 0x5EED_9001L;

    private PoolerTensors() {
    }

    /**
     * The pooler tensors of a checkpoint (names already stripped of a task prefix such as {@code roberta.}), checked
     * against the configuration; empty when the architecture has no pooler or the checkpoint holds none.
     *
     * @param source named in error messages (the file)
     * @throws ModelFormatException naming the tensor and the file when a pooler tensor has the wrong shape or type
     */
    static Map<String, INDArray> select(BertConfig config, Map<String, INDArray> checkpoint, String source)
            throws ModelFormatException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : BertTensorNames.poolerShapes(config).entrySet()) {
            INDArray t = checkpoint.get(e.getKey());
            if (t == null) {
                continue;
            }
            String problem = t.dataType() != DataType.FLOAT
                    ? "is " + t.dataType() + ", expected a floating-point tensor" : shapeProblem(t, e.getValue());
            if (problem != null) {
                throw new ModelFormatException(source + ": the pooler tensor " + e.getKey() + " " + problem
                        + " (the pooler of a " + config.architecture().modelClass() + " of hidden size "
                        + config.hiddenSize() + " is a Linear of [hidden, hidden])");
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    /**
     * The pooler to write for a model (internal names, weight then bias): the tensors its weights hold, as they are,
     * and for any the architecture has but the weights lack, a fresh draw (see the class comment); empty for an
     * architecture without a pooler.
     *
     * @throws IllegalArgumentException when a pooler tensor the weights hold has the wrong shape
     */
    static Map<String, INDArray> forSaving(SentenceTransformerModelFiles model) throws IOException {
        BertConfig config = model.config();
        Map<String, long[]> shapes = BertTensorNames.poolerShapes(config);
        Map<String, INDArray> out = new LinkedHashMap<>();
        Map<String, INDArray> fresh = null;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (model.weights().contains(e.getKey())) {
                INDArray t = model.weights().get(e.getKey());
                String problem = shapeProblem(t, e.getValue());
                if (problem != null) {
                    throw new IllegalArgumentException("the model's pooler tensor " + e.getKey() + " " + problem);
                }
                out.put(e.getKey(), t);
            } else {
                if (fresh == null) {
                    fresh = BertInitializer.pooler(config, initializerRange(model.originals()), SEED);
                }
                out.put(e.getKey(), fresh.get(e.getKey()));
            }
        }
        return out;
    }

    /**
     * The {@code initializer_range} transformers would draw a missing pooler with: the original config.json's, else
     * its default (also what sentence4j writes into a config.json it generates).
     */
    static double initializerRange(TransformerFiles originals) throws IOException {
        byte[] json = originals.configJson();
        if (json == null) {
            return BertInitializer.HF_INITIALIZER_RANGE;
        }
        JsonNode range = PyJson.MAPPER.readTree(json).get("initializer_range");
        return range != null && range.isNumber() && range.doubleValue() >= 0 && Double.isFinite(range.doubleValue())
                ? range.doubleValue() : BertInitializer.HF_INITIALIZER_RANGE;
    }

    /** What is wrong with a pooler tensor's shape, or null. */
    private static String shapeProblem(INDArray t, long[] shape) {
        return Arrays.equals(t.shape(), shape) ? null
                : "has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape);
    }
}
