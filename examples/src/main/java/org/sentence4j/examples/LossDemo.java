package org.sentence4j.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.runner.EmbeddingLossRunner;
import org.sentence4j.losses.runner.LossBatch;
import org.sentence4j.losses.runner.LossEvaluation;

/**
 * Builds one loss of each family on sample embeddings and prints its value and the norm of its gradient
 * with respect to each input column: a quick look at the loss zoo before any model is involved.
 *
 * <p>The sample embeddings have structure: positives are their anchor plus noise, negatives are unrelated,
 * and class-labelled rows cluster around a class centre, so the printed values are those of a sensible batch.
 */
public final class LossDemo {

    private static final int BATCH = 8;
    private static final int DIM = 32;

    private LossDemo() {
    }

    /** One loss to demonstrate and the batch it gets. */
    private record Example(LossSpec spec, LossBatch batch, String data) {
    }

    public static void main(String[] args) {
        run(System.out, 42L);
    }

    /** {@code ./sentence4j demo}. */
    @picocli.CommandLine.Command(name = "demo",
            description = "Build one loss of each family on sample embeddings; print values and gradient norms.")
    static final class Command implements Runnable {
        @Override
        public void run() {
            LossDemo.run(System.out, 42L);
        }
    }

    /** Evaluates every example, prints a table to {@code out} and returns the losses' values by name. */
    public static Map<String, Double> run(PrintStream out, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray anchors = Nd4j.randn(DataType.FLOAT, BATCH, DIM);
        INDArray positives = anchors.add(Nd4j.randn(DataType.FLOAT, BATCH, DIM).muli(0.3));
        INDArray negatives = Nd4j.randn(DataType.FLOAT, BATCH, DIM);
        INDArray centres = Nd4j.randn(DataType.FLOAT, 3, DIM).muli(2.0);
        INDArray classes = Nd4j.create(new float[] {0, 1, 2, 0, 1, 2, 0, 1});
        INDArray clustered = Nd4j.create(DataType.FLOAT, BATCH, DIM);
        for (int i = 0; i < BATCH; i++) {
            clustered.putRow(i, centres.getRow(classes.getInt(i)).add(Nd4j.randn(DataType.FLOAT, DIM).muli(2.0)));
        }
        INDArray scores = Nd4j.create(new float[] {0.9f, 0.1f, 0.5f, 0.7f, 0.3f, 0.95f, 0.05f, 0.6f});
        INDArray teacher = anchors.add(Nd4j.randn(DataType.FLOAT, BATCH, DIM).muli(0.1));

        List<Example> examples = new ArrayList<>();
        examples.add(new Example(LossSpec.of("MultipleNegativesRankingLoss"),
                LossBatch.of(anchors, positives, negatives), "(anchor, positive, negative)"));
        examples.add(new Example(LossSpec.of("CoSENTLoss"),
                LossBatch.of(anchors, positives).withLabels(scores), "(sentence_A, sentence_B) + score"));
        examples.add(new Example(LossSpec.of("BatchHardTripletLoss"),
                LossBatch.of(clustered).withLabels(classes), "sentence + class"));
        examples.add(new Example(LossSpec.of("TripletLoss"),
                LossBatch.of(anchors, positives, negatives), "(anchor, positive, negative)"));
        examples.add(new Example(LossSpec.of("MSELoss"),
                LossBatch.of(anchors).withLabels(teacher), "sentence + teacher embedding"));
        examples.add(new Example(new LossSpec("MatryoshkaLoss", Map.of("matryoshka_dims", List.of(32, 16, 8)),
                LossSpec.of("MultipleNegativesRankingLoss")),
                LossBatch.of(anchors, positives), "(anchor, positive)"));

        LossRegistry registry = LossRegistry.defaults();
        EmbeddingLossRunner runner = new EmbeddingLossRunner(DataType.FLOAT);
        Map<String, Double> values = new LinkedHashMap<>();
        out.printf(Locale.ROOT, "%-46s %-34s %10s  %s%n", "loss", "data", "value", "|d loss / d column|");
        for (Example e : examples) {
            SentenceLoss loss = registry.create(e.spec());
            LossEvaluation eval = runner.evaluate(loss, e.batch());
            StringBuilder norms = new StringBuilder();
            for (INDArray g : eval.gradColumns()) {
                norms.append(String.format(Locale.ROOT, "%.4f ", g.norm2Number().doubleValue()));
            }
            String name = e.spec().base() == null ? loss.name() : loss.name() + "(" + e.spec().base().name() + ")";
            out.printf(Locale.ROOT, "%-46s %-34s %10.5f  %s%n", name, e.data(), eval.loss(), norms.toString().trim());
            values.put(name, eval.loss());
        }
        out.println();
        out.println(registry.names().size() + " losses available: " + String.join(", ", registry.names()));
        return values;
    }
}
