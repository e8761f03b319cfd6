package org.sentence4j.losses.modifiers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sentence4j.losses.LossTestSupport.assertInputError;
import static org.sentence4j.losses.LossTestSupport.map;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.StepInputs;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

/**
 * MatryoshkaLoss, AdaptiveLayerLoss and Matryoshka2dLoss over a small test base loss ({@link ToyBaseLoss}):
 * values against the definitions computed by hand, finite-difference gradients in float64, dim/layer
 * sampling, named components, config, citations, defaults and every validation error.
 */
class ModifierLossesTest {

    private static final EmbeddingLossRunner RUNNER = new EmbeddingLossRunner(DataType.DOUBLE);

    // ---------------------------------------------------------------- data and reference math

    private static INDArray rand(long seed, int rows, int cols) {
        Random r = new Random(seed);
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return Nd4j.createFromArray(a);
    }

    private static double[][] m(INDArray a) {
        return a.toDoubleMatrix();
    }

    private static double[][] truncNorm(double[][] x, int d, boolean normalize) {
        double[][] out = new double[x.length][d];
        for (int i = 0; i < x.length; i++) {
            double n = 0;
            for (int j = 0; j < d; j++) {
                n += x[i][j] * x[i][j];
            }
            double s = normalize ? 1.0 / Math.max(Math.sqrt(n), 1e-12) : 1.0;
            for (int j = 0; j < d; j++) {
                out[i][j] = x[i][j] * s;
            }
        }
        return out;
    }

    /** {@link ToyBaseLoss} in plain Java: components dot and lin. */
    private static double[] toy(List<double[][]> cols, double[][] labels) {
        double[][] a = cols.get(0);
        double[][] b = cols.get(cols.size() - 1);
        int n = a.length;
        double dot = 0;
        double lin = 0;
        for (int i = 0; i < n; i++) {
            double s = 0.3;
            double sum = 0;
            for (int j = 0; j < a[i].length; j++) {
                s += a[i][j] * b[i][j];
                sum += a[i][j];
            }
            dot += s * s / n;
            lin += 0.1 * sum / n;
            if (labels != null) {
                for (int j = 0; j < a[i].length; j++) {
                    double dd = a[i][j] - labels[i][j];
                    lin += dd * dd / n;
                }
            }
        }
        return new double[] {dot, lin};
    }

    private static double toyTotal(List<double[][]> cols, double[][] labels) {
        double[] t = toy(cols, labels);
        return t[0] + t[1];
    }

    /** MatryoshkaLoss over the toy base in plain Java. */
    private static double matryoshkaRef(List<double[][]> cols, double[][] labels, int[] dims, double[] w, double[] mask) {
        double total = 0;
        for (int i = 0; i < dims.length; i++) {
            List<double[][]> t = new ArrayList<>();
            for (double[][] c : cols) {
                t.add(truncNorm(c, dims[i], true));
            }
            double[][] l = labels == null ? null
                    : labels[0].length == cols.get(0)[0].length ? truncNorm(labels, dims[i], false) : labels;
            total += w[i] * (mask == null ? 1 : mask[i]) * toyTotal(t, l);
        }
        return total;
    }

    private static double[][] stack(List<double[][]> cols) {
        List<double[]> rows = new ArrayList<>();
        cols.forEach(c -> rows.addAll(Arrays.asList(c)));
        return rows.toArray(new double[0][]);
    }

    private static double[][] logSoftmax(double[][] x, double t) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : x[i]) {
                max = Math.max(max, v / t);
            }
            double s = 0;
            for (double v : x[i]) {
                s += Math.exp(v / t - max);
            }
            double lse = Math.log(s) + max;
            out[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = x[i][j] / t - lse;
            }
        }
        return out;
    }

    private static double kl(List<double[][]> fin, List<double[][]> layer, double t) {
        double[][] lp = logSoftmax(stack(fin), t);
        double[][] lq = logSoftmax(stack(layer), t);
        double s = 0;
        for (int i = 0; i < lp.length; i++) {
            for (int j = 0; j < lp[i].length; j++) {
                s += Math.exp(lp[i][j]) * (lp[i][j] - lq[i][j]);
            }
        }
        return s / lp.length;
    }

    /** AdaptiveLayerLoss over a base given as a function of the columns, in plain Java. */
    private static double adaptiveRef(java.util.function.Function<List<double[][]>, Double> base, List<double[][]> fin,
                                      List<List<double[][]>> prior, double lastW, double priorW, double klW, double t,
                                      java.util.function.IntToDoubleFunction w, double[] mask, int used) {
        double total = lastW * base.apply(fin);
        for (int h = 0; h < prior.size(); h++) {
            double mk = mask == null ? 1 : mask[h];
            total += mk * base.apply(prior.get(h)) * w.applyAsDouble(h) / used * priorW;
            if (t > 0) {
                total += mk * kl(fin, prior.get(h), t) * t * klW;
            }
        }
        return total;
    }

    private static List<double[][]> ms(List<INDArray> a) {
        return a.stream().map(ModifierLossesTest::m).toList();
    }

    /** Directional central differences along random directions, for every array returned by {@code inputs}. */
    private static void checkGradients(Supplier<Double> value, List<INDArray> inputs, List<INDArray> grads) {
        Random r = new Random(3);
        double h = 1e-6;
        for (int k = 0; k < inputs.size(); k++) {
            INDArray x = inputs.get(k);
            for (int rep = 0; rep < 2; rep++) {
                INDArray dir = Nd4j.zeros(DataType.DOUBLE, x.shape());
                for (long e = 0; e < dir.length(); e++) {
                    dir.putScalar(e, r.nextGaussian());
                }
                x.addi(dir.mul(h));
                double plus = value.get();
                x.subi(dir.mul(2 * h));
                double minus = value.get();
                x.addi(dir.mul(h));
                double fd = (plus - minus) / (2 * h);
                double analytic = grads.get(k).mul(dir).sumNumber().doubleValue();
                assertEquals(fd, analytic, 1e-6 * Math.max(1, Math.abs(fd)), "directional derivative of input " + k);
            }
        }
    }

    private static LossRegistry registry(SentenceLoss toy) {
        LossRegistry r = LossRegistry.defaults();
        r.register("ToyBaseLoss", (opt, base) -> toy);
        return r;
    }

    private static LossSpec spec(String name, Map<String, Object> config) {
        return new LossSpec(name, config, LossSpec.of("ToyBaseLoss"));
    }

    private static void assertSameFormat(org.sentence4j.losses.InputFormat want, org.sentence4j.losses.InputFormat got) {
        assertEquals(want.minColumns(), got.minColumns());
        assertEquals(want.maxColumns(), got.maxColumns());
        assertEquals(want.labels(), got.labels());
        assertEquals(want.labelKind(), got.labelKind());
        assertArrayEquals(want.labelRanks(), got.labelRanks());
    }

    // ---------------------------------------------------------------- MatryoshkaLoss

    @Test
    void matryoshkaValueTruncatesNormalisesAndWeights() {
        List<INDArray> cols = List.of(rand(1, 4, 6), rand(2, 4, 6));
        INDArray labels = rand(3, 4, 6);
        MatryoshkaLoss loss = MatryoshkaLoss.builder().loss(ToyBaseLoss.scalar()).matryoshkaDims(3, 6, 2)
                .matryoshkaWeights(0.5, 1.0, 2.0).build();
        LossEvaluation e = RUNNER.evaluate(loss, LossBatch.of(cols).withLabels(labels));
        double want = matryoshkaRef(ms(cols), m(labels), new int[] {6, 3, 2}, new double[] {1.0, 0.5, 2.0}, null);
        assertEquals(want, e.loss(), 1e-10);
        assertTrue(e.components().containsKey(LossOutput.DEFAULT_COMPONENT));
        assertEquals(1, e.components().size());
    }

    @Test
    void matryoshkaLeavesLabelsOfAnotherShapeAlone() {
        // labels narrower than the embeddings are passed on untouched (the toy base then sees width 3 = dim 3)
        List<INDArray> cols = List.of(rand(1, 4, 6), rand(2, 4, 6));
        INDArray labels = rand(3, 4, 3);
        MatryoshkaLoss loss = MatryoshkaLoss.of(ToyBaseLoss.scalar(), 3);
        double want = matryoshkaRef(ms(cols), m(labels), new int[] {3}, new double[] {1}, null);
        assertEquals(want, RUNNER.value(loss, LossBatch.of(cols).withLabels(labels)).loss(), 1e-10);
    }

    @Test
    void matryoshkaGradientsMatchFiniteDifferences() {
        List<INDArray> cols = List.of(rand(4, 3, 5), rand(5, 3, 5), rand(6, 3, 5));
        INDArray labels = rand(7, 3, 5);
        MatryoshkaLoss loss = MatryoshkaLoss.builder().loss(ToyBaseLoss.scalar()).matryoshkaDims(2, 5, 4)
                .matryoshkaWeights(1.5, 0.5, 1.0).build();
        Supplier<LossBatch> batch = () -> LossBatch.of(cols).withLabels(labels);
        LossEvaluation e = RUNNER.evaluate(loss, batch.get());
        checkGradients(() -> RUNNER.value(loss, batch.get()).loss(), cols, e.gradColumns());
    }

    @Test
    void matryoshkaSortsDimsDescendingWithWeights() {
        MatryoshkaLoss loss = MatryoshkaLoss.builder().loss(ToyBaseLoss.scalar()).matryoshkaDims(4, 16, 8)
                .matryoshkaWeights(0.5, 2.0, 1.0).build();
        assertArrayEquals(new int[] {16, 8, 4}, loss.matryoshkaDims());
        assertArrayEquals(new double[] {2.0, 1.0, 0.5}, loss.matryoshkaWeights());
        Map<String, Object> c = loss.config();
        assertEquals(List.of("loss", "matryoshka_dims", "matryoshka_weights", "n_dims_per_step"), new ArrayList<>(c.keySet()));
        assertEquals("ToyBaseLoss", c.get("loss"));
        assertEquals(List.of(16, 8, 4), c.get("matryoshka_dims"));
        assertEquals(List.of(2.0, 1.0, 0.5), c.get("matryoshka_weights"));
        assertEquals(-1, c.get("n_dims_per_step"));
        assertEquals("MatryoshkaLoss", loss.name());
        assertEquals(Citations.KUSUPATI2024MATRYOSHKA, loss.citation().orElseThrow());
    }

    @Test
    void matryoshkaDefaults() {
        SentenceLoss base = ToyBaseLoss.scalar();
        MatryoshkaLoss loss = MatryoshkaLoss.of(base, 8, 32);
        assertSame(base, loss.loss());
        assertEquals(-1, loss.nDimsPerStep());
        assertArrayEquals(new double[] {1, 1}, loss.matryoshkaWeights());
        // upstream reports the defaulted weights as the integer list [1, 1]
        assertEquals(List.of(1, 1), loss.config().get("matryoshka_weights"));
        assertSameFormat(base.inputFormat(), loss.inputFormat());
    }

    @Test
    void matryoshkaKeepsNamedComponentsOfTheBase() {
        List<INDArray> cols = List.of(rand(1, 4, 6), rand(2, 4, 6));
        int[] dims = {6, 3};
        double[] w = {1.0, 0.25};
        MatryoshkaLoss named = MatryoshkaLoss.builder().loss(new ToyBaseLoss(true, true)).matryoshkaDims(dims)
                .matryoshkaWeights(w).build();
        LossEvaluation e = RUNNER.evaluate(named, LossBatch.of(cols));
        assertEquals(List.of("dot", "lin"), new ArrayList<>(e.components().keySet()));
        double dot = 0;
        double lin = 0;
        for (int i = 0; i < dims.length; i++) {
            List<double[][]> t = new ArrayList<>();
            for (INDArray c : cols) {
                t.add(truncNorm(m(c), dims[i], true));
            }
            double[] v = toy(t, null);
            dot += w[i] * v[0];
            lin += w[i] * v[1];
        }
        assertEquals(dot, e.components().get("dot"), 1e-10);
        assertEquals(lin, e.components().get("lin"), 1e-10);
        assertEquals(dot + lin, e.loss(), 1e-10);
    }

    @Test
    void matryoshkaTruncatesColumnsButNotTheGuide() {
        ToyBaseLoss toy = ToyBaseLoss.scalar();
        MatryoshkaLoss loss = MatryoshkaLoss.of(toy, 6, 2);
        List<INDArray> cols = List.of(rand(1, 3, 6), rand(2, 3, 6));
        RUNNER.value(loss, LossBatch.of(cols).withGuideEmbeddings(List.of(rand(3, 3, 6), rand(4, 3, 6))));
        assertEquals(2, toy.seen.size());
        assertEquals(6, toy.seen.get(0).embeddingDim());
        assertEquals(2, toy.seen.get(1).embeddingDim());
        for (LossInputs in : toy.seen) {
            List<SDVariable> guide = in.guideEmbeddings().orElseThrow();
            assertEquals(List.of("guide_0", "guide_1"), guide.stream().map(SDVariable::name).toList());
        }
    }

    @Test
    void matryoshkaSamplingIsOutsideTheGraphAndSeeded() {
        MatryoshkaLoss loss = MatryoshkaLoss.builder().loss(ToyBaseLoss.scalar()).matryoshkaDims(6, 4, 2)
                .matryoshkaWeights(1.0, 2.0, 3.0).nDimsPerStep(2).build();
        SameDiff sd = SameDiff.create();
        StepInputs steps = new StepInputs();
        LossInputs in = LossInputs.builder(sd)
                .columns(List.of(sd.placeHolder("a", DataType.DOUBLE, -1, 6), sd.placeHolder("b", DataType.DOUBLE, -1, 6)))
                .stepInputs(steps).build();
        loss.build(in);
        assertEquals(1, steps.samplers().size());
        for (int seed = 0; seed < 20; seed++) {
            Map<String, INDArray> s1 = steps.sample(new Random(seed));
            Map<String, INDArray> s2 = steps.sample(new Random(seed));
            assertEquals(s1, s2);
            INDArray mask = s1.values().iterator().next();
            assertArrayEquals(new long[] {3}, mask.shape());
            assertEquals(2.0, mask.sumNumber().doubleValue(), 0.0);
            for (double v : mask.toDoubleVector()) {
                assertTrue(v == 0.0 || v == 1.0);
            }
        }
        // every pair of dims is drawn at some point
        java.util.Set<String> drawn = new java.util.HashSet<>();
        Random r = new Random(1);
        for (int i = 0; i < 100; i++) {
            drawn.add(Arrays.toString(steps.sample(r).values().iterator().next().toDoubleVector()));
        }
        assertEquals(3, drawn.size());

        // the runner feeds one draw from Random(42); the value is the masked weighted sum
        List<INDArray> cols = List.of(rand(1, 4, 6), rand(2, 4, 6));
        double[] mask = ModifierSupport.sampleMask(new Random(42), 3, 2, DataType.DOUBLE).toDoubleVector();
        double want = matryoshkaRef(ms(cols), null, new int[] {6, 4, 2}, new double[] {1, 2, 3}, mask);
        assertEquals(want, new EmbeddingLossRunner(DataType.DOUBLE, 42).value(loss, LossBatch.of(cols)).loss(), 1e-10);
    }

    @Test
    void matryoshkaUsesEveryDimWithoutSampling() {
        for (int n : new int[] {-1, 0, 3, 5}) {
            MatryoshkaLoss loss = MatryoshkaLoss.builder().loss(ToyBaseLoss.scalar()).matryoshkaDims(6, 4, 2)
                    .nDimsPerStep(n).build();
            SameDiff sd = SameDiff.create();
            StepInputs steps = new StepInputs();
            loss.build(LossInputs.builder(sd).columns(List.of(sd.placeHolder("a", DataType.DOUBLE, -1, 6),
                    sd.placeHolder("b", DataType.DOUBLE, -1, 6))).stepInputs(steps).build());
            assertTrue(steps.isEmpty(), "n_dims_per_step " + n);
        }
    }

    @Test
    void matryoshkaValidation() {
        SentenceLoss toy = ToyBaseLoss.scalar();
        assertInputError(() -> MatryoshkaLoss.builder().matryoshkaDims(4).build(), "MatryoshkaLoss", "base loss");
        assertInputError(() -> MatryoshkaLoss.builder().loss(toy).build(), "MatryoshkaLoss", "matryoshka_dims", "required");
        assertInputError(() -> MatryoshkaLoss.of(toy), "matryoshka_dims");
        assertInputError(() -> MatryoshkaLoss.of(toy, 8, 0), "MatryoshkaLoss", "matryoshka_dims", "> 0");
        assertInputError(() -> MatryoshkaLoss.builder().loss(toy).matryoshkaDims(8, 4).matryoshkaWeights(1.0).build(),
                "MatryoshkaLoss", "matryoshka_weights", "one weight per dimension");
        assertInputError(() -> MatryoshkaLoss.builder().loss(toy).matryoshkaDims(8).matryoshkaWeights(Double.NaN).build(),
                "matryoshka_weights", "finite");
        // a dim wider than the embeddings
        assertInputError(() -> RUNNER.evaluate(MatryoshkaLoss.of(toy, 8, 4), LossBatch.of(rand(1, 3, 6), rand(2, 3, 6))),
                "MatryoshkaLoss", "8", "embedding width 6");
        // the base loss's own rules: column count, labels not accepted, label shape
        assertInputError(() -> RUNNER.evaluate(MatryoshkaLoss.of(toy, 4), LossBatch.of(rand(1, 3, 6))),
                "ToyBaseLoss", "expects between 2 and 3 input column(s)", "got 1");
        assertInputError(() -> RUNNER.evaluate(MatryoshkaLoss.of(new ToyBaseLoss(false, false), 4),
                LossBatch.of(rand(1, 3, 6), rand(2, 3, 6)).withLabels(rand(3, 3, 6))), "ToyBaseLoss", "takes no labels");
        assertInputError(() -> RUNNER.evaluate(MatryoshkaLoss.of(toy, 4),
                LossBatch.of(rand(1, 3, 6), rand(2, 3, 6)).withLabels(Nd4j.ones(DataType.DOUBLE, 3))),
                "ToyBaseLoss", "rank 2");
        assertInputError(() -> RUNNER.evaluate(MatryoshkaLoss.of(toy, 4),
                LossBatch.of(rand(1, 3, 6), rand(2, 3, 6)).withLabels(rand(3, 3, 5))), "ToyBaseLoss", "labels are 5 wide");
    }

    @Test
    void matryoshkaFromTheRegistry() {
        ToyBaseLoss toy = ToyBaseLoss.scalar();
        LossRegistry r = registry(toy);
        SentenceLoss loss = r.create(spec("MatryoshkaLoss", map("matryoshka_dims", List.of(4, 16, 8),
                "matryoshka_weights", List.of(0.5, 2.0, 1.0), "n_dims_per_step", -1)));
        MatryoshkaLoss ml = assertInstanceOf(MatryoshkaLoss.class, loss);
        assertSame(toy, ml.loss());
        assertArrayEquals(new int[] {16, 8, 4}, ml.matryoshkaDims());
        // its own config round-trips (the `loss` key names the base)
        MatryoshkaLoss again = (MatryoshkaLoss) r.create(spec("MatryoshkaLoss", ml.config()));
        assertEquals(ml.config(), again.config());
        // string forms as on a command line
        MatryoshkaLoss cli = (MatryoshkaLoss) r.create(spec("MatryoshkaLoss", map("matryoshka_dims", "[8, 4]",
                "n_dims_per_step", "1")));
        assertArrayEquals(new int[] {8, 4}, cli.matryoshkaDims());
        assertEquals(1, cli.nDimsPerStep());

        assertInputError(() -> r.create(LossSpec.of("MatryoshkaLoss", map("matryoshka_dims", List.of(4)))),
                "MatryoshkaLoss", "needs a base loss");
        assertInputError(() -> r.create(spec("MatryoshkaLoss", map("loss", "CoSENTLoss", "matryoshka_dims", List.of(4)))),
                "MatryoshkaLoss", "'CoSENTLoss'", "'ToyBaseLoss'");
        assertInputError(() -> r.create(spec("MatryoshkaLoss", map("matryoshka_dims", List.of(4.5)))),
                "MatryoshkaLoss", "matryoshka_dims", "integers");
        assertInputError(() -> r.create(spec("MatryoshkaLoss", map("matryoshka_dims", List.of(4), "n_dim_per_step", 1))),
                "MatryoshkaLoss", "n_dim_per_step");
        assertInputError(() -> r.create(spec("MatryoshkaLoss", map())), "MatryoshkaLoss", "matryoshka_dims", "required");
    }

    @Test
    void matryoshkaIsCachedExactlyWhenItsBaseIs() {
        LossRegistry r = LossRegistry.defaults();
        MatryoshkaLoss cached = (MatryoshkaLoss) r.create(new LossSpec("MatryoshkaLoss", map("matryoshka_dims", List.of(8, 4)),
                LossSpec.of("CachedMultipleNegativesRankingLoss", map("mini_batch_size", 4))));
        assertTrue(cached.usesGradientCache());
        assertEquals(4, cached.miniBatchSize());
        assertEquals(null, cached.miniBatchNumTokens());
        assertFalse(cached.showProgressBar());
        MatryoshkaLoss plain = (MatryoshkaLoss) r.create(new LossSpec("MatryoshkaLoss", map("matryoshka_dims", List.of(8, 4)),
                LossSpec.of("MultipleNegativesRankingLoss")));
        assertFalse(plain.usesGradientCache());
        assertFalse(MatryoshkaLoss.of(ToyBaseLoss.scalar(), 4).usesGradientCache());
        // the fragment itself is the same as with the non-cached base
        List<INDArray> cols = List.of(rand(1, 6, 8), rand(2, 6, 8));
        assertEquals(RUNNER.value(plain, LossBatch.of(cols)).loss(), RUNNER.value(cached, LossBatch.of(cols)).loss(), 1e-12);
    }

    // ---------------------------------------------------------------- AdaptiveLayerLoss

    private static List<List<INDArray>> layers(int n, int k, int rows, int width, long seed) {
        List<List<INDArray>> out = new ArrayList<>();
        for (int h = 0; h < n; h++) {
            List<INDArray> cols = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                cols.add(rand(seed + 10L * h + c, rows, width));
            }
            out.add(cols);
        }
        return out;
    }

    @Test
    void adaptiveValueMatchesDefinition() {
        List<INDArray> fin = List.of(rand(1, 4, 5), rand(2, 4, 5), rand(3, 4, 5));
        List<List<INDArray>> prior = layers(3, 3, 4, 5, 100);
        for (String weighting : List.of("uniform", "log", "linear")) {
            for (double t : new double[] {0.0, 0.3, 1.0}) {
                AdaptiveLayerLoss loss = AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).nLayersPerStep(-1)
                        .lastLayerWeight(2.0).priorLayersWeight(0.5).klDivWeight(0.7).klTemperature(t)
                        .layerWeighting(weighting).build();
                double got = RUNNER.value(loss, LossBatch.of(fin).withPriorLayerEmbeddings(prior)).loss();
                double want = adaptiveRef(c -> toyTotal(c, null), ms(fin), prior.stream().map(ModifierLossesTest::ms).toList(),
                        2.0, 0.5, 0.7, t, loss::layerWeight, null, 3);
                assertEquals(want, got, 1e-10, weighting + " T=" + t);
            }
        }
        AdaptiveLayerLoss log = AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).layerWeighting("log").build();
        assertEquals(1.0, log.layerWeight(0), 0.0);
        assertEquals(1.0 / (1.0 + Math.log(3.0)), log.layerWeight(2), 1e-15);
        AdaptiveLayerLoss lin = AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).layerWeighting("linear").build();
        assertEquals(0.25, lin.layerWeight(3), 0.0);
    }

    @Test
    void adaptiveGradientsMatchFiniteDifferencesWithDetachedTarget() {
        List<INDArray> fin = List.of(rand(1, 3, 4), rand(2, 3, 4));
        List<List<INDArray>> prior = layers(2, 2, 3, 4, 200);
        Supplier<LossBatch> batch = () -> LossBatch.of(fin).withPriorLayerEmbeddings(prior);
        AdaptiveLayerLoss withKl = AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).nLayersPerStep(-1)
                .klTemperature(0.5).klDivWeight(1.3).layerWeighting("linear").build();
        AdaptiveLayerLoss noKl = AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).nLayersPerStep(-1)
                .klTemperature(0.0).layerWeighting("linear").build();
        LossEvaluation e = RUNNER.evaluate(withKl, batch.get());
        // prior layers: the full derivative (the KL target does not depend on them)
        List<INDArray> priorInputs = new ArrayList<>();
        List<INDArray> priorGrads = new ArrayList<>();
        for (int h = 0; h < 2; h++) {
            priorInputs.addAll(prior.get(h));
            priorGrads.addAll(e.gradLayers().get(h));
        }
        checkGradients(() -> RUNNER.value(withKl, batch.get()).loss(), priorInputs, priorGrads);
        // final layer: the KL target is detached, so its gradient is the one without KL, which FD confirms
        LossEvaluation e0 = RUNNER.evaluate(noKl, batch.get());
        for (int c = 0; c < 2; c++) {
            assertTrue(e.gradColumns().get(c).equalsWithEps(e0.gradColumns().get(c), 1e-12));
            assertTrue(e.gradLayers().get(2).get(c).equalsWithEps(e.gradColumns().get(c), 0.0));
        }
        checkGradients(() -> RUNNER.value(noKl, batch.get()).loss(), fin, e0.gradColumns());
    }

    @Test
    void adaptiveSamplesLayersPerStep() {
        AdaptiveLayerLoss loss = AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).nLayersPerStep(2).build();
        List<INDArray> fin = List.of(rand(1, 4, 5), rand(2, 4, 5));
        List<List<INDArray>> prior = layers(3, 2, 4, 5, 300);
        double[] mask = ModifierSupport.sampleMask(new Random(42), 3, 2, DataType.DOUBLE).toDoubleVector();
        double want = adaptiveRef(c -> toyTotal(c, null), ms(fin), prior.stream().map(ModifierLossesTest::ms).toList(),
                1, 1, 1, 0.3, h -> 1.0, mask, 2);
        assertEquals(want, new EmbeddingLossRunner(DataType.DOUBLE, 42)
                .value(loss, LossBatch.of(fin).withPriorLayerEmbeddings(prior)).loss(), 1e-10);
        // the masks: seeded, exactly n_layers_per_step ones
        SameDiff sd = SameDiff.create();
        StepInputs steps = new StepInputs();
        SDVariable a = sd.placeHolder("a", DataType.DOUBLE, -1, 5);
        SDVariable b = sd.placeHolder("b", DataType.DOUBLE, -1, 5);
        List<List<SDVariable>> ls = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            ls.add(List.of(sd.placeHolder("l" + h + "a", DataType.DOUBLE, -1, 5), sd.placeHolder("l" + h + "b", DataType.DOUBLE, -1, 5)));
        }
        ls.add(List.of(a, b));
        loss.build(LossInputs.builder(sd).columns(List.of(a, b)).layerEmbeddings(ls).stepInputs(steps).build());
        assertEquals(1, steps.samplers().size());
        for (int seed = 0; seed < 10; seed++) {
            assertEquals(steps.sample(new Random(seed)), steps.sample(new Random(seed)));
            assertEquals(2.0, steps.sample(new Random(seed)).values().iterator().next().sumNumber().doubleValue(), 0.0);
        }
        // n_layers_per_step >= number of prior layers, or <= 0: every layer, no sampling
        for (int n : new int[] {-1, 0, 3, 4}) {
            SameDiff sd2 = SameDiff.create();
            StepInputs st = new StepInputs();
            SDVariable a2 = sd2.placeHolder("a", DataType.DOUBLE, -1, 5);
            List<List<SDVariable>> l2 = List.of(List.of(sd2.placeHolder("l0", DataType.DOUBLE, -1, 5)),
                    List.of(sd2.placeHolder("l1", DataType.DOUBLE, -1, 5)), List.of(sd2.placeHolder("l2", DataType.DOUBLE, -1, 5)),
                    List.of(a2));
            AdaptiveLayerLoss.builder().loss(new ToyBaseLossOneColumn()).nLayersPerStep(n).build()
                    .build(LossInputs.builder(sd2).columns(List.of(a2)).layerEmbeddings(l2).stepInputs(st).build());
            assertTrue(st.isEmpty(), "n_layers_per_step " + n);
        }
    }

    /** The toy loss on a single column (for layer-count tests). */
    private static final class ToyBaseLossOneColumn extends ToyBaseLoss {
        ToyBaseLossOneColumn() {
            super(false, false);
        }

        @Override
        public org.sentence4j.losses.InputFormat inputFormat() {
            return org.sentence4j.losses.InputFormat.unlabeled(1, 3, "(a...)");
        }
    }

    @Test
    void adaptiveWithoutPriorLayersIsTheFinalTermAlone() {
        List<INDArray> fin = List.of(rand(1, 3, 4), rand(2, 3, 4));
        AdaptiveLayerLoss loss = AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).lastLayerWeight(3.0).build();
        double got = RUNNER.value(loss, LossBatch.of(fin).withPriorLayerEmbeddings(List.of())).loss();
        assertEquals(3.0 * toyTotal(ms(fin), null), got, 1e-10);
    }

    @Test
    void adaptiveCustomWeightingAndNamedComponents() {
        List<INDArray> fin = List.of(rand(1, 4, 5), rand(2, 4, 5));
        List<List<INDArray>> prior = layers(2, 2, 4, 5, 400);
        AdaptiveLayerLoss custom = AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).nLayersPerStep(-1)
                .layerWeighting(h -> 0.5 + h).build();
        assertEquals("custom", custom.layerWeighting());
        assertEquals("custom", custom.config().get("layer_weighting"));
        assertEquals("decay", AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).layerWeighting("decay", h -> 1.0 / (h + 2))
                .build().config().get("layer_weighting"));
        double want = adaptiveRef(c -> toyTotal(c, null), ms(fin), prior.stream().map(ModifierLossesTest::ms).toList(),
                1, 1, 1, 0.3, h -> 0.5 + h, null, 2);
        assertEquals(want, RUNNER.value(custom, LossBatch.of(fin).withPriorLayerEmbeddings(prior)).loss(), 1e-10);

        // a base with named components keeps them; the KL terms get a component of their own
        AdaptiveLayerLoss named = AdaptiveLayerLoss.builder().loss(new ToyBaseLoss(true, true)).nLayersPerStep(-1).build();
        LossEvaluation e = RUNNER.evaluate(named, LossBatch.of(fin).withPriorLayerEmbeddings(prior));
        assertEquals(List.of("dot", "lin", "kl_div"), new ArrayList<>(e.components().keySet()));
        double plain = RUNNER.value(AdaptiveLayerLoss.builder().loss(ToyBaseLoss.scalar()).nLayersPerStep(-1).build(),
                LossBatch.of(fin).withPriorLayerEmbeddings(prior)).loss();
        assertEquals(plain, e.loss(), 1e-10);
    }

    @Test
    void adaptiveConfigCitationDefaults() {
        AdaptiveLayerLoss loss = AdaptiveLayerLoss.of(ToyBaseLoss.scalar());
        assertEquals("AdaptiveLayerLoss", loss.name());
        assertEquals(Citations.LI20242D, loss.citation().orElseThrow());
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("loss", "ToyBaseLoss");
        want.put("n_layers_per_step", 1);
        want.put("last_layer_weight", 1.0);
        want.put("prior_layers_weight", 1.0);
        want.put("kl_div_weight", 1.0);
        want.put("kl_temperature", 0.3);
        want.put("layer_weighting", "uniform");
        assertEquals(want, loss.config());
        assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(loss.config().keySet()));
        assertSameFormat(ToyBaseLoss.scalar().inputFormat(), loss.inputFormat());
    }

    @Test
    void adaptiveValidation() {
        SentenceLoss toy = ToyBaseLoss.scalar();
        assertInputError(() -> AdaptiveLayerLoss.builder().build(), "AdaptiveLayerLoss", "base loss");
        assertInputError(() -> AdaptiveLayerLoss.builder().loss(toy).layerWeighting("quadratic").build(),
                "AdaptiveLayerLoss", "layer_weighting", "uniform, log, linear", "'quadratic'");
        assertInputError(() -> AdaptiveLayerLoss.builder().loss(toy).klTemperature(-0.1).build(),
                "AdaptiveLayerLoss", "kl_temperature", "> 0", "0 to switch the KL term off");
        assertInputError(() -> AdaptiveLayerLoss.builder().loss(toy).lastLayerWeight(Double.POSITIVE_INFINITY).build(),
                "AdaptiveLayerLoss", "last_layer_weight", "finite");
        // no layer embeddings
        assertInputError(() -> RUNNER.evaluate(AdaptiveLayerLoss.of(toy), LossBatch.of(rand(1, 3, 4), rand(2, 3, 4))),
                "AdaptiveLayerLoss", "hidden state", "withPriorLayerEmbeddings");
        // a layer with the wrong number of columns
        assertInputError(() -> RUNNER.evaluate(AdaptiveLayerLoss.of(toy), LossBatch.of(rand(1, 3, 4), rand(2, 3, 4))
                .withPriorLayerEmbeddings(List.of(List.of(rand(3, 3, 4))))), "hidden state 0", "1 columns");
        // the base loss's rules
        assertInputError(() -> RUNNER.evaluate(AdaptiveLayerLoss.of(toy), LossBatch.of(rand(1, 3, 4))
                .withPriorLayerEmbeddings(List.of(List.of(rand(3, 3, 4))))), "ToyBaseLoss", "input column");
        assertInputError(() -> RUNNER.evaluate(AdaptiveLayerLoss.of(new ToyBaseLoss(false, false)), LossBatch.of(rand(1, 3, 4),
                rand(2, 3, 4)).withLabels(rand(3, 3, 4)).withPriorLayerEmbeddings(List.of())), "ToyBaseLoss", "takes no labels");

        LossRegistry r = registry(toy);
        assertInputError(() -> r.create(LossSpec.of("AdaptiveLayerLoss")), "AdaptiveLayerLoss", "needs a base loss");
        assertInputError(() -> r.create(spec("AdaptiveLayerLoss", map("layer_weighting", "custom"))),
                "AdaptiveLayerLoss", "layer_weighting", "builder");
        assertInputError(() -> r.create(spec("AdaptiveLayerLoss", map("kl_temperature", "warm"))),
                "AdaptiveLayerLoss", "kl_temperature", "number");
        assertInputError(() -> r.create(spec("AdaptiveLayerLoss", map("kl_temprature", 0.3))), "AdaptiveLayerLoss", "kl_temprature");
        AdaptiveLayerLoss fromCfg = (AdaptiveLayerLoss) r.create(spec("AdaptiveLayerLoss", map("n_layers_per_step", -1,
                "last_layer_weight", 2.0, "prior_layers_weight", 0.5, "kl_div_weight", 0.3, "kl_temperature", 1.0,
                "layer_weighting", "log")));
        assertEquals(-1, fromCfg.nLayersPerStep());
        assertEquals(2.0, fromCfg.lastLayerWeight());
        assertEquals(0.5, fromCfg.priorLayersWeight());
        assertEquals(0.3, fromCfg.klDivWeight());
        assertEquals(1.0, fromCfg.klTemperature());
        assertEquals("log", fromCfg.layerWeighting());
        assertEquals(fromCfg.config(), r.create(spec("AdaptiveLayerLoss", fromCfg.config())).config());
    }

    // ---------------------------------------------------------------- Matryoshka2dLoss

    @Test
    void matryoshka2dIsAdaptiveLayerOverMatryoshka() {
        List<INDArray> fin = List.of(rand(1, 4, 6), rand(2, 4, 6));
        List<List<INDArray>> prior = layers(2, 2, 4, 6, 500);
        Matryoshka2dLoss loss = Matryoshka2dLoss.builder().loss(ToyBaseLoss.scalar()).matryoshkaDims(3, 6)
                .matryoshkaWeights(2.0, 1.0).nLayersPerStep(-1).nDimsPerStep(-1).lastLayerWeight(1.5)
                .priorLayersWeight(0.5).klDivWeight(2.0).klTemperature(0.5).layerWeighting("log").build();
        Supplier<LossBatch> batch = () -> LossBatch.of(fin).withPriorLayerEmbeddings(prior);
        LossEvaluation e = RUNNER.evaluate(loss, batch.get());
        int[] dims = {6, 3};
        double[] w = {1.0, 2.0};
        // KL on the raw, untruncated embeddings
        double want = adaptiveRef(c -> matryoshkaRef(c, null, dims, w, null), ms(fin),
                prior.stream().map(ModifierLossesTest::ms).toList(), 1.5, 0.5, 2.0, 0.5,
                h -> 1.0 / (1.0 + Math.log(1.0 + h)), null, 2);
        assertEquals(want, e.loss(), 1e-10);
        List<INDArray> in = new ArrayList<>(prior.get(0));
        in.addAll(prior.get(1));
        List<INDArray> g = new ArrayList<>(e.gradLayers().get(0));
        g.addAll(e.gradLayers().get(1));
        checkGradients(() -> RUNNER.value(loss, batch.get()).loss(), in, g);
    }

    @Test
    void matryoshka2dEachEvaluationDrawsItsOwnDims() {
        Matryoshka2dLoss loss = Matryoshka2dLoss.of(ToyBaseLoss.scalar(), 6, 4, 2);
        SameDiff sd = SameDiff.create();
        StepInputs steps = new StepInputs();
        SDVariable a = sd.placeHolder("a", DataType.DOUBLE, -1, 6);
        SDVariable b = sd.placeHolder("b", DataType.DOUBLE, -1, 6);
        List<List<SDVariable>> ls = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            ls.add(List.of(sd.placeHolder("l" + h + "a", DataType.DOUBLE, -1, 6), sd.placeHolder("l" + h + "b", DataType.DOUBLE, -1, 6)));
        }
        ls.add(List.of(a, b));
        loss.build(LossInputs.builder(sd).columns(List.of(a, b)).layerEmbeddings(ls).stepInputs(steps).build());
        // one dims mask for the final layer and one per prior layer, plus the layer mask
        assertEquals(5, steps.samplers().size());
        Map<String, INDArray> draw = steps.sample(new Random(9));
        int layerMasks = 0;
        for (Map.Entry<String, INDArray> en : draw.entrySet()) {
            assertEquals(1.0, en.getValue().sumNumber().doubleValue(), 0.0, en.getKey());
            if (en.getKey().startsWith("AdaptiveLayerLoss")) {
                layerMasks++;
            }
        }
        assertEquals(1, layerMasks);
    }

    @Test
    void matryoshka2dConfigCitationDefaults() {
        Matryoshka2dLoss loss = Matryoshka2dLoss.of(ToyBaseLoss.scalar(), 4, 8);
        assertEquals("Matryoshka2dLoss", loss.name());
        assertEquals(Citations.LI20242D, loss.citation().orElseThrow());
        assertEquals(List.of("loss", "n_layers_per_step", "last_layer_weight", "prior_layers_weight", "kl_div_weight",
                "kl_temperature", "layer_weighting", "matryoshka_dims", "matryoshka_weights", "n_dims_per_step"),
                new ArrayList<>(loss.config().keySet()));
        Map<String, Object> c = loss.config();
        assertEquals("ToyBaseLoss", c.get("loss"));
        assertEquals(1, c.get("n_layers_per_step"));
        assertEquals(1, c.get("n_dims_per_step"));
        assertEquals(1.0, c.get("last_layer_weight"));
        assertEquals(1.0, c.get("prior_layers_weight"));
        assertEquals(1.0, c.get("kl_div_weight"));
        assertEquals(0.3, c.get("kl_temperature"));
        assertEquals("uniform", c.get("layer_weighting"));
        assertEquals(List.of(8, 4), c.get("matryoshka_dims"));
        assertEquals(List.of(1, 1), c.get("matryoshka_weights"));
        assertEquals("MatryoshkaLoss", loss.adaptiveLayerLoss().loss().name());
        assertSame(loss.loss(), loss.matryoshkaLoss().loss());

        LossRegistry r = registry(ToyBaseLoss.scalar());
        Matryoshka2dLoss fromCfg = (Matryoshka2dLoss) r.create(spec("Matryoshka2dLoss", map("matryoshka_dims", List.of(6, 12),
                "matryoshka_weights", List.of(2.0, 1.0), "n_layers_per_step", -1, "n_dims_per_step", -1,
                "last_layer_weight", 1.5, "prior_layers_weight", 0.5, "kl_div_weight", 2.0, "kl_temperature", 0.5,
                "layer_weighting", "uniform")));
        assertEquals(List.of(12, 6), fromCfg.config().get("matryoshka_dims"));
        assertEquals(List.of(1.0, 2.0), fromCfg.config().get("matryoshka_weights"));
        assertEquals(-1, fromCfg.config().get("n_layers_per_step"));
        assertEquals(1.5, fromCfg.config().get("last_layer_weight"));
        assertEquals(fromCfg.config(), r.create(spec("Matryoshka2dLoss", fromCfg.config())).config());
        Matryoshka2dLoss dflt = (Matryoshka2dLoss) r.create(spec("Matryoshka2dLoss", map("matryoshka_dims", List.of(4))));
        assertEquals(loss.config().get("n_dims_per_step"), dflt.config().get("n_dims_per_step"));
        assertEquals(loss.config().get("n_layers_per_step"), dflt.config().get("n_layers_per_step"));
    }

    @Test
    void matryoshka2dValidation() {
        SentenceLoss toy = ToyBaseLoss.scalar();
        assertInputError(() -> Matryoshka2dLoss.builder().matryoshkaDims(4).build(), "Matryoshka2dLoss", "base loss");
        assertInputError(() -> Matryoshka2dLoss.builder().loss(toy).build(), "Matryoshka2dLoss", "matryoshka_dims");
        assertInputError(() -> Matryoshka2dLoss.builder().loss(toy).matryoshkaDims(4, 2).matryoshkaWeights(1, 2, 3).build(),
                "Matryoshka2dLoss", "matryoshka_weights");
        assertInputError(() -> Matryoshka2dLoss.builder().loss(toy).matryoshkaDims(4).layerWeighting("cubic").build(),
                "Matryoshka2dLoss", "layer_weighting", "'cubic'");
        assertInputError(() -> Matryoshka2dLoss.builder().loss(toy).matryoshkaDims(4).klTemperature(-1).build(),
                "Matryoshka2dLoss", "kl_temperature");
        assertInputError(() -> RUNNER.evaluate(Matryoshka2dLoss.of(toy, 8), LossBatch.of(rand(1, 3, 6), rand(2, 3, 6))
                .withPriorLayerEmbeddings(List.of())), "Matryoshka2dLoss", "embedding width 6");
        assertInputError(() -> RUNNER.evaluate(Matryoshka2dLoss.of(toy, 4), LossBatch.of(rand(1, 3, 6), rand(2, 3, 6))),
                "Matryoshka2dLoss", "hidden state");
        LossRegistry r = registry(toy);
        assertInputError(() -> r.create(LossSpec.of("Matryoshka2dLoss", map("matryoshka_dims", List.of(4)))),
                "Matryoshka2dLoss", "needs a base loss");
        assertInputError(() -> r.create(spec("Matryoshka2dLoss", map("matryoshka_dims", List.of(4), "n_dim_per_step", 1))),
                "Matryoshka2dLoss", "n_dim_per_step");
        assertNotEquals(null, r.create(spec("Matryoshka2dLoss", map("loss", "ToyBaseLoss", "matryoshka_dims", List.of(4)))));
        assertFalse(r.names().isEmpty());
    }
}
