package org.sentence4j.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.TestData;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.spark.SparkCluster;
import org.sentence4j.trainer.SentenceTransformerTrainer;
import org.sentence4j.trainer.TrainingArguments;
import org.sentence4j.trainer.TrainingResult;
import org.sentence4j.trainer.data.BatchSamplers;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.step.StepRunner;

/**
 * Distributed training on a real Spark cluster (two executor JVMs, {@link SparkCluster}) gives the weights of
 * training in one process: three AdamW steps of all-MiniLM-L6-v2 with dropout on, on the same global batches,
 * for MultipleNegativesRankingLoss with a hard-negative column (SNLI triplets) and for CoSENT (STS Benchmark
 * pairs), with the batch split into W = 1, 2 and 4 tasks. Also: an executor JVM killed in the middle of a step
 * is replaced by Spark and the run ends with the same weights, and a run stopped at a checkpoint and resumed
 * by a new driver ends with the same weights as without the stop.
 */
class DistributedTrainingTest {

    /**
     * float32 summation order of the gradient sums (tasks vs one process) is the only difference allowed. Adam
     * turns it into weight differences that scale with the learning rate: an element whose gradient is near 0
     * (|g| ~ eps = 1e-8) gets an update of lr·g/(|g| + eps), so last-bit noise of ~1e-9 in g moves it by ~lr/10.
     * At lr 2e-5 that stays well under 1e-5 (measured: see the printed differences), at 1e-4 it reached 1.3e-5.
     */
    private static final double TOLERANCE = 1e-5;
    private static final int STEPS = 3;
    private static final Map<String, Map<String, INDArray>> LOCAL = new LinkedHashMap<>();

    /** (premise, entailed hypothesis, contradicted hypothesis) from the SNLI dev files, in file order. */
    static Dataset snliTriplets(int n) throws IOException {
        Path snli = TestData.root().resolve("datasets/snli");
        List<String> s1 = Files.readAllLines(snli.resolve("s1.dev"), StandardCharsets.UTF_8);
        List<String> s2 = Files.readAllLines(snli.resolve("s2.dev"), StandardCharsets.UTF_8);
        List<String> labels = Files.readAllLines(snli.resolve("labels.dev"), StandardCharsets.UTF_8);
        Map<String, String[]> byPremise = new LinkedHashMap<>();
        for (int i = 0; i < s1.size(); i++) {
            String[] t = byPremise.computeIfAbsent(s1.get(i).trim(), k -> new String[2]);
            if (labels.get(i).equals("entailment") && t[0] == null) {
                t[0] = s2.get(i).trim();
            } else if (labels.get(i).equals("contradiction") && t[1] == null) {
                t[1] = s2.get(i).trim();
            }
        }
        List<String> a = new ArrayList<>();
        List<String> p = new ArrayList<>();
        List<String> neg = new ArrayList<>();
        for (Map.Entry<String, String[]> e : byPremise.entrySet()) {
            if (e.getValue()[0] != null && e.getValue()[1] != null && a.size() < n) {
                a.add(e.getKey());
                p.add(e.getValue()[0]);
                neg.add(e.getValue()[1]);
            }
        }
        return Dataset.builder("snli-triplets").column("anchor", a).column("positive", p).column("negative", neg).build();
    }

    /** STS Benchmark train pairs with their scores / 5. */
    static Dataset stsPairs(int n) throws IOException {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.root().resolve("datasets/stsbenchmark/sts-train.csv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (a.size() < n) {
                a.add(f[5]);
                b.add(f[6]);
                scores.add(Double.parseDouble(f[4]) / 5.0);
            }
        }
        double[] labels = scores.stream().mapToDouble(Double::doubleValue).toArray();
        return Dataset.builder("sts").column("sentence1", a).column("sentence2", b).labels("score", labels).build();
    }

    private static Dataset data(String loss) throws IOException {
        return loss.equals("CoSENTLoss") ? stsPairs(64) : snliTriplets(64);
    }

    private static SentenceTransformerTrainer.Builder trainer(SentenceEncoder model, String loss, Path out) throws IOException {
        TrainingArguments args = TrainingArguments.builder(out).maxSteps(STEPS).batchSize(16).learningRate(2e-5)
                .warmupRatio(0).seed(7).loggingSteps(1).saveSteps(0).batchSampler(BatchSamplers.DEFAULT)
                .evalBeforeTraining(false).build();
        SentenceLoss l = LossRegistry.defaults().create(LossSpec.of(loss, Map.of()));
        return SentenceTransformerTrainer.builder(model, args).train(data(loss), l);
    }

    private static Map<String, INDArray> weights(SentenceEncoder model) {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        model.encoder().weights().asMap().forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    private static double maxDifference(Map<String, INDArray> a, Map<String, INDArray> b) {
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        String where = null;
        for (Map.Entry<String, INDArray> e : a.entrySet()) {
            double d = e.getValue().sub(b.get(e.getKey())).amaxNumber().doubleValue();
            if (d > worst) {
                worst = d;
                where = e.getKey();
            }
        }
        System.out.println("worst tensor: " + where + " " + worst);
        return worst;
    }

    /** The single-process run's final weights (computed once per loss). */
    private static synchronized Map<String, INDArray> local(String loss, Path dir) throws IOException {
        if (!LOCAL.containsKey(loss)) {
            try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
                Map<String, INDArray> initial = weights(model);
                trainer(model, loss, dir.resolve("local-" + loss)).stepRunner(StepRunner.LOCAL).build().train();
                Map<String, INDArray> after = weights(model);
                double moved = maxDifference(initial, after);
                assertTrue(moved > 4 * TOLERANCE, "training moves the weights well beyond the tolerance: " + moved);
                LOCAL.put(loss, after);
            }
        }
        return LOCAL.get(loss);
    }

    private static Map<String, INDArray> spark(String loss, int tasks, Path out, List<StepTiming> timings) throws IOException {
        try (SentenceEncoder model = SentenceEncoder.defaultModel();
             SparkStepRunner runner = SparkStepRunner.builder(SparkCluster.context(), model).tasks(tasks).build()) {
            TrainingResult r = trainer(model, loss, out).stepRunner(runner).build().train();
            assertEquals(STEPS, r.globalSteps());
            timings.addAll(runner.timings());
            return weights(model);
        }
    }

    @ParameterizedTest(name = "{0}, W = 1, 2, 4")
    @ValueSource(strings = {"MultipleNegativesRankingLoss", "CoSENTLoss"})
    void equalsSingleProcessTraining(String loss, @TempDir Path dir) throws IOException {
        Map<String, INDArray> local = local(loss, dir);
        for (int w : new int[] {1, 2, 4}) {
            List<StepTiming> timings = new ArrayList<>();
            Map<String, INDArray> distributed = spark(loss, w, dir.resolve("spark-" + w), timings);
            double diff = maxDifference(local, distributed);
            System.out.printf("%s W=%d: max |spark - local| = %.3g; steps %s%n", loss, w, diff, timings);
            assertEquals(STEPS, timings.size());
            timings.forEach(t -> assertEquals(Math.min(w, 16), t.tasks()));
            assertTrue(diff <= TOLERANCE, loss + " with " + w + " tasks: max |spark - local| = " + diff);
        }
    }

    /** SNLI (premise, hypothesis) pairs with their class (entailment 0, neutral 1, contradiction 2). */
    static Dataset snliPairs(int n) throws IOException {
        Path snli = TestData.root().resolve("datasets/snli");
        List<String> s1 = Files.readAllLines(snli.resolve("s1.dev"), StandardCharsets.UTF_8).subList(0, n);
        List<String> s2 = Files.readAllLines(snli.resolve("s2.dev"), StandardCharsets.UTF_8).subList(0, n);
        List<String> names = List.of("entailment", "neutral", "contradiction");
        int[] labels = Files.readAllLines(snli.resolve("labels.dev"), StandardCharsets.UTF_8).subList(0, n).stream()
                .mapToInt(names::indexOf).toArray();
        return Dataset.builder("snli-pairs").column("premise", s1).column("hypothesis", s2).labels("label", labels).build();
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> losses() {
        LossSpec mnrl = LossSpec.of("MultipleNegativesRankingLoss");
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("MultipleNegativesRankingLoss", mnrl, "triplets"),
                org.junit.jupiter.params.provider.Arguments.of("CachedMultipleNegativesRankingLoss",
                        LossSpec.of("CachedMultipleNegativesRankingLoss", Map.of("mini_batch_size", 4)), "triplets"),
                org.junit.jupiter.params.provider.Arguments.of("SoftmaxLoss (own classifier)",
                        LossSpec.of("SoftmaxLoss", Map.of("embedding_dimension", 384, "num_labels", 3)), "nli"),
                org.junit.jupiter.params.provider.Arguments.of("MatryoshkaLoss over MNRL",
                        new LossSpec("MatryoshkaLoss", Map.of("matryoshka_dims", List.of(384, 128, 64)), mnrl), "triplets"),
                org.junit.jupiter.params.provider.Arguments.of("AdaptiveLayerLoss over CoSENT (per-layer inputs)",
                        new LossSpec("AdaptiveLayerLoss", Map.of("n_layers_per_step", 2), LossSpec.of("CoSENTLoss")), "sts"),
                org.junit.jupiter.params.provider.Arguments.of("Matryoshka2dLoss over MNRL",
                        new LossSpec("Matryoshka2dLoss", Map.of("matryoshka_dims", List.of(384, 64)), mnrl), "triplets"),
                org.junit.jupiter.params.provider.Arguments.of("GISTEmbedLoss (guide)", LossSpec.of("GISTEmbedLoss"), "triplets"),
                org.junit.jupiter.params.provider.Arguments.of("ContrastiveTensionLoss (two towers)",
                        LossSpec.of("ContrastiveTensionLoss"), "sentences"),
                org.junit.jupiter.params.provider.Arguments.of("DenoisingAutoEncoderLoss (TSDAE: decoder on the driver)",
                        LossSpec.of("DenoisingAutoEncoderLoss"), "sentences"));
    }

    /**
     * One step's loss and every gradient tensor (the encoder's, a copy tower's, the loss's own), distributed over
     * 3 tasks (12 rows) vs in process, on the same real batch and seeds, for each kind of loss the runner must carry: the
     * gradients themselves (before Adam) agree to float32 summation order.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("losses")
    void oneStepsGradientsEqualTheInProcessStep(String label, LossSpec spec, String data) throws IOException {
        int n = 12;
        Dataset dataset = switch (data) {
            case "triplets" -> snliTriplets(n);
            case "nli" -> snliPairs(n);
            case "sts" -> stsPairs(n);
            default -> Dataset.builder("sentences").column("text", snliTriplets(n).column("anchor")).build();
        };
        try (SentenceEncoder model = SentenceEncoder.defaultModel();
             SentenceEncoder guide = SentenceEncoder.defaultModel();
             SparkStepRunner runner = SparkStepRunner.builder(SparkCluster.context(), model).tasks(3).build()) {
            SentenceLoss loss = LossRegistry.defaults().create(spec);
            StepPair pair = bothWays(model, loss.usesGuideEmbeddings() ? guide : null, runner, dataset, loss, n);
            org.sentence4j.trainer.step.StepResult in = pair.in();
            Map<String, INDArray> local = pair.local();
            org.sentence4j.trainer.step.StepResult out = pair.out();
            assertEquals(in.loss(), out.loss(), 1e-5 * Math.max(1, Math.abs(in.loss())), "loss");
            assertEquals(in.components().keySet(), out.components().keySet());
            assertEquals(local.keySet(), out.gradients().keySet());
            // a tensor's scale is its largest element, but at least 1e-4 of the largest gradient anywhere: the attention
            // key bias has a gradient of 0 in exact arithmetic (softmax ignores a shift shared by all keys), so its float32
            // value is rounding noise of ~1e-9 that no two summation orders share
            double global = local.values().stream().mapToDouble(a -> a.amaxNumber().doubleValue()).max().orElse(1);
            assertTrue(global > 0, "the step has gradients");
            double worst = 0;
            String where = null;
            for (Map.Entry<String, INDArray> e : local.entrySet()) {
                double scale = Math.max(e.getValue().amaxNumber().doubleValue(), 1e-4 * global);
                double d = e.getValue().sub(out.gradients().get(e.getKey())).amaxNumber().doubleValue() / scale;
                if (d > worst) {
                    worst = d;
                    where = e.getKey();
                }
            }
            System.out.printf("%s: one step, %d rows in 3 tasks: loss %.7f vs %.7f, %d gradient tensors, worst difference"
                    + " %.3g of its tensor's scale (%s)%n", label, n, in.loss(), out.loss(), local.size(), worst, where);
            assertTrue(worst < 1e-4, label + ": gradients relative to their tensor's largest element: " + worst + " in " + where);
        }
    }

    /**
     * Every architecture through the distributed step: one MNRL step on SNLI triplets (12 rows in 3 tasks) of each
     * st-architectures folder gives the in-process loss and gradients (the model ships to the executors as its saved
     * folder, so each architecture's own files and tensor names travel).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny-xlm-roberta-mean", "tiny-roberta-cls", "tiny-mpnet-mean", "tiny-distilbert-mean",
            "tiny-modernbert-mean", "tiny-bert-dense"})
    void eachArchitecturesStepEqualsTheInProcessStep(String folder) throws IOException {
        int n = 12;
        Dataset dataset = snliTriplets(n);
        try (SentenceEncoder model = SentenceEncoder.load(TestData.root().resolve("fixtures/st-architectures").resolve(folder));
             SparkStepRunner runner = SparkStepRunner.builder(SparkCluster.context(), model).tasks(3).build()) {
            SentenceLoss loss = LossRegistry.defaults().create(LossSpec.of("MultipleNegativesRankingLoss"));
            StepPair pair = bothWays(model, null, runner, dataset, loss, n);
            org.sentence4j.trainer.step.StepResult in = pair.in();
            Map<String, INDArray> local = pair.local();
            org.sentence4j.trainer.step.StepResult out = pair.out();
            assertEquals(in.loss(), out.loss(), 1e-5 * Math.max(1, Math.abs(in.loss())), folder + " loss");
            assertEquals(local.keySet(), out.gradients().keySet());
            double global = local.values().stream().mapToDouble(a -> a.amaxNumber().doubleValue()).max().orElse(1);
            double worst = 0;
            String where = null;
            for (Map.Entry<String, INDArray> e : local.entrySet()) {
                if (e.getKey().endsWith("attention.self.key.bias")) {
                    // 0 in exact arithmetic (softmax ignores a shift shared by all keys): both sides are rounding noise
                    assertTrue(e.getValue().amaxNumber().doubleValue() <= 1e-6 * global
                            && out.gradients().get(e.getKey()).amaxNumber().doubleValue() <= 1e-6 * global, e.getKey());
                    continue;
                }
                double scale = Math.max(e.getValue().amaxNumber().doubleValue(), 1e-6 * global);
                double d = e.getValue().sub(out.gradients().get(e.getKey())).amaxNumber().doubleValue() / scale;
                if (d > worst) {
                    worst = d;
                    where = e.getKey();
                }
            }
            System.out.printf("%s: one MNRL step in 3 tasks: loss %.7f vs %.7f, worst gradient difference %.3g (%s)%n",
                    folder, in.loss(), out.loss(), worst, where);
            assertTrue(worst < 1e-4, folder + ": " + worst + " in " + where);
        }
    }

    /** One step in process ({@code in}, its gradients copied to {@code local}) and distributed ({@code out}). */
    private record StepPair(org.sentence4j.trainer.step.StepResult in, Map<String, INDArray> local,
                            org.sentence4j.trainer.step.StepResult out) {
    }

    /** The same step (first n rows, seeds 11 and 3) run by the in-process runner and by the Spark runner. */
    private static StepPair bothWays(SentenceEncoder model, SentenceEncoder guide, SparkStepRunner runner, Dataset dataset,
                                     SentenceLoss loss, int n) {
        org.sentence4j.trainer.step.DatasetStep step = new org.sentence4j.trainer.step.DatasetStep(model, dataset, loss,
                guide, "train");
        int[] rows = java.util.stream.IntStream.range(0, n).toArray();
        org.sentence4j.trainer.step.StepResult in = StepRunner.LOCAL.run(step, rows, 0, 11L, new java.util.Random(3));
        Map<String, INDArray> local = new LinkedHashMap<>();
        in.gradients().forEach((k, v) -> local.put(k, v.dup()));
        runner.parametersChanged(0);
        return new StepPair(in, local, runner.run(step, rows, 0, 11L, new java.util.Random(3)));
    }

    /** The executor JVMs of the test cluster, by executor id. */
    private static Map<String, ProcessHandle> executors() {
        Map<String, ProcessHandle> out = new LinkedHashMap<>();
        ProcessHandle.current().descendants().forEach(p -> {
            // /proc/<pid>/cmdline: the JDK's ProcessHandle.Info leaves out long command lines (a test class path)
            List<String> args;
            try {
                args = List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                        StandardCharsets.UTF_8).split("\0"));
            } catch (IOException e) {
                return;
            }
            int at = args.indexOf("--executor-id");
            if (args.stream().anyMatch(a -> a.endsWith("CoarseGrainedExecutorBackend")) && at >= 0 && at + 1 < args.size()) {
                out.put(args.get(at + 1), p);
            }
        });
        return out;
    }

    @Test
    void executorKilledInTheMiddleOfAStepChangesNothing(@TempDir Path dir) throws IOException {
        Map<String, INDArray> local = local("MultipleNegativesRankingLoss", dir);
        JavaSparkContext sc = SparkCluster.context();
        AtomicInteger started = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean found = new AtomicBoolean();
        AtomicInteger lost = new AtomicInteger();
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                // step 2's backward job (each step runs 2 jobs of 2 tasks): kill the JVM running its first task
                if (started.incrementAndGet() == 7 && !killed.getAndSet(true)) {
                    ProcessHandle p = executors().get(start.taskInfo().executorId());
                    if (p != null) {
                        found.set(true);
                        p.destroyForcibly();
                    }
                }
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof TaskFailedReason) {
                    lost.incrementAndGet();
                }
            }
        };
        sc.sc().addSparkListener(killer);
        Map<String, INDArray> distributed;
        try {
            distributed = spark("MultipleNegativesRankingLoss", 2, dir.resolve("killed"), new ArrayList<>());
        } finally {
            sc.sc().removeSparkListener(killer);
        }
        assertTrue(found.get(), "the executor JVM of step 2's first backward task was found and killed");
        assertTrue(lost.get() >= 1, "a task failed with its executor and was run again: " + lost.get() + " failed task(s)");
        double diff = maxDifference(local, distributed);
        System.out.printf("executor killed in step 2: %d failed task(s); max |spark - local| = %.3g%n", lost.get(), diff);
        assertTrue(diff <= TOLERANCE, "after an executor failure: max |spark - local| = " + diff);
    }

    @Test
    void driverResumedFromACheckpointEndsTheSame(@TempDir Path dir) throws IOException {
        Map<String, INDArray> local = local("MultipleNegativesRankingLoss", dir);
        Path out = dir.resolve("resumed");
        try (SentenceEncoder model = SentenceEncoder.defaultModel();
             SparkStepRunner runner = SparkStepRunner.builder(SparkCluster.context(), model).tasks(2).build()) {
            TrainingResult first = trainer(model, "MultipleNegativesRankingLoss", out).stepRunner(runner).stopAfterStep(2).build().train();
            assertEquals(2, first.globalSteps());
        }
        assertTrue(Files.isDirectory(out.resolve("checkpoints/checkpoint-2")));
        // a new driver: fresh base model, fresh runner; the checkpoint brings weights, optimizer and sampler back
        try (SentenceEncoder model = SentenceEncoder.defaultModel();
             SparkStepRunner runner = SparkStepRunner.builder(SparkCluster.context(), model).tasks(2).build()) {
            TrainingResult rest = trainer(model, "MultipleNegativesRankingLoss", out).stepRunner(runner).build()
                    .resumeFromLatestCheckpoint();
            assertEquals(STEPS, rest.globalSteps());
            double diff = maxDifference(local, weights(model));
            System.out.printf("resumed at step 2 of %d: max |spark - local| = %.3g%n", STEPS, diff);
            assertTrue(diff <= TOLERANCE, "resumed run: max |spark - local| = " + diff);
        }
    }
}
