package org.sentence4j.graphs.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.bert.BertWeights;

/**
 * The tensors a {@link BertConfig} needs, under their Hugging Face names and with their PyTorch shapes (Linear
 * weights {@code [out, in]}), in the order of a {@code BertModel}'s state dict: what the importers must produce and
 * what the savers write. The pooler is not needed (sentence-transformers never uses it) but kept when the checkpoint
 * has one and the architecture's transformers class does too ({@link PoolerTensors}: it is written back on save).
 */
public final class BertTensors {

    private BertTensors() {
    }

    /** Name to shape of every tensor of an encoder of that configuration, embeddings first, then layer by layer. */
    public static Map<String, long[]> expectedShapes(BertConfig c) {
        return BertTensorNames.shapes(c);
    }

    /**
     * Picks the encoder tensors out of a checkpoint's tensors, renamed to sentence4j's (BERT) names (a prefix such as
     * {@code bert.} or {@code roberta.} is stripped; {@code position_ids}, task heads and a pooler the architecture
     * does not have are dropped) and checks every expected tensor is there, in float32, with the expected shape.
     * The checkpoint's pooler, for an architecture that has one, follows the encoder tensors, shape-checked too.
     *
     * @param source named in error messages (the file)
     * @throws ModelFormatException listing missing tensors and wrong shapes, or naming a pooler tensor of the wrong
     *                              shape
     */
    public static BertWeights select(BertConfig config, Map<String, INDArray> checkpoint, String source)
            throws ModelFormatException {
        Map<String, INDArray> stripped = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : checkpoint.entrySet()) {
            String prefix = config.architecture().checkpointPrefix();
            String name = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            stripped.putIfAbsent(config.architecture().fromCheckpointName(name), e.getValue());
        }
        Map<String, long[]> expected = expectedShapes(config);
        Map<String, INDArray> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            INDArray t = stripped.get(e.getKey());
            if (t == null) {
                problems.add("missing " + config.architecture().toCheckpointName(e.getKey()));
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", expected "
                        + Arrays.toString(e.getValue()));
            } else if (t.dataType() != DataType.FLOAT) {
                problems.add(e.getKey() + " is " + t.dataType() + ", expected a floating-point tensor");
            } else {
                out.put(e.getKey(), t);
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 8);
            throw new ModelFormatException(source + " does not hold the " + config.architecture().modelClass() + " encoder described by its config.json ("
                    + config.numHiddenLayers() + " layers, hidden size " + config.hiddenSize() + "): "
                    + String.join("; ", problems.subList(0, shown))
                    + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
        }
        out.putAll(PoolerTensors.select(config, stripped, source));
        return new BertWeights(out);
    }
}
