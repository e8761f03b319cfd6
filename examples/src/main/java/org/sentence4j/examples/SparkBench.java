package org.sentence4j.examples;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.spark.SparkSetup;
import org.sentence4j.spark.train.GradientSum;
import org.sentence4j.spark.train.ParameterSnapshot;
import org.sentence4j.spark.train.SparkStepRunner;
import org.sentence4j.spark.train.StepTiming;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.Datasets;
import org.sentence4j.trainer.optim.AdamW;
import org.sentence4j.trainer.step.DatasetStep;
import org.sentence4j.trainer.step.StepResult;
import org.sentence4j.trainer.step.StepRunner;

/**
 * {@code ./sentence4j spark-bench [--master local-cluster[2,1,3072]] [--tasks 2] [--batch 32] [--steps 6] [--rounds 5]}:
 * measures what a cluster pays per distributed step, one JSON line per part (medians): Java serialization of the
 * parameter snapshot and of a gradient result, AdamW on the driver, a broadcast of the parameters to W tasks, a
 * {@code treeAggregate} of W gradient-sized results, and real MultipleNegativesRankingLoss steps of the default
 * model on the shipped support-ticket pairs, distributed (with their per-row task costs) and in this process.
 * docs/scale-out.md turns these into projected step times for larger clusters.
 */
final class SparkBench {

    private SparkBench() {
    }

    static void run(String master, int tasks, int batch, int steps, int rounds, String executorOffheap) throws IOException {
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            Map<String, INDArray> params = new LinkedHashMap<>();
            for (String n : BertTensorNames.names(model.encoder().config())) {
                params.put(n, model.encoder().sameDiff().getArrForVarName(model.encoder().variableName(n)));
            }
            ParameterSnapshot snapshot = ParameterSnapshot.of(0, params, null);
            serialization("snapshot_java_serialization", snapshot, rounds);
            GradientSum gradient = new GradientSum().add(snapshot.values(), 0);
            serialization("gradient_result_java_serialization", gradient, rounds);
            adam(params, rounds);

            SparkSession spark = SparkSession.builder().config(SparkSetup.conf(master, "sentence4j spark-bench",
                    executorOffheap).setIfMissing("spark.executor.memory", "2g")).getOrCreate();
            try {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                communication(sc, snapshot, tasks, rounds);
                training(sc, model, tasks, batch, steps);
            } finally {
                spark.stop();
            }
        }
    }

    private static void serialization(String part, Serializable value, int rounds) throws IOException {
        double[] ser = new double[rounds];
        double[] de = new double[rounds];
        int bytes = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);
            try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
                out.writeObject(value);
            }
            long t1 = System.nanoTime();
            byte[] b = buf.toByteArray();
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
                in.readObject();
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            long t2 = System.nanoTime();
            ser[r] = (t1 - t0) / 1e6;
            de[r] = (t2 - t1) / 1e6;
            bytes = b.length;
        }
        print(part, Map.of("bytes", bytes, "serialize_ms", median(ser), "deserialize_ms", median(de)));
    }

    private static void adam(Map<String, INDArray> params, int rounds) {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        Map<String, INDArray> grads = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            copy.put(k, v.dup());
            grads.put(k, Nd4j.rand(v.dataType(), v.shape()).subi(0.5).muli(1e-3));
        });
        AdamW adam = AdamW.withWeightDecay(0.01);
        double[] ms = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            adam.step(copy, grads, 1e-5);
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        long n = params.values().stream().mapToLong(INDArray::length).sum();
        print("adamw_on_driver", Map.of("parameters", n, "ms", median(ms)));
    }

    /** Broadcast of the parameters and a treeAggregate of gradient-sized results, without any model compute. */
    private static void communication(JavaSparkContext sc, ParameterSnapshot snapshot, int tasks, int rounds) {
        List<Integer> ids = IntStream.range(0, tasks).boxed().toList();
        // warm up: executors start, classes load
        sc.parallelize(ids, tasks).map(i -> i + 1).collect();
        double[] bc = new double[rounds];
        double[] agg = new double[rounds];
        long values = snapshot.values().values().stream().mapToLong(f -> f.length).sum();
        Map<String, Integer> shapes = new LinkedHashMap<>();
        snapshot.values().forEach((k, v) -> shapes.put(k, v.length));
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            Broadcast<ParameterSnapshot> b = sc.broadcast(snapshot);
            sc.parallelize(ids, tasks).map(i -> b.value().version() + i).collect();
            bc[r] = (System.nanoTime() - t0) / 1e6;
            b.destroy();
            long t1 = System.nanoTime();
            GradientSum sum = sc.parallelize(ids, tasks).treeAggregate(new GradientSum(), (acc, i) -> {
                Map<String, float[]> g = new LinkedHashMap<>();
                shapes.forEach((k, len) -> {
                    float[] a = new float[len];
                    Arrays.fill(a, 1f);
                    g.put(k, a);
                });
                return acc.add(g, 0);
            }, GradientSum::merge, 2);
            agg[r] = (System.nanoTime() - t1) / 1e6;
            if (sum.tasks() != tasks) {
                throw new IllegalStateException("treeAggregate summed " + sum.tasks() + " results, expected " + tasks);
            }
        }
        print("broadcast_parameters", Map.of("tasks", tasks, "bytes", 4 * values, "ms", median(bc)));
        print("tree_aggregate_gradients", Map.of("tasks", tasks, "bytes_per_task", 4 * values, "depth", 2, "ms", median(agg)));
    }

    /** Real steps, distributed and in process, on the shipped support-ticket pairs. */
    private static void training(JavaSparkContext sc, SentenceEncoder model, int tasks, int batch, int steps) throws IOException {
        Path tmp = Files.createTempFile("support-tickets", ".jsonl");
        try (InputStream in = SparkBenchCommand.class.getClassLoader().getResourceAsStream("data/support-tickets/train.jsonl")) {
            Files.write(tmp, in.readAllBytes());
        }
        Dataset data = Datasets.jsonLines(tmp).name("support-tickets").read();
        Files.deleteIfExists(tmp);
        SentenceLoss loss = LossRegistry.defaults().create(LossSpec.of("MultipleNegativesRankingLoss"));
        DatasetStep step = new DatasetStep(model, data, loss, null, "train");
        List<StepTiming> timings;
        double[] local = new double[steps];
        try (SparkStepRunner runner = SparkStepRunner.builder(sc, model).tasks(tasks).build()) {
            for (int s = 0; s < steps; s++) {
                int[] rows = IntStream.range(s * batch, (s + 1) * batch).map(i -> i % data.size()).toArray();
                runner.parametersChanged(s);
                StepResult r = runner.run(step, rows, 0, s, new Random(s));
                long t0 = System.nanoTime();
                StepRunner.LOCAL.run(step, rows, 0, s, new Random(s));
                local[s] = (System.nanoTime() - t0) / 1e6;
                if (!Double.isFinite(r.loss())) {
                    throw new IllegalStateException("non-finite loss in the benchmark");
                }
            }
            timings = runner.timings().subList(1, steps);
        }
        double rows = batch;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", "MultipleNegativesRankingLoss");
        m.put("batch", batch);
        m.put("columns", 2);
        m.put("tasks", tasks);
        m.put("total_ms", median(timings, StepTiming::totalMs));
        m.put("prepare_ms", median(timings, StepTiming::prepareMs));
        m.put("broadcast_ms", median(timings, StepTiming::broadcastMs));
        m.put("embed_job_ms", median(timings, StepTiming::embedJobMs));
        m.put("embed_task_ms_per_row", median(timings, t -> t.embedTaskMs() / rows));
        m.put("loss_on_driver_ms", median(timings, StepTiming::lossMs));
        m.put("backward_job_ms", median(timings, StepTiming::backwardJobMs));
        m.put("backward_task_ms_per_row", median(timings, t -> t.backwardTaskMs() / rows));
        m.put("gradient_bytes", timings.get(0).gradientBytes());
        m.put("in_process_step_ms", median(Arrays.copyOfRange(local, 1, steps)));
        print("training_step", m);
    }

    private static double median(List<StepTiming> t, ToDoubleFunction<StepTiming> f) {
        return median(t.stream().mapToDouble(f).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void print(String part, Map<String, ?> values) {
        StringBuilder sb = new StringBuilder("{\"part\": \"").append(part).append('"');
        values.forEach((k, v) -> sb.append(", \"").append(k).append("\": ")
                .append(v instanceof String ? "\"" + v + "\"" : v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : v));
        System.out.println(sb.append('}'));
    }
}
