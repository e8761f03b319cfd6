package org.sentence4j.losses.triplet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.TestData;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

/** Validation, configuration, defaults and edge cases of the triplet family. */
class TripletLossesTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();
    private static final List<String> BATCH_LOSSES = List.of("BatchAllTripletLoss", "BatchHardTripletLoss",
            "BatchHardSoftMarginTripletLoss", "BatchSemiHardTripletLoss");
    private static final String EUCLIDEAN = "BatchHardTripletLossDistanceFunction.euclidean_distance";

    private static INDArray matrix(double[][] rows) {
        return Nd4j.create(rows).castTo(DataType.DOUBLE);
    }

    private static INDArray vector(double... v) {
        return Nd4j.createFromArray(v);
    }

    private static INDArray random(long rows, long dim, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, dim);
    }

    private static LossEvaluation eval(SentenceLoss loss, LossBatch batch) {
        return new EmbeddingLossRunner(DataType.DOUBLE).evaluate(loss, batch);
    }

    private static void fails(String fragment, Executable body) {
        LossInputException e = assertThrows(LossInputException.class, body::run);
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @FunctionalInterface
    private interface Executable {
        void run();
    }

    // ---------------------------------------------------------------- validation

    @Test
    void batchLossesRejectBadInputs() {
        INDArray x = random(4, 3, 1);
        INDArray labels = vector(0, 0, 1, 1);
        for (String name : BATCH_LOSSES) {
            SentenceLoss loss = REGISTRY.create(name, Map.of());
            fails(name + " expects 1 input column(s) (sentence), but got 2",
                    () -> eval(loss, LossBatch.of(x, x).withLabels(labels)));
            fails(name + " needs labels", () -> eval(loss, LossBatch.of(x)));
            fails("expects labels of rank 1", () -> eval(loss, LossBatch.of(x).withLabels(labels.reshape(4, 1))));
            fails("expects integer class labels, but got non-integer values",
                    () -> eval(loss, LossBatch.of(x).withLabels(vector(0, 0.5, 1, 1))));
            fails("labels have 3 rows but the embeddings have 4",
                    () -> eval(loss, LossBatch.of(x).withLabels(vector(0, 0, 1))));
            fails("the batch is empty", () -> eval(loss, LossBatch.of(Nd4j.zeros(DataType.DOUBLE, 0, 3))
                    .withLabels(Nd4j.zeros(DataType.DOUBLE, 0))));
            INDArray nan = x.dup();
            nan.putScalar(1, 1, Double.NaN);
            fails("contains NaN", () -> eval(loss, LossBatch.of(nan).withLabels(labels)));
            fails(name + ": unknown distance_metric 'manhattan'",
                    () -> REGISTRY.create(name, Map.of("distance_metric", "manhattan")));
            fails(name + " has no option 'triplet_margin'",
                    () -> REGISTRY.create(name, Map.of("triplet_margin", 1.0)));
        }
        for (String name : List.of("BatchAllTripletLoss", "BatchHardTripletLoss", "BatchSemiHardTripletLoss")) {
            fails(name + ": option 'margin' must be a number, but is 'wide'",
                    () -> REGISTRY.create(name, Map.of("margin", "wide")));
        }
        fails("BatchHardSoftMarginTripletLoss has no option 'margin'",
                () -> REGISTRY.create("BatchHardSoftMarginTripletLoss", Map.of("margin", 1.0)));
        fails("option 'margin' must be a finite number",
                () -> BatchHardTripletLoss.builder().margin(Double.NaN).build());
        fails("option 'distance_metric' must not be null",
                () -> BatchAllTripletLoss.builder().distanceMetric(null).build());
    }

    @Test
    void tripletLossRejectsBadInputs() {
        INDArray x = random(3, 4, 2);
        SentenceLoss loss = TripletLoss.defaults();
        fails("TripletLoss expects 3 input column(s) (anchor, positive, negative), but got 2",
                () -> eval(loss, LossBatch.of(x, x)));
        fails("TripletLoss expects 3 input column(s)", () -> eval(loss, LossBatch.of(x, x, x, x)));
        fails("TripletLoss takes no labels", () -> eval(loss, LossBatch.of(x, x, x).withLabels(vector(1, 0, 1))));
        fails("all columns must have the same batch size",
                () -> eval(loss, LossBatch.of(x, x, random(2, 4, 3))));
        fails("TripletLoss: unknown distance_metric 'TripletDistanceMetric.CHEBYSHEV'",
                () -> REGISTRY.create("TripletLoss", Map.of("distance_metric", "TripletDistanceMetric.CHEBYSHEV")));
        fails("TripletLoss has no option 'margin'", () -> REGISTRY.create("TripletLoss", Map.of("margin", 1.0)));
        fails("option 'triplet_margin' must be a number",
                () -> REGISTRY.create("TripletLoss", Map.of("triplet_margin", "x")));
        fails("option 'triplet_margin' must be a finite number",
                () -> TripletLoss.builder().tripletMargin(Double.POSITIVE_INFINITY).build());
    }

    // ---------------------------------------------------------------- config, citation, defaults

    @Test
    void defaultsMatchUpstream() {
        Map<String, Object> withMargin = new LinkedHashMap<>();
        withMargin.put("distance_metric", EUCLIDEAN);
        withMargin.put("margin", 5.0);
        assertEquals(withMargin, BatchAllTripletLoss.defaults().config());
        assertEquals(withMargin, BatchHardTripletLoss.defaults().config());
        assertEquals(withMargin, BatchSemiHardTripletLoss.defaults().config());
        assertEquals(Map.of("distance_metric", EUCLIDEAN), BatchHardSoftMarginTripletLoss.defaults().config());
        Map<String, Object> triplet = new LinkedHashMap<>();
        triplet.put("distance_metric", "TripletDistanceMetric.EUCLIDEAN");
        triplet.put("triplet_margin", 5.0);
        assertEquals(triplet, TripletLoss.defaults().config());
        for (String name : BATCH_LOSSES) {
            assertEquals(REGISTRY.create(name, Map.of()).config(), defaultsOf(name).config(), name);
        }
        assertEquals(triplet, REGISTRY.create("TripletLoss", Map.of()).config());
        // key order is the constructor order
        assertEquals(List.of("distance_metric", "margin"), new ArrayList<>(BatchHardTripletLoss.defaults().config().keySet()));
        assertEquals(List.of("distance_metric", "triplet_margin"), new ArrayList<>(TripletLoss.defaults().config().keySet()));
    }

    private static SentenceLoss defaultsOf(String name) {
        return switch (name) {
            case "BatchAllTripletLoss" -> BatchAllTripletLoss.defaults();
            case "BatchHardTripletLoss" -> BatchHardTripletLoss.defaults();
            case "BatchHardSoftMarginTripletLoss" -> BatchHardSoftMarginTripletLoss.defaults();
            case "BatchSemiHardTripletLoss" -> BatchSemiHardTripletLoss.defaults();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void namesAndCitations() {
        for (String name : BATCH_LOSSES) {
            SentenceLoss loss = REGISTRY.create(name, Map.of());
            assertEquals(name, loss.name());
            assertEquals(Citations.HERMANS2017DEFENSE, loss.citation().orElseThrow());
        }
        assertEquals("TripletLoss", TripletLoss.defaults().name());
        assertEquals(Citations.HERMANS2017DEFENSE, TripletLoss.defaults().citation().orElseThrow());
    }

    @Test
    void distanceNamesAndAliases() {
        Map<String, Object> cfg = REGISTRY.create("BatchHardTripletLoss",
                Map.of("distance_metric", "BatchHardTripletLossDistanceFunction.eucledian_distance", "margin", 2)).config();
        assertEquals(EUCLIDEAN, cfg.get("distance_metric"), "the pre-v6 alias is reported under the v6 name");
        assertEquals(2.0, cfg.get("margin"));
        assertEquals(BatchDistance.EUCLIDEAN, BatchDistance.fromName("eucledian_distance", "L"));
        assertEquals(BatchDistance.EUCLIDEAN, BatchDistance.fromName("euclidean_distance", "L"));
        assertEquals(BatchDistance.COSINE, BatchDistance.fromName("BatchHardTripletLossDistanceFunction.cosine_distance", "L"));
        assertEquals("BatchHardTripletLossDistanceFunction.cosine_distance",
                REGISTRY.create("BatchAllTripletLoss", Map.of("distance_metric", "cosine_distance")).config().get("distance_metric"));
        assertEquals(TripletDistanceMetric.MANHATTAN, TripletDistanceMetric.fromName("TripletDistanceMetric.MANHATTAN", "L"));
        assertEquals(TripletDistanceMetric.COSINE, TripletDistanceMetric.fromName("cosine", "L"));
        assertEquals("TripletDistanceMetric.COSINE",
                REGISTRY.create("TripletLoss", Map.of("distance_metric", "COSINE")).config().get("distance_metric"));
    }

    /** Every fixture config goes through the registry unchanged: same keys, same values, same order. */
    @Test
    void fixtureConfigsRoundTrip() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (FixtureFile f : fixtures()) {
            for (JsonNode c : f.cases()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> config = json.convertValue(c.get("config"), LinkedHashMap.class);
                Map<String, Object> reported = REGISTRY.create(f.loss(), config).config();
                assertEquals(new ArrayList<>(config.keySet()), new ArrayList<>(reported.keySet()), f.loss());
                config.forEach((k, v) -> assertEquals(v instanceof Number n ? (Object) n.doubleValue() : v, reported.get(k),
                        f.loss() + "/" + c.get("name").asText() + " " + k));
            }
        }
    }

    // ---------------------------------------------------------------- behaviour at the edges

    @Test
    void allLabelsEqual() {
        INDArray x = random(5, 4, 7);
        INDArray labels = vector(3, 3, 3, 3, 3);
        LossEvaluation hard = eval(BatchHardTripletLoss.builder().margin(2.5).build(), LossBatch.of(x).withLabels(labels));
        assertEquals(2.5, hard.loss(), 1e-12);
        assertEquals(0.0, hard.gradColumns().get(0).amaxNumber().doubleValue(), 1e-12);
        LossEvaluation soft = eval(BatchHardSoftMarginTripletLoss.defaults(), LossBatch.of(x).withLabels(labels));
        assertEquals(Math.log(2), soft.loss(), 1e-12);
        assertEquals(0.0, soft.gradColumns().get(0).amaxNumber().doubleValue(), 1e-12);
        LossEvaluation all = eval(BatchAllTripletLoss.defaults(), LossBatch.of(x).withLabels(labels));
        assertEquals(0.0, all.loss(), 0.0);
        assertEquals(0.0, all.gradColumns().get(0).amaxNumber().doubleValue(), 0.0);
        // SemiHard: no negative at all, so neg = D[i][i] = 0 and the loss is mean D[i][p] + margin.
        LossEvaluation semi = eval(BatchSemiHardTripletLoss.builder().margin(1).build(), LossBatch.of(x).withLabels(labels));
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                if (i != j) {
                    sum += x.getRow(i).distance2(x.getRow(j));
                }
            }
        }
        assertEquals(sum / 20 + 1, semi.loss(), 1e-9);
        assertTrue(semi.gradColumns().get(0).amaxNumber().doubleValue() > 0);
    }

    @Test
    void batchOfOneAndUniqueLabels() {
        INDArray one = random(1, 4, 11);
        assertEquals(5.0, eval(BatchHardTripletLoss.defaults(), LossBatch.of(one).withLabels(vector(1))).loss(), 1e-12);
        assertEquals(0.0, eval(BatchAllTripletLoss.defaults(), LossBatch.of(one).withLabels(vector(1))).loss(), 0.0);
        assertEquals(0.0, eval(BatchSemiHardTripletLoss.defaults(), LossBatch.of(one).withLabels(vector(1))).loss(), 0.0);
        INDArray x = random(4, 4, 12);
        LossEvaluation semi = eval(BatchSemiHardTripletLoss.defaults(), LossBatch.of(x).withLabels(vector(0, 1, 2, 3)));
        assertEquals(0.0, semi.loss(), 0.0);
        assertEquals(0.0, semi.gradColumns().get(0).amaxNumber().doubleValue(), 0.0);
        LossEvaluation tl = eval(TripletLoss.builder().tripletMargin(3).build(), LossBatch.of(one, one, random(1, 4, 13)));
        assertTrue(Double.isFinite(tl.loss()));
    }

    /** Duplicate rows have distance 0: value finite and no NaN gradient (zero gradient at zero distance). */
    @Test
    void duplicateRowsHaveFiniteGradients() {
        INDArray x = matrix(new double[][] {{1, 2, 3}, {1, 2, 3}, {0, 1, 0}, {2, 0, 1}});
        INDArray labels = vector(0, 0, 1, 1);
        for (String name : BATCH_LOSSES) {
            LossEvaluation e = eval(REGISTRY.create(name, Map.of()), LossBatch.of(x).withLabels(labels));
            assertTrue(Double.isFinite(e.loss()), name);
            assertTrue(!e.gradColumns().get(0).isNaN().any() && !e.gradColumns().get(0).isInfinite().any(), name);
        }
        LossEvaluation t = eval(TripletLoss.defaults(), LossBatch.of(x, x, x.add(1.0)));
        assertEquals(5.0 - Math.sqrt(3), t.loss(), 1e-12);
        assertTrue(!t.gradColumns().get(1).isNaN().any());
        assertEquals(0.0, t.gradColumns().get(1).amaxNumber().doubleValue(), 0.0, "zero distance: zero gradient");
    }

    /** Only the equality of labels matters, also for large class ids. */
    @Test
    void largeIntegerLabels() {
        INDArray x = random(6, 3, 21);
        INDArray small = vector(0, 1, 0, 1, 2, 2);
        INDArray large = vector(1_000_001, 1_000_002, 1_000_001, 1_000_002, 7, 7);
        for (String name : BATCH_LOSSES) {
            SentenceLoss loss = REGISTRY.create(name, Map.of());
            assertEquals(eval(loss, LossBatch.of(x).withLabels(small)).loss(),
                    eval(loss, LossBatch.of(x).withLabels(large)).loss(), 1e-12, name);
        }
    }

    // ---------------------------------------------------------------- the fixtures in float64, tightly

    private record FixtureFile(String loss, List<JsonNode> cases) {
    }

    private static List<FixtureFile> fixtures() throws IOException {
        File dir = TestData.lossFixtures().toFile();
        ObjectMapper json = new ObjectMapper();
        List<FixtureFile> out = new ArrayList<>();
        for (String loss : List.of("BatchAllTripletLoss", "BatchHardTripletLoss", "BatchHardSoftMarginTripletLoss",
                "BatchSemiHardTripletLoss", "TripletLoss")) {
            File f = new File(dir, loss + ".json");
            // every fixture set has a file for each triplet loss: a missing one is an error, not fewer checks
            assertTrue(f.isFile(), "missing triplet fixture " + f);
            List<JsonNode> cases = new ArrayList<>();
            json.readTree(f).get("cases").forEach(cases::add);
            out.add(new FixtureFile(loss, cases));
        }
        return out;
    }

    private static INDArray array(JsonNode n) {
        List<Long> shape = new ArrayList<>();
        List<Double> flat = new ArrayList<>();
        for (JsonNode cur = n; cur.isArray(); cur = cur.get(0)) {
            shape.add((long) cur.size());
            if (cur.size() == 0) {
                break;
            }
        }
        flatten(n, flat);
        return Nd4j.create(flat.stream().mapToDouble(Double::doubleValue).toArray(),
                shape.stream().mapToLong(Long::longValue).toArray(), DataType.DOUBLE);
    }

    private static void flatten(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            n.forEach(c -> flatten(c, out));
        } else {
            out.add(n.asDouble());
        }
    }

    /**
     * In float64 the same formulas agree with the float64 reference to rounding error, far inside the
     * float32 budget the golden test uses: a wrong branch hidden by the tolerance would show here.
     */
    @Test
    void fixturesInDoubleAgreeToRounding() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (FixtureFile f : fixtures()) {
            for (JsonNode c : f.cases()) {
                String what = f.loss() + "/" + c.get("name").asText();
                @SuppressWarnings("unchecked")
                Map<String, Object> config = json.convertValue(c.get("config"), LinkedHashMap.class);
                List<INDArray> cols = new ArrayList<>();
                c.get("embeddings").forEach(e -> cols.add(array(e)));
                LossBatch batch = LossBatch.of(cols);
                if (c.hasNonNull("labels")) {
                    batch.withLabels(array(c.get("labels")));
                }
                LossEvaluation e = eval(REGISTRY.create(f.loss(), config), batch);
                double want = c.get("expected").get("loss").asDouble();
                assertEquals(want, e.loss(), 1e-10 * Math.max(1, Math.abs(want)), what);
                JsonNode grads = c.get("expected").get("grad_embeddings");
                for (int i = 0; i < grads.size(); i++) {
                    INDArray g = array(grads.get(i));
                    double err = g.sub(e.gradColumns().get(i)).amaxNumber().doubleValue();
                    assertTrue(err <= 1e-10 * Math.max(1, g.amaxNumber().doubleValue()), what + " grad " + i + ": " + err);
                }
            }
        }
    }
}
