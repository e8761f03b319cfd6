package org.sentence4j.graphs.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reader and writer of the Hugging Face <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian header length N, N bytes of JSON {@code {name: {dtype, shape, data_offsets}}} (plus an
 * optional {@code "__metadata__"} string map), then the raw little-endian tensor bytes; offsets are relative to the
 * end of the header.
 *
 * <p>Reading: F32 as FLOAT; F16, BF16 and F64 are converted to FLOAT (the encoder computes in float32); I64 and I32
 * stay integer arrays (old checkpoints carry {@code embeddings.position_ids}). Writing: FLOAT as F32 (DOUBLE as F64,
 * LONG as I64, INT as I32), laid out as the Python library does so that files are byte-identical to its output:
 * tensors ordered by dtype then name, compact header JSON starting with the metadata (default
 * {@code {"format":"pt"}}), padded with spaces to a multiple of 8 bytes.
 */
public final class SafeTensors {

    /** Upper bound of a header we accept (the Python library uses 100 MB as well). */
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    /** The format's dtype names in the order the Rust serializer sorts them (it writes larger dtypes first). */
    private static final List<String> DTYPE_ORDER = List.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16",
            "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64");

    private SafeTensors() {
    }

    /** A file's tensors (in file order) and its {@code __metadata__} (empty when absent). */
    public record Contents(Map<String, INDArray> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** The tensors of a file, in file order. */
    public static Map<String, INDArray> read(Path file) throws IOException {
        return readContents(file).tensors();
    }

    /** The tensors and metadata of a file. */
    public static Contents readContents(Path file) throws IOException {
        return readContents(file, false);
    }

    /**
     * The tensors and metadata of a file, F64 tensors kept as DOUBLE when {@code keepDouble} (checkpoints of
     * optimizer state must round-trip bit for bit; model loading converts them to FLOAT).
     */
    public static Contents readContents(Path file, boolean keepDouble) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(file + " is not a safetensors file: only " + size + " bytes");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n <= 0 || n > MAX_HEADER || n > size - 8) {
                throw new ModelFormatException(file + " is not a safetensors file: header length " + n
                        + " does not fit the file size " + size);
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            long dataStart = 8 + n;
            long dataLength = size - dataStart;
            return parse(file.toString(), header.array(), dataLength, keepDouble, (begin, length) -> {
                // mapping avoids a heap copy of the whole file; each tensor is read once
                return ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, length).order(ByteOrder.LITTLE_ENDIAN);
            });
        }
    }

    /** Parses a complete safetensors file held in memory. */
    public static Contents readContents(byte[] bytes, String sourceName) throws IOException {
        if (bytes.length < 8) {
            throw new ModelFormatException(sourceName + " is not a safetensors file: only " + bytes.length + " bytes");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n <= 0 || n > MAX_HEADER || n > bytes.length - 8L) {
            throw new ModelFormatException(sourceName + " is not a safetensors file: header length " + n
                    + " does not fit the size " + bytes.length);
        }
        byte[] header = Arrays.copyOfRange(bytes, 8, 8 + (int) n);
        int dataStart = 8 + (int) n;
        return parse(sourceName, header, bytes.length - dataStart, false, (begin, length) ->
                ByteBuffer.wrap(bytes, dataStart + (int) begin, (int) length).slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    @FunctionalInterface
    private interface DataSource {
        ByteBuffer slice(long begin, long length) throws IOException;
    }

    private static Contents parse(String source, byte[] headerBytes, long dataLength, boolean keepDouble,
                                  DataSource data)
            throws IOException {
        JsonNode header;
        try {
            header = PyJson.MAPPER.readTree(new String(headerBytes, StandardCharsets.UTF_8).trim());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(source + ": the safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelFormatException(source + ": the safetensors header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode info = e.getValue();
            if (name.equals("__metadata__")) {
                if (!info.isObject()) {
                    throw new ModelFormatException(source + ": __metadata__ must be a JSON object of strings");
                }
                info.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(name, readTensor(source, name, info, dataLength, keepDouble, data));
        }
        return new Contents(tensors, metadata);
    }

    private static INDArray readTensor(String source, String name, JsonNode info, long dataLength,
                                       boolean keepDouble, DataSource data) throws IOException {
        String where = source + ", tensor '" + name + "'";
        JsonNode dtypeNode = info.get("dtype");
        JsonNode shapeNode = info.get("shape");
        JsonNode offsets = info.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || !shapeNode.isArray() || offsets == null || !offsets.isArray()
                || offsets.size() != 2) {
            throw new ModelFormatException(where + ": needs dtype, shape and data_offsets [begin, end]");
        }
        String dtype = dtypeNode.asText();
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new ModelFormatException(where + ": invalid shape " + shapeNode);
            }
            count = Math.multiplyExact(count, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        int width = switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64", "I64" -> 8;
            default -> throw new ModelFormatException(where + ": dtype " + dtype
                    + " is not supported (supported: F32, F16, BF16, F64, I64, I32)");
        };
        if (begin < 0 || end < begin || end > dataLength || end - begin != count * width) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end + "] do not match shape "
                    + Arrays.toString(shape) + " of " + dtype + " within " + dataLength + " data bytes");
        }
        if (count > Integer.MAX_VALUE) {
            throw new ModelFormatException(where + ": " + count + " elements is too many for one Java array");
        }
        int n = (int) count;
        if (n == 0) {
            DataType t = dtype.startsWith("I") ? (dtype.equals("I64") ? DataType.LONG : DataType.INT)
                    : keepDouble && dtype.equals("F64") ? DataType.DOUBLE : DataType.FLOAT;
            return Nd4j.create(t, shape);
        }
        ByteBuffer buf = data.slice(begin, end - begin);
        switch (dtype) {
            case "F32": {
                float[] f = new float[n];
                buf.asFloatBuffer().get(f);
                return Nd4j.create(f, shape, DataType.FLOAT);
            }
            case "F64": {
                double[] d = new double[n];
                buf.asDoubleBuffer().get(d);
                if (keepDouble) {
                    return Nd4j.create(d, shape, DataType.DOUBLE);
                }
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) d[i];
                }
                return Nd4j.create(f, shape, DataType.FLOAT);
            }
            case "F16": {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = halfToFloat(buf.getShort(2 * i));
                }
                return Nd4j.create(f, shape, DataType.FLOAT);
            }
            case "BF16": {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = Float.intBitsToFloat((buf.getShort(2 * i) & 0xffff) << 16);
                }
                return Nd4j.create(f, shape, DataType.FLOAT);
            }
            case "I64": {
                long[] l = new long[n];
                buf.asLongBuffer().get(l);
                return Nd4j.create(l, shape, DataType.LONG);
            }
            case "I32": {
                int[] v = new int[n];
                buf.asIntBuffer().get(v);
                return Nd4j.create(v, shape, DataType.INT);
            }
            default:
                throw new AssertionError(dtype);
        }
    }

    /** IEEE 754 binary16 to float (exact: every half value is a float). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal half: mant * 2^-24
            float v = mant * 0x1.0p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Writes {@code tensors} with metadata {@code {"format": "pt"}}. */
    public static void write(Path file, Map<String, INDArray> tensors) throws IOException {
        write(file, tensors, Map.of("format", "pt"));
    }

    /**
     * Writes a safetensors file (via a temporary file in the same folder, moved into place at the end).
     *
     * @param metadata string metadata (written sorted by key); empty for none
     */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(out, tensors, metadata);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The bytes of a safetensors file. */
    public static byte[] toBytes(Map<String, INDArray> tensors, Map<String, String> metadata) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        write(out, tensors, metadata);
        return out.toByteArray();
    }

    private record Entry(String name, String dtype, INDArray array) {
    }

    private static void write(OutputStream out, Map<String, INDArray> tensors, Map<String, String> metadata)
            throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            String dtype = switch (a.dataType()) {
                case FLOAT -> "F32";
                case DOUBLE -> "F64";
                case LONG -> "I64";
                case INT -> "I32";
                default -> throw new IllegalArgumentException("tensor '" + e.getKey() + "' has data type "
                        + a.dataType() + "; writable are FLOAT, DOUBLE, LONG and INT");
            };
            entries.add(new Entry(e.getKey(), dtype, a));
        }
        // the Rust serializer orders by dtype (largest first) and then by name (byte order)
        entries.sort((x, y) -> {
            int c = Integer.compare(DTYPE_ORDER.indexOf(y.dtype), DTYPE_ORDER.indexOf(x.dtype));
            return c != 0 ? c : Arrays.compare(x.name.getBytes(StandardCharsets.UTF_8),
                    y.name.getBytes(StandardCharsets.UTF_8));
        });

        ObjectNode header = PyJson.object();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode info = header.putObject(e.name);
            info.put("dtype", e.dtype);
            ArrayNode shape = info.putArray("shape");
            for (long d : e.array.shape()) {
                shape.add(d);
            }
            long bytes = e.array.length() * e.array.dataType().width();
            ArrayNode offs = info.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + bytes);
            offset += bytes;
        }
        byte[] json = PyJson.MAPPER.writeValueAsBytes(header);
        int pad = (8 - json.length % 8) % 8;
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad);
        out.write(len.array());
        out.write(json);
        for (int i = 0; i < pad; i++) {
            out.write(' ');
        }
        for (Entry e : entries) {
            writeData(out, e.array);
        }
    }

    private static void writeData(OutputStream out, INDArray a) throws IOException {
        if (a.length() == 0) {
            return;
        }
        // a fresh c-order copy unless the array already is one exact buffer (views and f-order need the copy)
        INDArray c = (a.ordering() == 'c' && !a.isView() && a.data().length() == a.length()) ? a : a.dup('c');
        final int chunk = 1 << 16;
        ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        switch (a.dataType()) {
            case FLOAT -> {
                float[] v = c.data().asFloat();
                for (int i = 0; i < v.length; i += chunk) {
                    buf.clear();
                    int m = Math.min(chunk, v.length - i);
                    buf.asFloatBuffer().put(v, i, m);
                    out.write(buf.array(), 0, m * 4);
                }
            }
            case DOUBLE -> {
                double[] v = c.data().asDouble();
                for (int i = 0; i < v.length; i += chunk) {
                    buf.clear();
                    int m = Math.min(chunk, v.length - i);
                    buf.asDoubleBuffer().put(v, i, m);
                    out.write(buf.array(), 0, m * 8);
                }
            }
            case LONG -> {
                long[] v = c.data().asLong();
                for (int i = 0; i < v.length; i += chunk) {
                    buf.clear();
                    int m = Math.min(chunk, v.length - i);
                    buf.asLongBuffer().put(v, i, m);
                    out.write(buf.array(), 0, m * 8);
                }
            }
            case INT -> {
                int[] v = c.data().asInt();
                for (int i = 0; i < v.length; i += chunk) {
                    buf.clear();
                    int m = Math.min(chunk, v.length - i);
                    buf.asIntBuffer().put(v, i, m);
                    out.write(buf.array(), 0, m * 4);
                }
            }
            default -> throw new AssertionError(a.dataType());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }
}
