package org.sentence4j.losses;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

/**
 * Checks every loss's analytic gradient against central finite differences in float64, on fresh random
 * embeddings. The configurations (and labels, guide embeddings and loss parameters, which define the
 * structure of a case) come from the golden fixture cases; the embeddings are redrawn with the same
 * shapes and spread, so the check does not depend on the fixtures' values.
 *
 * <p>Cases with a stop-gradient (MNRL hardness weighting, the KL target of the layer-wise modifiers)
 * are not derivatives of their value: for the layer-wise modifiers only the prior layers' gradients are
 * checked (the detached target depends on the final layer only); hardness-weighted cases are left out.
 */
class FiniteDifferenceGradientTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();
    private static final double H = 1e-6;
    private static final int ENTRIES_PER_INPUT = 6;

    @TestFactory
    Stream<DynamicTest> gradientsMatchFiniteDifferences() throws IOException {
        List<File> files = new ArrayList<>();
        for (File dir : List.of(TestData.lossFixtures().toFile(), TestData.lossFixturesV6().toFile())) {
            File[] inDir = dir.listFiles((d, n) -> n.endsWith(".json"));
            Arrays.sort(inDir, Comparator.comparing(File::getName));
            files.addAll(Arrays.asList(inDir));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (File f : files) {
            List<FixtureCase> cases = FixtureCase.read(f);
            // two cases per loss keep the suite short: the first (defaults) and the one in the middle
            List<FixtureCase> chosen = cases.size() < 2 ? cases : List.of(cases.get(0), cases.get(cases.size() / 2));
            for (FixtureCase c : chosen) {
                if (hasHardnessPenalty(c)) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(c.toString(), () -> GoldenFixturesTest.named(c, () -> check(c))));
            }
        }
        return tests.stream();
    }

    private static boolean hasHardnessPenalty(FixtureCase c) {
        Map<String, Object> cfg = FixtureCase.toMap(c.node.get("config"));
        Object mode = cfg.get("hardness_mode");
        Object strength = cfg.get("hardness_strength");
        return mode != null && strength instanceof Number n && n.doubleValue() > 0;
    }

    private static boolean detachesFinalLayer(FixtureCase c) {
        return c.node.path("extra").has("layer_embeddings")
                && c.node.path("config").path("kl_temperature").asDouble(0) > 0;
    }

    static void check(FixtureCase c) {
        Random rng = new Random(c.toString().hashCode());
        LossBatch original = c.batch();
        List<INDArray> columns = new ArrayList<>();
        for (INDArray col : original.columns()) {
            columns.add(redraw(col, rng));
        }
        LossBatch batch = LossBatch.of(columns);
        if (original.labels() != null) {
            batch.withLabels(original.labels());
        }
        batch.withGuideEmbeddings(original.guideEmbeddings());
        if (original.priorLayerEmbeddings() != null) {
            List<List<INDArray>> layers = new ArrayList<>();
            for (List<INDArray> layer : original.priorLayerEmbeddings()) {
                layers.add(layer.stream().map(a -> redraw(a, rng)).toList());
            }
            batch.withPriorLayerEmbeddings(layers);
        }
        original.parameters().forEach(batch::withParameter);

        SentenceLoss loss = REGISTRY.create(c.spec());
        EmbeddingLossRunner.Prepared prepared = new EmbeddingLossRunner(DataType.DOUBLE).prepare(loss, batch);
        LossEvaluation analytic = prepared.evaluate();

        if (!detachesFinalLayer(c)) {
            for (int i = 0; i < columns.size(); i++) {
                compareInput(c + " column " + i, prepared, prepared.columnInputs().get(i), columns.get(i),
                        analytic.gradColumns().get(i), rng);
            }
        }
        for (int h = 0; h < prepared.layerInputs().size(); h++) {
            for (int i = 0; i < columns.size(); i++) {
                compareInput(c + " layer " + h + " column " + i, prepared, prepared.layerInputs().get(h).get(i),
                        batch.priorLayerEmbeddings().get(h).get(i), analytic.gradLayers().get(h).get(i), rng);
            }
        }
        for (Map.Entry<String, SDVariable> p : prepared.parameters().entrySet()) {
            INDArray value = p.getValue().getArr();
            INDArray grad = analytic.gradParameters().get(p.getKey());
            for (long idx : sample(value.length(), rng)) {
                double v = value.getDouble(idx);
                value.putScalar(idx, v + H);
                double plus = prepared.value().loss();
                value.putScalar(idx, v - H);
                double minus = prepared.value().loss();
                value.putScalar(idx, v);
                assertClose(c + " parameter " + p.getKey() + "[" + idx + "]", (plus - minus) / (2 * H),
                        grad.reshape(-1).getDouble(idx), grad);
            }
        }
    }

    private static void compareInput(String what, EmbeddingLossRunner.Prepared prepared, String input, INDArray values,
                                     INDArray grad, Random rng) {
        INDArray x = values.castTo(DataType.DOUBLE).dup();
        for (long idx : sample(x.length(), rng)) {
            assertClose(what + "[" + idx + "]", centralDifference(prepared, input, x, idx), grad.reshape(-1).getDouble(idx),
                    grad);
        }
    }

    /**
     * The loss's derivative with respect to entry {@code idx} of the (float64) input {@code x} by central
     * differences of step {@link #H}; {@code x} is left as it was.
     */
    static double centralDifference(EmbeddingLossRunner.Prepared prepared, String input, INDArray x, long idx) {
        INDArray flat = x.reshape(-1);
        double v = flat.getDouble(idx);
        flat.putScalar(idx, v + H);
        double plus = prepared.value(Map.of(input, x)).loss();
        flat.putScalar(idx, v - H);
        double minus = prepared.value(Map.of(input, x)).loss();
        flat.putScalar(idx, v);
        return (plus - minus) / (2 * H);
    }

    private static void assertClose(String what, double numeric, double analytic, INDArray wholeGradient) {
        double scale = Math.max(1.0, wholeGradient.amaxNumber().doubleValue());
        assertTrue(Math.abs(numeric - analytic) <= 1e-5 * scale + 1e-4 * Math.abs(numeric),
                () -> what + ": analytic " + analytic + " vs finite difference " + numeric);
    }

    private static long[] sample(long n, Random rng) {
        if (n <= ENTRIES_PER_INPUT) {
            long[] all = new long[(int) n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        return rng.longs(ENTRIES_PER_INPUT, 0, n).toArray();
    }

    /** Fresh normal values with the spread of the original (so scales and temperatures stay meaningful). */
    private static INDArray redraw(INDArray like, Random rng) {
        double std = Math.max(like.stdNumber().doubleValue(), 1e-3);
        double[] data = new double[(int) like.length()];
        for (int i = 0; i < data.length; i++) {
            data[i] = rng.nextGaussian() * std;
        }
        return Nd4j.create(data, like.shape(), DataType.DOUBLE);
    }
}
