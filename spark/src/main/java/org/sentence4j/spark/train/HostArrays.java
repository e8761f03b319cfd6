package org.sentence4j.spark.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ND4J arrays as the plain float arrays that tasks, broadcasts and results carry. */
final class HostArrays {

    private HostArrays() {
    }

    /**
     * The values of {@code a} in row-major order as a new float array: one copy, plus one more only when the array
     * is not already a plain row-major float32 buffer of its own (a view, another order or data type).
     */
    static float[] floats(INDArray a) {
        INDArray plain = a.dataType() == DataType.FLOAT && !a.isView() && a.ordering() == 'c' ? a
                : a.castTo(DataType.FLOAT).dup('c');
        return plain.data().asFloat();
    }
}
