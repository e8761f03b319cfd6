package org.sentence4j.graphs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.TestData;
import org.sentence4j.graphs.bert.BertConfig;

class SafeTensorsTest {

    @TempDir
    Path tmp;

    private static INDArray seq(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] f = new float[(int) n];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) Math.sin(i * 0.37 + shape.length) * 3.5f;
        }
        return Nd4j.create(f, shape, DataType.FLOAT);
    }

    @Test
    void roundTripKeepsValuesShapesAndTypes() throws Exception {
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("z.matrix", seq(3, 5));
        in.put("a.vector", seq(7));
        in.put("m.cube", seq(2, 3, 4));
        in.put("scalar", Nd4j.scalar(1.25f));
        in.put("ids", Nd4j.create(new long[]{0, 1, 2, 511}, new long[]{1, 4}, DataType.LONG));
        in.put("dbl", Nd4j.create(new double[]{1e-300, -2.5, Math.PI}, new long[]{3}, DataType.DOUBLE));
        in.put("view", seq(4, 6).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));
        in.put("forder", seq(3, 4).dup('f'));
        Path file = tmp.resolve("t.safetensors");
        SafeTensors.write(file, in);

        SafeTensors.Contents c = SafeTensors.readContents(file);
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(in.keySet(), c.tensors().keySet());
        for (Map.Entry<String, INDArray> e : in.entrySet()) {
            INDArray back = c.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
            DataType expected = e.getValue().dataType() == DataType.DOUBLE ? DataType.FLOAT : e.getValue().dataType();
            assertEquals(expected, back.dataType(), e.getKey());
            assertEquals(e.getValue().castTo(expected), back, e.getKey());
        }
        // bytes round trip exactly, and so does an in-memory read
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(c.tensors().keySet(), SafeTensors.readContents(bytes, "mem").tensors().keySet());
    }

    @Test
    void layoutIsThePythonOne() throws Exception {
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("b", seq(2));
        in.put("a", seq(3));
        in.put("c.long", Nd4j.create(new long[]{5}, new long[]{1}, DataType.LONG));
        byte[] bytes = SafeTensors.toBytes(in, Map.of("format", "pt"));
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        // metadata first, then larger dtypes first (I64 before F32), then names in byte order; space padding
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"c.long\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]}}", header.stripTrailing());
        assertTrue(header.endsWith(" ") || header.length() % 8 == 0);
        assertEquals(8 + n + 28, bytes.length);
    }

    @Test
    void readsTheTinyBertCheckpointAndRewritesItByteForByte() throws Exception {
        Path file = TestData.stModels().resolve("tiny-bert-mean").resolve("model.safetensors");
        SafeTensors.Contents c = SafeTensors.readContents(file);
        assertEquals(39, c.tensors().size());
        assertEquals(Map.of("format", "pt"), c.metadata());
        BertConfig cfg = new BertConfig(30522, 32, 2, 4, 64, 512, 2, 1e-12, "gelu", 0.1, 0.1);
        Map<String, long[]> expected = new LinkedHashMap<>(BertTensors.expectedShapes(cfg));
        expected.put("pooler.dense.weight", new long[]{32, 32});
        expected.put("pooler.dense.bias", new long[]{32});
        assertEquals(expected.keySet(), c.tensors().keySet());
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), c.tensors().get(e.getKey()).shape(), e.getKey());
            assertEquals(DataType.FLOAT, c.tensors().get(e.getKey()).dataType());
        }
        // file order = sorted names, as Python writes
        List<String> sorted = new ArrayList<>(c.tensors().keySet());
        sorted.sort(String::compareTo);
        assertEquals(sorted, new ArrayList<>(c.tensors().keySet()));
        // LayerNorm initialised to weight 1 / bias 0 (README); a weight matrix has the normal(0, 0.02) spread
        assertEquals(1.0, c.tensors().get("embeddings.LayerNorm.weight").meanNumber().doubleValue(), 0.0);
        assertEquals(0.02, c.tensors().get("encoder.layer.0.attention.self.query.weight").stdNumber().doubleValue(),
                0.003);

        Path again = tmp.resolve("again.safetensors");
        SafeTensors.write(again, c.tensors(), c.metadata());
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
    }

    @Test
    void convertsHalfBfloatAndDoubleToFloat() throws Exception {
        float[] values = {1.0f, -2.5f, 0.099975586f, 65504f, 5.9604645e-8f, 0f};
        short[] half = {0x3c00, (short) 0xc100, 0x2e66, 0x7bff, 0x0001, 0x0000};
        ByteBuffer f16 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : half) {
            f16.putShort(s);
        }
        ByteBuffer bf16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        float[] bvals = {1.0f, -3.0f, 0.15625f};
        for (float v : bvals) {
            bf16.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-1e-3);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[18,34]}}";
        byte[] bytes = file(header, f16.array(), bf16.array(), f64.array());
        Map<String, INDArray> t = SafeTensors.readContents(bytes, "mixed").tensors();
        assertArrayEquals(values, t.get("h").data().asFloat());
        assertArrayEquals(new long[]{2, 3}, t.get("h").shape());
        assertArrayEquals(bvals, t.get("b").data().asFloat());
        assertArrayEquals(new float[]{0.1f, -1e-3f}, t.get("d").data().asFloat());
        assertEquals(DataType.FLOAT, t.get("d").dataType());
    }

    @Test
    void rejectsBrokenFiles() throws Exception {
        assertThrows(ModelFormatException.class, () -> SafeTensors.readContents(new byte[3], "short"));
        byte[] hugeHeader = new byte[16];
        ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        assertThrows(ModelFormatException.class, () -> SafeTensors.readContents(hugeHeader, "big"));
        byte[] badOffsets = file("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SafeTensors.readContents(badOffsets, "bad.safetensors"));
        assertTrue(e.getMessage().contains("bad.safetensors") && e.getMessage().contains("'x'"), e.getMessage());
        byte[] beyond = file("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        assertThrows(ModelFormatException.class, () -> SafeTensors.readContents(beyond, "beyond"));
        byte[] bool = file("{\"x\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]);
        e = assertThrows(ModelFormatException.class, () -> SafeTensors.readContents(bool, "bool"));
        assertTrue(e.getMessage().contains("BOOL"), e.getMessage());
        byte[] notJson = file("{nope", new byte[0]);
        assertThrows(ModelFormatException.class, () -> SafeTensors.readContents(notJson, "json"));
        Path empty = tmp.resolve("empty.safetensors");
        Files.write(empty, new byte[0]);
        assertThrows(ModelFormatException.class, () -> SafeTensors.read(empty));
    }

    private static byte[] file(String header, byte[]... data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        for (byte[] d : data) {
            out.write(d);
        }
        return out.toByteArray();
    }
}
