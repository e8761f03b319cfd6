package org.sentence4j.graphs.bert;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of a BERT encoder under their Hugging Face names and in PyTorch layout (a Linear weight is
 * {@code [out, in]}), exactly as a {@code model.safetensors} of a bare {@code BertModel} stores them:
 * {@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.weight}, ...
 * Importers (safetensors, ONNX) produce this; the encoder graph consumes it; the saver writes it back.
 * A {@code bert.} prefix (checkpoints of task models) is stripped by the importers, not here.
 */
public final class BertWeights {

    private final Map<String, INDArray> tensors;

    public BertWeights(Map<String, INDArray> tensors) {
        this.tensors = new LinkedHashMap<>(tensors);
    }

    /** The tensor of that name; a clear error names the missing tensor. */
    public INDArray get(String name) {
        INDArray t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("The model weights have no tensor '" + name + "'.");
        }
        return t;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public Map<String, INDArray> asMap() {
        return Collections.unmodifiableMap(tensors);
    }
}
