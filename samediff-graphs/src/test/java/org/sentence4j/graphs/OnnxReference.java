package org.sentence4j.graphs;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.sentence4j.graphs.io.ModelFormatException;
import org.sentence4j.graphs.text.TokenBatch;

/** ONNX Runtime on an ONNX file of the classpath: the reference the embedded models' parity tests compare with. */
final class OnnxReference implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxReference(String resource) throws Exception {
        byte[] onnx;
        try (InputStream in = OnnxReference.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ModelFormatException("classpath resource '" + resource + "' not found");
            }
            onnx = in.readAllBytes();
        }
        session = env.createSession(onnx, new OrtSession.SessionOptions());
    }

    /** The model's first output, {@code last_hidden_state} [B, T, H], for the batch's token ids. */
    float[][][] lastHiddenState(TokenBatch batch) throws Exception {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor i = OnnxTensor.createTensor(env, batch.inputIds().toLongMatrix());
             OnnxTensor m = OnnxTensor.createTensor(env, batch.attentionMask().toLongMatrix());
             OnnxTensor t = OnnxTensor.createTensor(env, batch.tokenTypeIds().toLongMatrix())) {
            inputs.put("input_ids", i);
            inputs.put("attention_mask", m);
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", t);
            }
            try (OrtSession.Result r = session.run(inputs)) {
                return (float[][][]) r.get(0).getValue();
            }
        }
    }

    /** {@code v} scaled to unit length, in place (sentence-transformers' Normalize). */
    static double[] unitLength(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int d = 0; d < v.length; d++) {
            v[d] /= norm;
        }
        return v;
    }

    @Override
    public void close() throws Exception {
        session.close();
    }
}
