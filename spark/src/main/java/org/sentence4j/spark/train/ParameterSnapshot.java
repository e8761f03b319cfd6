package org.sentence4j.spark.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder parameters of one optimizer step, as the driver broadcasts them: every tensor of the model by
 * its Hugging Face name, and, for a two-tower loss, every tensor of its copy of the encoder under
 * {@link #COPY_PREFIX}. Float32, row-major.
 */
public final class ParameterSnapshot implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix of the copy tower's tensors. */
    public static final String COPY_PREFIX = "copy:";

    private final long version;
    private final LinkedHashMap<String, float[]> values;

    private ParameterSnapshot(long version, LinkedHashMap<String, float[]> values) {
        this.version = version;
        this.values = values;
    }

    /** A copy of the model's parameters and, when {@code copy} is not null, of the copy tower's. */
    public static ParameterSnapshot of(long version, Map<String, INDArray> model, Map<String, INDArray> copy) {
        LinkedHashMap<String, float[]> v = new LinkedHashMap<>();
        model.forEach((k, a) -> v.put(k, floats(k, a)));
        if (copy != null) {
            copy.forEach((k, a) -> v.put(COPY_PREFIX + k, floats(k, a)));
        }
        return new ParameterSnapshot(version, v);
    }

    private static float[] floats(String name, INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("distributed training runs in float32; parameter " + name + " is " + a.dataType());
        }
        return HostArrays.floats(a);
    }

    /** The optimizer step these parameters belong to. */
    public long version() {
        return version;
    }

    public Map<String, float[]> values() {
        return values;
    }

    /** Whether the snapshot carries a copy tower. */
    public boolean hasCopy() {
        return values.keySet().stream().anyMatch(k -> k.startsWith(COPY_PREFIX));
    }

    /** Size of the tensors in bytes (what a broadcast moves, before Spark's framing). */
    public long bytes() {
        return values.values().stream().mapToLong(f -> 4L * f.length).sum();
    }
}
