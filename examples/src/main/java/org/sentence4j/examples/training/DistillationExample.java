package org.sentence4j.examples.training;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.trainer.data.Dataset;

/**
 * Knowledge distillation: a student with 3 of the default model's 6 layers (layers 0, 2 and 4, as
 * sentence-transformers' distillation example keeps every other layer of its teacher) learns from a larger
 * teacher, bge-small-en-v1.5 (12 layers, embedded in the build). The teacher's outputs are computed once, before
 * training, and stored as the data's labels, as in sentence-transformers:
 *
 * <ul>
 *   <li>{@link Kind#EMBEDDINGS}: MSELoss on single sentences (STS Benchmark train), the label the teacher's
 *       embedding; evaluated by Spearman on STS Benchmark dev;</li>
 *   <li>{@link Kind#MARGIN}: MarginMSELoss on (query, positive, negative) SNLI triplets, the label the teacher's
 *       margin sim(q, p) - sim(q, n); triplet accuracy on held-out premises;</li>
 *   <li>{@link Kind#SCORES}: DistillKLDivLoss on the same triplets, the label the teacher's scores
 *       [sim(q, p), sim(q, n)]; triplet accuracy on held-out premises.</li>
 * </ul>
 */
public final class DistillationExample extends TrainingExample {

    /** What the teacher's labels are. */
    public enum Kind { EMBEDDINGS, MARGIN, SCORES }

    /** The student's layers, taken from the default model. */
    public static final int[] STUDENT_LAYERS = {0, 2, 4};

    private final String name;
    private final Kind kind;
    private final String loss;
    private final Map<String, Object> options;
    private final int rows;
    private final int steps;

    /**
     * @param rows how many sentences (EMBEDDINGS) or triplets the teacher labels for training
     */
    public DistillationExample(String name, Kind kind, String loss, Map<String, Object> options, int rows, int steps) {
        this.name = name;
        this.kind = kind;
        this.loss = loss;
        this.options = options;
        this.rows = rows;
        this.steps = steps;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        String data = kind == Kind.EMBEDDINGS ? "single sentences (STS Benchmark train) with the teacher's embedding"
                : "(query, positive, negative) SNLI triplets with the teacher's "
                + (kind == Kind.MARGIN ? "margin" : "scores");
        return "distillation: 3-layer student of all-MiniLM-L6-v2, teacher bge-small-en-v1.5; " + data + ", " + loss
                + (options.isEmpty() ? "" : " " + options) + "; "
                + (kind == Kind.EMBEDDINGS ? "Spearman on STS Benchmark dev" : "triplet accuracy on held-out premises");
    }

    /** The default model with only {@link #STUDENT_LAYERS}: half the depth, so about twice as fast. */
    public static SentenceEncoder student() throws IOException {
        try (SentenceEncoder full = SentenceEncoder.defaultModel()) {
            return SentenceEncoder.of(full.files().withLayers(STUDENT_LAYERS));
        }
    }

    @Override
    protected Plan prepare(ExampleData data, int evalRows) throws IOException {
        int n = evalRows > 0 ? Math.min(rows, 4 * evalRows) : rows;
        List<Map<String, Object>> labelled = new ArrayList<>();
        var evaluator = kind == Kind.EMBEDDINGS ? StsPairsExample.stsDevEvaluator(data, evalRows)
                : NliTripletsExample.heldOutEvaluator(data, evalRows, 0);
        String report;
        try (SentenceEncoder teacher = SentenceEncoder.bgeSmallEnV15()) {
            // the teacher's own score on the same evaluation: the ceiling the student is taught towards
            report = String.format(java.util.Locale.ROOT, "teacher bge-small-en-v1.5: %s %.4f", evaluator.primaryMetric(),
                    evaluator.evaluate(teacher).get(evaluator.primaryMetric()));
            if (kind == Kind.EMBEDDINGS) {
                List<String> sentences = data.stsSentences(n).column("sentence");
                double[][] embeddings = teacher.embed(sentences).toDoubleMatrix();
                for (int i = 0; i < sentences.size(); i++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("sentence", sentences.get(i));
                    row.put("label", embeddings[i]);
                    labelled.add(row);
                }
            } else {
                Dataset triplets = data.snliTriplets(NliTripletsExample.HELD_OUT, n);
                List<String> q = triplets.column("anchor");
                List<String> p = triplets.column("positive");
                List<String> neg = triplets.column("negative");
                INDArray queries = teacher.embed(q);
                double[] positive = rowDots(queries, teacher.embed(p));
                double[] negative = rowDots(queries, teacher.embed(neg));
                for (int i = 0; i < q.size(); i++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("query", q.get(i));
                    row.put("positive", p.get(i));
                    row.put("negative", neg.get(i));
                    if (kind == Kind.MARGIN) {
                        row.put("label", positive[i] - negative[i]);
                    } else {
                        row.put("label", new double[] {positive[i], negative[i]});
                    }
                    labelled.add(row);
                }
            }
        }
        Dataset train = data.jsonLines("distillation-" + kind.name().toLowerCase(java.util.Locale.ROOT), labelled);
        return new Plan(train, LossRegistry.defaults().create(loss, options), evaluator, 32, steps, 1e-4)
                .withModel(DistillationExample::student).withReport(report);
    }

    /** The dot product of each row pair: cosine similarity for bge-small's normalised embeddings. */
    private static double[] rowDots(INDArray a, INDArray b) {
        return a.mul(b).sum(1).toDoubleVector();
    }
}
