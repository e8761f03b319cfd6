package org.sentence4j.trainer.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.eager.FastRoute;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.ranking.MultipleNegativesRankingLoss;
import org.sentence4j.trainer.optim.AdamW;
import org.sentence4j.trainer.optim.GradientClipping;

/**
 * A training step of the real all-MiniLM-L6-v2 on {@code -Dsentence4j.route=nd4j} (what every backend but the
 * CPU's runs: ND4J ops only, nothing written through host memory) against the fast route: the loss and every
 * gradient agree to float32 rounding, with dropout on; gradient clipping and AdamW, given the same gradients,
 * agree as well. Any kernel call site that did not ask {@link FastRoute} would fail the ND4J-route step
 * outright (its host view is refused).
 */
class Nd4jRouteTrainingTest {

    private static final List<String> ANCHORS = List.of("how do I reset my password", "the invoice is wrong",
            "app crashes when I upload a photo", "two factor code never arrives, I have waited an hour and tried twice");
    private static final List<String> POSITIVES = List.of("password reset link", "billing error on my invoice",
            "crash on photo upload", "verification code not received");

    @Test
    void aTrainingStepClippingAndAdamWAgreeWithTheFastRoute() throws Exception {
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            List<TokenBatch> batch = List.of(model.tokenizer().tokenize(ANCHORS), model.tokenizer().tokenize(POSITIVES));
            StepResult fast = step(model, batch);
            StepResult nd4j = onNd4jRoute(() -> step(model, batch));
            assertRoutesAgree(fast, nd4j);

            // clipping and AdamW on the same gradients and parameters, once per route
            Map<String, INDArray> params = new LinkedHashMap<>();
            fast.gradients().forEach((k, g) -> params.put(k, model.encoder().sameDiff()
                    .getArrForVarName(model.encoder().variableName(k)).dup()));
            double[] fastNorms = new double[2];
            double[] nd4jNorms = new double[2];
            Map<String, INDArray> fastUpdate = update(params, fast.gradients(), fastNorms);
            Map<String, INDArray> nd4jUpdate = onNd4jRoute(() -> update(params, fast.gradients(), nd4jNorms));
            for (int i = 0; i < 2; i++) {
                // measured 2.8e-8 apart (float64 sums of float32 squares on both routes, in other orders)
                assertEquals(fastNorms[i], nd4jNorms[i], 1e-6 * fastNorms[i], "global gradient norm, step " + i);
            }
            double moved = 0;
            for (String k : fastUpdate.keySet()) {
                moved = Math.max(moved, fastUpdate.get(k).sub(params.get(k)).amaxNumber().doubleValue());
                double diff = fastUpdate.get(k).sub(nd4jUpdate.get(k)).amaxNumber().doubleValue();
                // the same float32 operations in the same order (measured: identical bits); allow two ulps of the
                // parameter's magnitude
                double scale = Math.max(1.0, fastUpdate.get(k).amaxNumber().doubleValue());
                assertTrue(diff <= 2.4e-7 * scale, k + ": max |diff| " + diff);
            }
            assertTrue(moved > 1e-3, "two AdamW steps at lr 1e-3 moved the parameters: " + moved);
        }
    }

    /**
     * TSDAE's step (tied decoder, dropout on) on both routes: on the ND4J route the decoder's causal attention
     * and cross-entropy run as ND4J ops instead of the fused kernels; the loss and every gradient (the dense
     * word-embedding one and the decoder's own) agree to the same float32 tolerance as MNRL's step.
     */
    @Test
    void aTsdaeStepAgreesWithTheFastRoute() throws Exception {
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            List<TokenBatch> batch = List.of(model.tokenizer().tokenize(List.of("reset password", "invoice wrong", "crashes upload")),
                    model.tokenizer().tokenize(List.of("how do I reset my password", "the invoice is wrong",
                            "app crashes when I upload a photo")));
            org.sentence4j.losses.SentenceLoss tsdae = org.sentence4j.losses.LossRegistry.defaults()
                    .create("DenoisingAutoEncoderLoss", Map.of());
            StepResult fast = step(model, batch, tsdae);
            StepResult nd4j = onNd4jRoute(() -> step(model, batch, tsdae));
            assertTrue(fast.gradients().containsKey("loss/decoder.cls.predictions.bias"));
            double largest = assertRoutesAgree(fast, nd4j);
            System.out.printf("TSDAE step, ND4J route against the fast route: worst gradient %.3f of tolerance%n", largest);
        }
    }

    /** One MNRL step with dropout on a copy of the model's encoder; its gradients copied out. */
    private static StepResult step(SentenceEncoder model, List<TokenBatch> batch) {
        return step(model, batch, MultipleNegativesRankingLoss.builder().build());
    }

    /** One step of {@code loss} with dropout on a copy of the model's encoder; its gradients copied out. */
    private static StepResult step(SentenceEncoder model, List<TokenBatch> batch, org.sentence4j.losses.SentenceLoss loss) {
        BertEncoder encoder = BertEncoder.builder(model.encoder().config()).weights(model.encoder().weights())
                .pooling(model.encoder().pooling()).normalize(model.encoder().normalize()).build();
        TrainingGraph graph = new TrainingGraph(encoder, loss, "route", 2, null, 0);
        StepResult r = graph.step(batch, null, null, 7, new Random(1));
        Map<String, INDArray> copy = new LinkedHashMap<>();
        r.gradients().forEach((k, v) -> copy.put(k, v.dup()));
        return new StepResult(r.loss(), r.components(), copy);
    }

    /**
     * Two clipped AdamW steps (a global norm above the limit, so the scaling runs) on copies of the parameters
     * and gradients; the parameters after, and the norms before clipping in {@code norms}.
     */
    private static Map<String, INDArray> update(Map<String, INDArray> params, Map<String, INDArray> grads, double[] norms) {
        Map<String, INDArray> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, v.dup()));
        AdamW adam = AdamW.withWeightDecay(0.01);
        for (int step = 0; step < 2; step++) {
            Map<String, INDArray> g = new LinkedHashMap<>();
            grads.forEach((k, v) -> g.put(k, v.dup()));
            norms[step] = GradientClipping.clip(g, 0.01);
            assertTrue(norms[step] > 0.01, "clipping scales: norm " + norms[step]);
            adam.step(p, g, 1e-3);
        }
        return p;
    }

    private static <T> T onNd4jRoute(Supplier<T> body) {
        System.setProperty(FastRoute.ROUTE_PROPERTY, "nd4j");
        try {
            assertFalse(FastRoute.enabled());
            return body.get();
        } finally {
            System.clearProperty(FastRoute.ROUTE_PROPERTY);
        }
    }

    /**
     * The two routes' steps agree: the loss, the gradient names, and every gradient within the model-step
     * fixtures' float32 tolerance (relative to the tensor's largest gradient plus an absolute part scaled by the
     * model's largest gradient: for tensors whose entries are sums with cancellation, e.g. a word-embedding row
     * collecting every occurrence of its token, measured 8.5e-5 of the tensor's largest entry, and for the key
     * biases, whose gradient is 0 in exact arithmetic). Returns the worst error as a fraction of the tolerance,
     * which must not be 0 (the other route really ran).
     */
    private static double assertRoutesAgree(StepResult fast, StepResult nd4j) {
        assertEquals(fast.loss(), nd4j.loss(), 1e-5 * Math.abs(fast.loss()), "loss");
        assertEquals(fast.gradients().keySet(), nd4j.gradients().keySet());
        double global = fast.gradients().values().stream().mapToDouble(g -> g.amaxNumber().doubleValue()).max().orElseThrow();
        double largest = 0;
        for (String name : fast.gradients().keySet()) {
            INDArray a = fast.gradients().get(name);
            double scale = a.amaxNumber().doubleValue();
            double diff = a.sub(nd4j.gradients().get(name)).amaxNumber().doubleValue();
            double allowed = 1e-4 * scale + 1e-5 * global;
            largest = Math.max(largest, diff / allowed);
            assertTrue(diff <= allowed, name + ": max |diff| " + diff + " (largest |g| " + scale + ", allowed " + allowed + ")");
        }
        assertTrue(largest > 0, "a different route ran (its rounding differs)");
        return largest;
    }
}
