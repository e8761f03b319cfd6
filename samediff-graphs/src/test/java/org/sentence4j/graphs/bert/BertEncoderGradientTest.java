package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * The encoder's gradient against central finite differences in float64, for every parameter tensor
 * (the word embeddings through the eager scatter-add path), on a padded batch, with dropout active
 * (fixed masks) and all six pooling modes plus normalisation, loss = sum(pooled * R).
 */
class BertEncoderGradientTest {

    private static final double H = 1e-6;
    @Test
    void everyParameterMatchesFiniteDifferences() {
        BertEncoder enc = BertEncoder.builder(TinyBert.CONFIG)
                .weights(BertInitializer.gaussian(TinyBert.CONFIG, 3, 0.5))
                .pooling(TinyBert.allModes()).normalize(true).dataType(DataType.DOUBLE).build();
        TokenBatch batch = TinyBert.paddedBatch();
        // an inference branch in the same graph must not disturb the training pass's gradient
        INDArray inferred = enc.embed(batch);

        SameDiff sd = enc.sameDiff();
        EncoderGraph g = enc.build("train/", true);
        DropoutMasks masks = enc.sampleDropout(g, batch, 11);
        Nd4j.getRandom().setSeed(5);
        INDArray r = Nd4j.randn(DataType.DOUBLE, batch.batchSize(), enc.embeddingDimension());
        SDVariable loss = g.sentenceEmbedding().mul(sd.constant(r)).sum().rename("loss");
        sd.setLossVariables(loss.name());

        Map<String, INDArray> grads = enc.gradients(g, batch, masks, Map.of());
        assertEquals(BertTensorNames.names(TinyBert.CONFIG), new ArrayList<>(grads.keySet()));

        SplittableRandom pick = new SplittableRandom(17);
        int checked = 0;
        double worst = 0;
        for (String name : grads.keySet()) {
            INDArray grad = grads.get(name).reshape(-1);
            // softmax ignores q.b_k, the same for every key: the key bias has an exactly zero gradient
            boolean zeroInTheory = name.endsWith("attention.self.key.bias");
            assertTrue(zeroInTheory || grad.amaxNumber().doubleValue() > 1e-6, "gradient of " + name + " is all zero");
            List<Integer> entries = new ArrayList<>();
            if (name.equals(BertTensorNames.WORD_EMBEDDINGS)) {
                int h = TinyBert.CONFIG.hiddenSize();
                // id 5 occurs twice, 2 twice in different rows, 19 once, 0 only as padding, 13 never
                for (int id : new int[] {5, 2, 19, 0, 13}) {
                    entries.add(id * h + pick.nextInt(h));
                    entries.add(id * h + pick.nextInt(h));
                }
            } else {
                for (int k = 0; k < 2; k++) {
                    entries.add(pick.nextInt((int) grad.length()));
                }
            }
            for (int e : entries) {
                double numeric = finiteDifference(enc, g, batch, masks, name, e);
                double analytic = grad.getDouble(e);
                double err = Math.abs(numeric - analytic);
                worst = Math.max(worst, err / Math.max(1.0, Math.abs(numeric)));
                assertTrue(err <= 1e-7 + 1e-6 * Math.abs(numeric),
                        name + "[" + e + "]: analytic " + analytic + " vs numeric " + numeric);
                checked++;
            }
        }
        INDArray word = grads.get(BertTensorNames.WORD_EMBEDDINGS);
        assertEquals(0.0, word.getRow(0).amaxNumber().doubleValue(), 0.0, "padding id must get no gradient");
        assertEquals(0.0, word.getRow(13).amaxNumber().doubleValue(), 0.0, "unused id must get no gradient");
        System.out.println("checked " + checked + " entries, worst scaled error " + worst);
        assertEquals(batch.batchSize(), inferred.size(0));
    }

    @Test
    void twoPassesShareTheWordEmbeddingGradient() {
        BertEncoder enc = BertEncoder.builder(TinyBert.CONFIG)
                .weights(BertInitializer.gaussian(TinyBert.CONFIG, 4, 0.5))
                .dataType(DataType.DOUBLE).build();
        SameDiff sd = enc.sameDiff();
        EncoderGraph a = enc.build("anchor/", true);
        EncoderGraph b = enc.build("positive/", 1, false); // a shallower pass without dropout
        TokenBatch batchA = TinyBert.paddedBatch();
        TokenBatch batchB = TinyBert.batch(new long[][] {{5, 2, 8}, {12, 5, 0}}, new long[][] {{0, 0, 0}, {1, 1, 0}},
                new int[] {3, 2});
        List<EncoderFeed> passes = List.of(new EncoderFeed(a, batchA, enc.sampleDropout(a, batchA, 3)),
                new EncoderFeed(b, batchB, DropoutMasks.none()));
        Nd4j.getRandom().setSeed(6);
        SDVariable loss = a.sentenceEmbedding().mul(sd.constant(Nd4j.randn(DataType.DOUBLE, 3, 8))).sum()
                .add(b.sentenceEmbedding().mul(sd.constant(Nd4j.randn(DataType.DOUBLE, 2, 8))).sum()).rename("loss");
        sd.setLossVariables(loss.name());
        Map<String, INDArray> grads = enc.gradients(passes, Map.of());
        int h = TinyBert.CONFIG.hiddenSize();
        Map<String, int[]> entries = Map.of(
                BertTensorNames.WORD_EMBEDDINGS, new int[] {5 * h + 1, 2 * h + 6, 8 * h + 3, 12 * h, 7 * h + 2},
                BertTensorNames.POSITION_EMBEDDINGS, new int[] {1, 2 * h + 5, 4 * h + 7},
                BertTensorNames.query(0, "weight"), new int[] {3, 17},
                BertTensorNames.output(1, "bias"), new int[] {0, 5});
        for (Map.Entry<String, int[]> e : entries.entrySet()) {
            for (int entry : e.getValue()) {
                INDArray flat = sd.getArrForVarName(enc.variableName(e.getKey())).reshape(-1);
                double v = flat.getDouble(entry);
                flat.putScalar(entry, v + H);
                double plus = twoPassLoss(enc, passes);
                flat.putScalar(entry, v - H);
                double minus = twoPassLoss(enc, passes);
                flat.putScalar(entry, v);
                double numeric = (plus - minus) / (2 * H);
                double analytic = grads.get(e.getKey()).reshape(-1).getDouble(entry);
                assertTrue(Math.abs(numeric - analytic) <= 1e-7 + 1e-6 * Math.abs(numeric),
                        e.getKey() + "[" + entry + "]: analytic " + analytic + " vs numeric " + numeric);
            }
        }
    }

    private static double twoPassLoss(BertEncoder enc, List<EncoderFeed> passes) {
        Map<String, INDArray> feed = new java.util.HashMap<>();
        for (EncoderFeed p : passes) {
            feed.putAll(enc.feed(p.graph(), p.batch(), p.masks()));
        }
        return enc.sameDiff().output(feed, "loss").get("loss").getDouble(0);
    }

    private static double finiteDifference(BertEncoder enc, EncoderGraph g, TokenBatch batch, DropoutMasks masks,
                                           String name, int entry) {
        INDArray flat = enc.sameDiff().getArrForVarName(enc.variableName(name)).reshape(-1);
        double v = flat.getDouble(entry);
        flat.putScalar(entry, v + H);
        double plus = loss(enc, g, batch, masks);
        flat.putScalar(entry, v - H);
        double minus = loss(enc, g, batch, masks);
        flat.putScalar(entry, v);
        return (plus - minus) / (2 * H);
    }

    private static double loss(BertEncoder enc, EncoderGraph g, TokenBatch batch, DropoutMasks masks) {
        // feed() looks the ids up again, so a perturbed word-embedding entry takes effect
        return enc.sameDiff().output(enc.feed(g, batch, masks), "loss").get("loss").getDouble(0);
    }
}
