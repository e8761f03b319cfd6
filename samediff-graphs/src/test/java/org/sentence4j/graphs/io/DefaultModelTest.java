package org.sentence4j.graphs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.text.SentenceTokenizer;

/** The ONNX importer on the real all-MiniLM-L6-v2 export, and the default model built from it. */
class DefaultModelTest {

    private static SentenceTransformerModelFiles model;

    @BeforeAll
    static void load() throws Exception {
        model = DefaultModel.allMiniLmL6V2();
    }

    @Test
    void configIsDerivedFromTheGraph() {
        BertConfig c = model.config();
        assertEquals(new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, "gelu", 0.1, 0.1), c);
        assertEquals(32, c.headSize());
    }

    @Test
    void all101FloatTensorsAreMappedWithPyTorchShapes() {
        Map<String, INDArray> w = model.weights().asMap();
        assertEquals(101, w.size());
        Map<String, long[]> expected = BertTensors.expectedShapes(model.config());
        assertEquals(expected.keySet(), w.keySet());
        long params = 0;
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), w.get(e.getKey()).shape(), e.getKey());
            assertEquals(DataType.FLOAT, w.get(e.getKey()).dataType());
            params += w.get(e.getKey()).length();
        }
        assertEquals(22_565_376L, params, "notes section 6: float parameters without the pooler");
        assertFalse(w.containsKey("embeddings.position_ids"));
    }

    @Test
    void anonymousMatMulWeightsAreNamedByTheirBiasAndTransposed() throws Exception {
        Map<String, Onnx.TensorProto> raw = new java.util.HashMap<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(DefaultModel.ONNX_RESOURCE)) {
            for (Onnx.TensorProto t : Onnx.ModelProto.parseFrom(in.readAllBytes()).getGraph().getInitializerList()) {
                if (t.getName().startsWith("onnx::MatMul_")) {
                    raw.put(t.getName(), t);
                }
            }
        }
        assertEquals(36, raw.size());
        // facts from the notes: _787 query of layer 0, _788 key, _791 value, _797 attention output,
        // _798 intermediate [384,1536], _799 output [1536,384], _800 layer 1 query, _864 layer 5 output
        Map<String, String> known = Map.of(
                "onnx::MatMul_787", "encoder.layer.0.attention.self.query.weight",
                "onnx::MatMul_788", "encoder.layer.0.attention.self.key.weight",
                "onnx::MatMul_791", "encoder.layer.0.attention.self.value.weight",
                "onnx::MatMul_797", "encoder.layer.0.attention.output.dense.weight",
                "onnx::MatMul_798", "encoder.layer.0.intermediate.dense.weight",
                "onnx::MatMul_799", "encoder.layer.0.output.dense.weight",
                "onnx::MatMul_800", "encoder.layer.1.attention.self.query.weight",
                "onnx::MatMul_864", "encoder.layer.5.output.dense.weight");
        for (Map.Entry<String, String> e : known.entrySet()) {
            Onnx.TensorProto t = raw.get(e.getKey());
            int in = (int) t.getDims(0);
            int out = (int) t.getDims(1);
            float[] f = new float[in * out];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            INDArray w = model.weights().get(e.getValue());
            assertArrayEquals(new long[]{out, in}, w.shape(), e.getValue());
            for (int[] rc : new int[][]{{0, 0}, {1, 0}, {0, 1}, {in - 1, out - 1}, {in / 3, out / 2}, {in - 1, 0}}) {
                assertEquals(f[rc[0] * out + rc[1]], w.getFloat(rc[1], rc[0]), 0f,
                        e.getValue() + " [out=" + rc[1] + ", in=" + rc[0] + "]");
            }
        }
    }

    @Test
    void defaultModelSetup() throws Exception {
        assertEquals(256, model.maxSeqLength());
        assertTrue(model.normalize());
        assertFalse(model.doLowerCase());
        assertEquals(List.of(PoolingMode.MEAN), model.pooling().modes());
        assertEquals(384, model.embeddingDimension());
        try (SentenceTokenizer t = model.newTokenizer()) {
            assertArrayEquals(new long[]{101, 1037, 2158, 2003, 5983, 2833, 1012, 102}, t.encode("A man is eating food."));
            assertEquals(256, t.encode("many words ".repeat(400)).length);
        }
        try (SentenceTokenizer t = DefaultModel.allMiniLmL6V2Tokenizer()) {
            assertEquals(256, t.maxSeqLength());
            assertEquals(8, t.encode("A man is eating food.").length);
        }
    }

    @Test
    void savesAsASentenceTransformersFolderAndLoadsBackIdentically(@TempDir Path dir) throws Exception {
        SentenceTransformerFolder.save(model, dir);
        for (String f : SentenceTransformerFolder.savedFiles(true)) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        SentenceTransformerModelFiles back = SentenceTransformerFolder.load(dir);
        assertEquals(model.config(), back.config());
        assertEquals(model.pooling(), back.pooling());
        assertEquals(model.normalize(), back.normalize());
        assertEquals(model.maxSeqLength(), back.maxSeqLength());
        assertEquals(model.doLowerCase(), back.doLowerCase());
        assertArrayEquals(model.tokenizerJson(), back.tokenizerJson());
        // the ONNX export has no pooler; the saved folder has one (drawn: PoolerRoundTripTest), after the encoder
        java.util.List<String> withPooler = new java.util.ArrayList<>(model.weights().names());
        withPooler.addAll(List.of("pooler.dense.weight", "pooler.dense.bias"));
        assertEquals(withPooler, List.copyOf(back.weights().names()));
        for (String name : model.weights().names()) {
            assertEquals(model.weights().get(name), back.weights().get(name), name);
        }
        assertTrue(Files.readString(dir.resolve("tokenizer_config.json")).contains("\"model_max_length\": 256,"));
    }

    @Test
    void importerErrors(@TempDir Path dir) throws Exception {
        Path notOnnx = dir.resolve("x.onnx");
        Files.writeString(notOnnx, "this is not a protobuf model \u0000\u00ff\u00fe");
        assertThrows(ModelFormatException.class, () -> OnnxBertImporter.importFile(notOnnx));
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxBertImporter.importResource("no-such-model.onnx"));
        assertTrue(e.getMessage().contains("no-such-model.onnx"), e.getMessage());
        // an ONNX model that is not a BERT encoder
        Path empty = dir.resolve("empty.onnx");
        Files.write(empty, Onnx.ModelProto.newBuilder().setGraph(Onnx.GraphProto.newBuilder().setName("g")).build()
                .toByteArray());
        e = assertThrows(ModelFormatException.class, () -> OnnxBertImporter.importFile(empty));
        assertTrue(e.getMessage().contains("embeddings.word_embeddings.weight"), e.getMessage());
    }
}
