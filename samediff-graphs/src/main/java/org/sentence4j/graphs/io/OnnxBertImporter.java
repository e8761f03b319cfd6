package org.sentence4j.graphs.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertWeights;

/**
 * Reads the weights of a BERT encoder exported to ONNX by PyTorch (such as the all-MiniLM-L6-v2 model shipped in
 * langchain4j's jar) into {@link BertWeights} (Hugging Face names, PyTorch layout) and derives its
 * {@link BertConfig} from the graph.
 *
 * <p>Why not SameDiff's ONNX import: it fails on this graph (notes, section 6) and costs 575 MB of dependencies.
 * The file is parsed with the ONNX protobuf classes that ship in nd4j-api. Named initializers
 * ({@code embeddings.*}, {@code encoder.layer.N.*.bias}, LayerNorm) are taken as they are; the Linear weights are
 * anonymous ({@code onnx::MatMul_787}) and stored {@code [in, out]}: each is named after the bias of the
 * {@code Add} that consumes its {@code MatMul}'s output, and transposed to {@code [out, in]}.
 *
 * <p>Configuration: sizes from the tensor shapes; the head count from the attention scale constant
 * (= sqrt(head size)) or, failing that, from the constant head dimensions of the attention {@code Reshape}s; the
 * LayerNorm epsilon from the constant added before {@code Sqrt}; GELU must be the exact erf form. Dropout
 * probabilities are not in an ONNX graph: the transformers defaults (0.1) are used.
 */
public final class OnnxBertImporter {

    private static final int ONNX_FLOAT = 1;
    private static final int ONNX_INT64 = 7;
    private static final int ONNX_DOUBLE = 11;
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private OnnxBertImporter() {
    }

    /** The result: configuration and weights. */
    public record ImportedBert(BertConfig config, BertWeights weights) {
    }

    public static ImportedBert importFile(Path onnxFile) throws IOException {
        return importBytes(Files.readAllBytes(onnxFile), onnxFile.toString());
    }

    /** Reads a classpath resource (e.g. {@code all-minilm-l6-v2.onnx} of the langchain4j jar). */
    public static ImportedBert importResource(String resource) throws IOException {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = OnnxBertImporter.class.getClassLoader();
        }
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = cl.getResourceAsStream(name)) {
            if (in == null) {
                throw new ModelFormatException("classpath resource '" + name + "' not found");
            }
            return importBytes(in.readAllBytes(), "classpath:" + name);
        }
    }

    public static ImportedBert importBytes(byte[] onnx, String source) throws IOException {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException(source + " is not an ONNX model: " + e.getMessage(), e);
        }
        return new Importer(source, model.getGraph()).run();
    }

    /** One import: the graph's indexes and the mapping. */
    private static final class Importer {
        private final String source;
        private final GraphProto graph;
        private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
        private final Map<String, TensorProto> constants = new HashMap<>();
        private final Map<String, List<NodeProto>> consumers = new HashMap<>();
        private final Map<String, NodeProto> producer = new HashMap<>();

        Importer(String source, GraphProto graph) {
            this.source = source;
            this.graph = graph;
            for (TensorProto t : graph.getInitializerList()) {
                initializers.put(t.getName(), t);
            }
            for (NodeProto n : graph.getNodeList()) {
                for (String in : n.getInputList()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
                for (String out : n.getOutputList()) {
                    producer.put(out, n);
                }
                if (n.getOpType().equals("Constant")) {
                    for (AttributeProto a : n.getAttributeList()) {
                        if (a.getName().equals("value") && a.hasT()) {
                            constants.put(n.getOutput(0), a.getT());
                        }
                    }
                }
            }
        }

        ImportedBert run() throws IOException {
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            // 1. named float initializers
            for (TensorProto t : initializers.values()) {
                String name = hfName(t.getName());
                if (name != null && t.getDataType() == ONNX_FLOAT) {
                    tensors.put(name, toArray(t, false));
                }
            }
            // 2. anonymous Linear weights: MatMul(x, W) -> Add(bias, .) ; or Gemm(x, W, bias)
            for (NodeProto n : graph.getNodeList()) {
                if (n.getOpType().equals("MatMul") && n.getInputCount() == 2) {
                    TensorProto w = initializers.get(n.getInput(1));
                    if (w == null || w.getDimsCount() != 2 || hfName(w.getName()) != null) {
                        continue;
                    }
                    String bias = biasAfter(n.getOutput(0));
                    if (bias == null) {
                        throw new ModelFormatException(source + ": the weight " + w.getName()
                                + " is not followed by an Add of a named bias; cannot name it");
                    }
                    tensors.put(weightNameOf(bias), toArray(w, true));
                } else if (n.getOpType().equals("Gemm") && n.getInputCount() == 3) {
                    TensorProto w = initializers.get(n.getInput(1));
                    String bias = hfName(n.getInput(2));
                    if (w == null || bias == null || !bias.endsWith(".bias")) {
                        continue;
                    }
                    boolean transB = n.getAttributeList().stream()
                            .anyMatch(a -> a.getName().equals("transB") && a.getI() == 1);
                    // Gemm with transB holds the PyTorch [out, in] layout already
                    tensors.put(weightNameOf(bias), toArray(w, !transB));
                }
            }
            BertConfig config = deriveConfig(tensors);
            return new ImportedBert(config, BertTensors.select(config, tensors, source));
        }

        /** The Hugging Face name of a tensor, or null for anonymous ones (a {@code bert.} prefix is stripped). */
        private static String hfName(String onnxName) {
            String n = onnxName.startsWith("bert.") ? onnxName.substring(5) : onnxName;
            return n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler.") ? n : null;
        }

        private static String weightNameOf(String biasName) {
            return biasName.substring(0, biasName.length() - "bias".length()) + "weight";
        }

        /** The named bias added to {@code value} by its consumer Add, if any. */
        private String biasAfter(String value) {
            for (NodeProto c : consumers.getOrDefault(value, List.of())) {
                if (!c.getOpType().equals("Add")) {
                    continue;
                }
                for (String in : c.getInputList()) {
                    String name = initializers.containsKey(in) ? hfName(in) : null;
                    if (name != null && name.endsWith(".bias")) {
                        return name;
                    }
                }
            }
            return null;
        }

        private BertConfig deriveConfig(Map<String, INDArray> t) throws IOException {
            INDArray word = require(t, "embeddings.word_embeddings.weight");
            INDArray pos = require(t, "embeddings.position_embeddings.weight");
            INDArray type = require(t, "embeddings.token_type_embeddings.weight");
            INDArray inter = require(t, "encoder.layer.0.intermediate.dense.weight");
            int hidden = (int) word.size(1);
            TreeSet<Integer> layers = new TreeSet<>();
            for (String name : t.keySet()) {
                Matcher m = LAYER.matcher(name);
                if (m.find()) {
                    layers.add(Integer.parseInt(m.group(1)));
                }
            }
            if (layers.isEmpty() || layers.last() != layers.size() - 1) {
                throw new ModelFormatException(source + ": encoder layers are not numbered 0..n-1: " + layers);
            }
            boolean erf = graph.getNodeList().stream().anyMatch(n -> n.getOpType().equals("Erf"));
            if (!erf) {
                throw new ModelFormatException(source + ": no Erf op in the graph; only the exact (erf) GELU "
                        + "activation is supported");
            }
            return new BertConfig((int) word.size(0), hidden, layers.size(), heads(hidden), (int) inter.size(0),
                    (int) pos.size(0), (int) type.size(0), layerNormEps(), "gelu", 0.1, 0.1);
        }

        private INDArray require(Map<String, INDArray> t, String name) throws ModelFormatException {
            INDArray a = t.get(name);
            if (a == null) {
                throw new ModelFormatException(source + " has no tensor " + name + "; is it a BERT encoder?");
            }
            return a;
        }

        /** Heads from the attention scale; cross-checked with the Reshape constants when both are present. */
        private int heads(int hidden) throws ModelFormatException {
            Integer fromScale = headsFromScale(hidden);
            Integer fromReshape = headsFromReshape(hidden);
            if (fromScale != null && fromReshape != null && !fromScale.equals(fromReshape)) {
                throw new ModelFormatException(source + ": the attention scale implies " + fromScale
                        + " heads but the reshapes " + fromReshape);
            }
            Integer h = fromScale != null ? fromScale : fromReshape;
            if (h == null) {
                throw new ModelFormatException(source + ": cannot find the number of attention heads (no scale "
                        + "constant after Q.K^T, no constant head dimensions in the reshapes)");
            }
            return h;
        }

        private Integer headsFromScale(int hidden) {
            for (NodeProto n : graph.getNodeList()) {
                // the scores MatMul multiplies two activations (no initializer) and is then scaled by a constant
                if (!n.getOpType().equals("MatMul") || initializers.containsKey(n.getInput(0))
                        || initializers.containsKey(n.getInput(1))) {
                    continue;
                }
                for (NodeProto c : consumers.getOrDefault(n.getOutput(0), List.of())) {
                    if (!(c.getOpType().equals("Div") || c.getOpType().equals("Mul")) || c.getInputCount() != 2) {
                        continue;
                    }
                    float[] k = scalar(c.getInput(1));
                    if (k == null || k.length != 1 || !(k[0] > 0)) {
                        continue;
                    }
                    double sq = c.getOpType().equals("Div") ? (double) k[0] * k[0] : 1.0 / ((double) k[0] * k[0]);
                    long headSize = Math.round(sq);
                    if (headSize > 0 && Math.abs(sq - headSize) < 1e-3 * headSize && hidden % headSize == 0) {
                        return (int) (hidden / headSize);
                    }
                }
            }
            return null;
        }

        private Integer headsFromReshape(int hidden) {
            for (NodeProto n : graph.getNodeList()) {
                if (!n.getOpType().equals("Reshape") || n.getInputCount() != 2) {
                    continue;
                }
                long[] dims = constantShape(n.getInput(1));
                if (dims != null && dims.length == 4 && dims[2] > 0 && dims[3] > 0 && dims[2] * dims[3] == hidden) {
                    return (int) dims[2];
                }
            }
            return null;
        }

        /** A Reshape target: a constant, or a Concat whose parts are constants where known (unknown = -1). */
        private long[] constantShape(String value) {
            TensorProto c = constantOrInitializer(value);
            if (c != null && c.getDataType() == ONNX_INT64) {
                return longs(c);
            }
            NodeProto p = producer.get(value);
            if (p == null || !p.getOpType().equals("Concat")) {
                return null;
            }
            List<Long> dims = new ArrayList<>();
            for (String in : p.getInputList()) {
                TensorProto part = constantOrInitializer(in);
                if (part != null && part.getDataType() == ONNX_INT64) {
                    for (long d : longs(part)) {
                        dims.add(d);
                    }
                } else {
                    dims.add(-1L); // a dynamic size (batch or sequence), one element per Unsqueeze'd scalar
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        /** LayerNorm epsilon: the constant of the Add feeding Sqrt (decomposed LayerNorm) or the fused op's attribute. */
        private double layerNormEps() throws ModelFormatException {
            List<Float> found = new ArrayList<>();
            for (NodeProto n : graph.getNodeList()) {
                if (n.getOpType().equals("LayerNormalization")) {
                    float eps = 1e-5f; // ONNX default
                    for (AttributeProto a : n.getAttributeList()) {
                        if (a.getName().equals("epsilon")) {
                            eps = a.getF();
                        }
                    }
                    found.add(eps);
                } else if (n.getOpType().equals("Sqrt")) {
                    NodeProto add = producer.get(n.getInput(0));
                    if (add != null && add.getOpType().equals("Add")) {
                        for (String in : add.getInputList()) {
                            float[] k = scalar(in);
                            if (k != null && k.length == 1) {
                                found.add(k[0]);
                            }
                        }
                    }
                }
            }
            if (found.isEmpty()) {
                throw new ModelFormatException(source + ": no LayerNorm epsilon found in the graph");
            }
            float eps = found.get(0);
            for (float f : found) {
                if (f != eps) {
                    throw new ModelFormatException(source + ": LayerNorms use different epsilons " + found);
                }
            }
            // the graph holds a float32; report the decimal value the config had (1e-12, not 9.99999996e-13)
            return Double.parseDouble(Float.toString(eps));
        }

        private TensorProto constantOrInitializer(String value) {
            TensorProto c = constants.get(value);
            return c != null ? c : initializers.get(value);
        }

        /** The float values of a constant (float or double), or null when {@code value} is not a constant. */
        private float[] scalar(String value) {
            TensorProto c = constantOrInitializer(value);
            if (c == null) {
                return null;
            }
            if (c.getDataType() == ONNX_FLOAT) {
                return floats(c);
            }
            if (c.getDataType() == ONNX_DOUBLE) {
                ByteBuffer b = c.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                int n = c.getRawData().isEmpty() ? c.getDoubleDataCount() : b.remaining() / 8;
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) (c.getRawData().isEmpty() ? c.getDoubleData(i) : b.getDouble(8 * i));
                }
                return f;
            }
            return null;
        }

        private INDArray toArray(TensorProto t, boolean transpose2d) throws ModelFormatException {
            if (t.getDataLocationValue() != 0 || t.getExternalDataCount() > 0) {
                throw new ModelFormatException(source + ": tensor " + t.getName() + " is stored in an external data "
                        + "file; only self-contained .onnx files are supported");
            }
            if (t.getDataType() != ONNX_FLOAT) {
                throw new ModelFormatException(source + ": tensor " + t.getName() + " has ONNX data type "
                        + t.getDataType() + "; only float32 weights are supported");
            }
            long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            float[] f = floats(t);
            if (transpose2d) {
                int in = (int) shape[0];
                int out = (int) shape[1];
                float[] tr = new float[f.length];
                for (int r = 0; r < in; r++) {
                    for (int c = 0; c < out; c++) {
                        tr[c * in + r] = f[r * out + c];
                    }
                }
                return Nd4j.create(tr, new long[]{out, in}, DataType.FLOAT);
            }
            return Nd4j.create(f, shape, DataType.FLOAT);
        }

        private static float[] floats(TensorProto t) {
            if (!t.getRawData().isEmpty()) {
                float[] f = new float[t.getRawData().size() / 4];
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                return f;
            }
            float[] f = new float[t.getFloatDataCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = t.getFloatData(i);
            }
            return f;
        }

        private static long[] longs(TensorProto t) {
            if (!t.getRawData().isEmpty()) {
                long[] l = new long[t.getRawData().size() / 8];
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
                return l;
            }
            return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }
    }
}
