package org.sentence4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossEvaluation;

/**
 * Every case of every {@code *.json} golden fixture file in the directory named by the system property
 * {@code fixtures.losses} (default: the repository's {@code testdata/fixtures/losses}, see {@link TestData}) and of
 * {@code fixtures.losses.v6} (default {@code testdata/fixtures/losses-v6}: the losses v6 added): the loss value and
 * the gradients with respect to every embedding column, layer embedding and loss parameter must match
 * the float64 reference at the tolerances of the fixtures README, computed in float32 as in training.
 * A case of a loss this library does not know fails.
 *
 * <p>Run against any fixture directory:
 * {@code mvn -pl dl4j-losses test -Dtest=GoldenFixturesTest -Dfixtures.losses=<dir>}.
 * {@code -Dfixtures.dtype=DOUBLE} runs the same cases in float64; {@code -Dfixtures.only=A,B} runs only the
 * files {@code A.json} and {@code B.json}.
 */
class GoldenFixturesTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();

    @TestFactory
    Stream<DynamicTest> everyFixtureCase() throws IOException {
        List<File> files = new ArrayList<>();
        for (File dir : List.of(TestData.lossFixtures().toFile(), TestData.lossFixturesV6().toFile())) {
            File[] inDir = dir.listFiles((d, n) -> n.endsWith(".json"));
            assertNotNull(inDir, "cannot list fixture directory " + dir);
            assertTrue(inDir.length > 0, "no *.json fixture files in " + dir);
            Arrays.sort(inDir, Comparator.comparing(File::getName));
            files.addAll(Arrays.asList(inDir));
        }
        DataType dtype = DataType.valueOf(System.getProperty("fixtures.dtype", "FLOAT"));
        String only = System.getProperty("fixtures.only", "");
        List<String> selected = only.isBlank() ? List.of() : Arrays.asList(only.split(","));
        List<DynamicTest> tests = new ArrayList<>();
        for (File f : files) {
            if (!selected.isEmpty() && !selected.contains(f.getName().replace(".json", ""))) {
                continue;
            }
            for (FixtureCase c : FixtureCase.read(f)) {
                tests.add(DynamicTest.dynamicTest(c.toString(), () -> named(c, () -> check(c, dtype))));
            }
        }
        return tests.stream();
    }

    /** Runs a check so that any failure, also an exception, names its fixture case. */
    static void named(FixtureCase c, Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AssertionError(c + ": " + e, e);
        }
    }

    static void check(FixtureCase c, DataType dtype) {
        Tolerance tol = Tolerance.forCase(c);
        SentenceLoss loss = REGISTRY.create(c.spec());
        LossEvaluation eval = new EmbeddingLossRunner(dtype).evaluate(loss, c.batch());
        JsonNode expected = c.expected();

        double want = expected.get("loss").asDouble();
        assertTrue(Math.abs(eval.loss() - want) <= tol.atol + tol.rtol * Math.abs(want),
                () -> c + ": loss " + eval.loss() + " != expected " + want);

        JsonNode ge = expected.get("grad_embeddings");
        assertEquals(ge.size(), eval.gradColumns().size(), c + ": number of embedding gradients");
        for (int i = 0; i < ge.size(); i++) {
            compare(c + " grad_embeddings[" + i + "]", FixtureCase.array(ge.get(i)), eval.gradColumns().get(i), tol);
        }
        JsonNode gp = expected.path("grad_params");
        for (Iterator<Map.Entry<String, JsonNode>> it = gp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            INDArray actual = eval.gradParameters().get(e.getKey());
            assertNotNull(actual, c + ": no gradient for parameter " + e.getKey());
            compare(c + " grad_params." + e.getKey(), FixtureCase.array(e.getValue()), actual, tol);
        }
        JsonNode gl = expected.path("grad_extra").path("layer_embeddings");
        if (!gl.isMissingNode()) {
            assertEquals(gl.size(), eval.gradLayers().size(), c + ": number of layer gradients");
            for (int h = 0; h < gl.size(); h++) {
                for (int col = 0; col < gl.get(h).size(); col++) {
                    compare(c + " grad_extra.layer_embeddings[" + h + "][" + col + "]",
                            FixtureCase.array(gl.get(h).get(col)), eval.gradLayers().get(h).get(col), tol);
                }
            }
        }
        if (expected.has("components")) {
            expected.get("components").fields().forEachRemaining(e -> {
                Double v = eval.components().get(e.getKey());
                assertNotNull(v, c + ": missing component " + e.getKey());
                double w = e.getValue().asDouble();
                assertTrue(Math.abs(v - w) <= tol.atol + tol.rtol * Math.abs(w), c + ": component " + e.getKey());
            });
        }
    }

    /** Elementwise {@code |a - e| <= atol * max(1, max|e|) + rtol * |e|}, as the fixtures README says. */
    static void compare(String what, INDArray expected, INDArray actual, Tolerance tol) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(e.shape());
        assertFalse(a.isNaN().any() || a.isInfinite().any(), what + ": contains NaN or infinity");
        double scale = Math.max(1.0, e.amaxNumber().doubleValue());
        double[] ev = e.data().asDouble();
        double[] av = a.dup().data().asDouble();
        for (int i = 0; i < ev.length; i++) {
            double bound = tol.atol * scale + tol.rtol * Math.abs(ev[i]);
            if (Math.abs(av[i] - ev[i]) > bound) {
                throw new AssertionError(what + ": element " + i + " is " + av[i] + ", expected " + ev[i]
                        + " (|diff| " + Math.abs(av[i] - ev[i]) + " > " + bound + ")");
            }
        }
    }

    /** The tolerances of the fixtures README. */
    record Tolerance(double rtol, double atol) {
        static Tolerance forCase(FixtureCase c) {
            boolean gist = c.loss.contains("GIST");
            JsonNode base = c.node.path("extra").path("base_loss").path("loss");
            if (!base.isMissingNode() && base.asText().contains("GIST")) {
                gist = true;
            }
            return gist ? new Tolerance(1e-3, 1e-4) : new Tolerance(1e-4, 1e-5);
        }
    }
}
