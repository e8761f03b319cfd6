package org.sentence4j.losses;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.runner.LossBatch;

/** One case of a golden fixture file ({@code loss-golden/1}), read into ND4J arrays. */
final class FixtureCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String file;
    final String loss;
    final String name;
    final JsonNode node;

    private FixtureCase(String file, String loss, JsonNode node) {
        this.file = file;
        this.loss = loss;
        this.name = node.get("name").asText();
        this.node = node;
    }

    /** Every case of one fixture file. */
    static List<FixtureCase> read(File f) throws IOException {
        JsonNode root = JSON.readTree(f);
        if (!"loss-golden/1".equals(root.path("format").asText())) {
            throw new IllegalArgumentException(f + ": not a loss-golden/1 fixture file");
        }
        String loss = root.get("loss").asText();
        List<FixtureCase> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            cases.add(new FixtureCase(f.getName(), loss, c));
        }
        return cases;
    }

    /** The loss under test with its configuration (and base loss for modifiers). */
    LossSpec spec() {
        LossSpec base = null;
        JsonNode b = node.path("extra").path("base_loss");
        if (!b.isMissingNode()) {
            base = new LossSpec(b.get("loss").asText(), toMap(b.get("config")), null);
        }
        return new LossSpec(loss, toMap(node.get("config")), base);
    }

    LossBatch batch() {
        List<INDArray> columns = new ArrayList<>();
        for (JsonNode e : node.get("embeddings")) {
            columns.add(array(e));
        }
        LossBatch batch = LossBatch.of(columns);
        JsonNode labels = node.get("labels");
        if (labels != null && !labels.isNull()) {
            batch.withLabels(array(labels));
        }
        JsonNode extra = node.path("extra");
        if (extra.has("guide_embeddings")) {
            List<INDArray> guide = new ArrayList<>();
            extra.get("guide_embeddings").forEach(g -> guide.add(array(g)));
            batch.withGuideEmbeddings(guide);
        }
        if (extra.has("layer_embeddings")) {
            List<List<INDArray>> layers = new ArrayList<>();
            JsonNode all = extra.get("layer_embeddings");
            for (int h = 0; h < all.size() - 1; h++) { // the last entry is the final output = the columns
                List<INDArray> cols = new ArrayList<>();
                all.get(h).forEach(c -> cols.add(array(c)));
                layers.add(cols);
            }
            batch.withPriorLayerEmbeddings(layers);
        }
        JsonNode params = node.path("params");
        params.fields().forEachRemaining(p -> batch.withParameter(p.getKey(), array(p.getValue())));
        return batch;
    }

    JsonNode expected() {
        return node.get("expected");
    }

    static Map<String, Object> toMap(JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        n.fields().forEachRemaining(e -> out.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
        return out;
    }

    /** A JSON number or nested list as a DOUBLE array of the same shape. */
    static INDArray array(JsonNode n) {
        if (n.isNumber()) {
            return Nd4j.scalar(DataType.DOUBLE, n.asDouble());
        }
        List<Long> shape = new ArrayList<>();
        JsonNode cur = n;
        while (cur.isArray()) {
            shape.add((long) cur.size());
            if (cur.size() == 0) {
                break;
            }
            cur = cur.get(0);
        }
        List<Double> flat = new ArrayList<>();
        flatten(n, flat);
        double[] data = flat.stream().mapToDouble(Double::doubleValue).toArray();
        long[] s = shape.stream().mapToLong(Long::longValue).toArray();
        return Nd4j.create(data, s, DataType.DOUBLE);
    }

    private static void flatten(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            n.forEach(c -> flatten(c, out));
        } else {
            out.add(n.asDouble());
        }
    }

    @Override
    public String toString() {
        return file.replace(".json", "") + "/" + name;
    }
}
