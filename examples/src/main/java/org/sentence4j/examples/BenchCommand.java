package org.sentence4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.EncoderArchitecture;
import org.sentence4j.graphs.sd.SessionMemory;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.ranking.MultipleNegativesRankingLoss;
import org.sentence4j.trainer.optim.AdamW;
import org.sentence4j.trainer.optim.GradientClipping;
import org.sentence4j.trainer.step.StepResult;
import org.sentence4j.trainer.step.TrainingGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sentence4j bench --mode encode|train --batch B --seq T [--iters N] [--warmup W] [--threads N]
 * [--callers C] [--model <dir>]}: times one configuration of the default model (all-MiniLM-L6-v2) in this
 * fresh process and prints one JSON line: median/min/max milliseconds per iteration after warm-up, peak
 * resident memory, achieved GFLOP/s.
 *
 * <p>encode: inference on random token ids of exactly T tokens (no padding), mean pooling and normalisation.
 * With {@code --callers C} (encode only) an iteration is C calls of B texts each, made at the same time from C
 * threads on the one model (a server's concurrent requests); {@code texts_per_s} is C × B over the median.
 * With a list, {@code --callers 1,2}, the counts take turns iteration by iteration in the one process, so that
 * a load that comes and goes on a shared machine falls on all of them alike; one line with the figures of
 * each count and the median of the per-round throughput ratios to the first count.
 * train: anchors and positives [B, T] each, dropout 0.1, MultipleNegativesRankingLoss (scale 20, cosine) or
 * {@code --loss <Name>} (e.g. DenoisingAutoEncoderLoss: damaged = column 0, original = column 1),
 * backward, gradient-norm clipping at 1.0, AdamW (lr 2e-5, weight decay 0.01 except biases and LayerNorm).
 * FLOPs count matrix products only, 2 per multiply-add; a training step is 3 × the forward of both columns.
 */
@Command(name = "bench", description = "Time the default model's encoding or training step; print one JSON line of figures.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--mode", required = true, paramLabel = "encode|train|loss", description = "What to time.")
    String mode;

    @Option(names = "--batch", defaultValue = "32", description = "Texts per call (> 0; default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "64", description = "Tokens per text (>= 2; default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--iters", defaultValue = "10", description = "Timed iterations (> 0; default ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed iterations first (>= 0; default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", description = "Native threads (> 0; default: the processors).")
    Integer threadsOption;

    @Option(names = "--callers", defaultValue = "1", paramLabel = "C or C1,C2",
            description = "Concurrent callers (encode): a count, or a list taking turns (default ${DEFAULT-VALUE}).")
    String callersOption;

    @Option(names = "--model", paramLabel = "<dir or org/name>", description = "Time this model instead of the default one.")
    String modelOption;

    @Option(names = "--architecture", paramLabel = "<type>",
            description = "Random weights at MiniLM's sizes: bert, roberta, xlm-roberta, distilbert, mpnet, modernbert.")
    String architecture;

    @Option(names = "--loss", paramLabel = "<LossName>", description = "The loss of --mode train or loss (default MultipleNegativesRankingLoss).")
    String lossOption;

    @Option(names = "--dim", defaultValue = "384", description = "Embedding width of --mode loss (> 0; default ${DEFAULT-VALUE}).")
    int dim;

    @Override
    public Integer call() throws IOException {
        if (!mode.equals("encode") && !mode.equals("train") && !mode.equals("loss")) {
            throw new UsageException("--mode must be encode, train or loss, not '" + mode + "'");
        }
        Checks.positive("--batch", batch);
        Checks.atLeast("--seq", seq, 2);
        Checks.positive("--iters", iters);
        Checks.atLeast("--warmup", warmup, 0);
        int threads = threadsOption != null ? Checks.positive("--threads", threadsOption.intValue())
                : Runtime.getRuntime().availableProcessors();
        Checks.positive("--dim", dim);
        List<Integer> callerCounts = callerCounts(callersOption);
        int callers = callerCounts.get(0);
        if ((callers > 1 || callerCounts.size() > 1) && !mode.equals("encode")) {
            throw new UsageException("--callers is for --mode encode (training is single-threaded)");
        }
        Checks.exclusive("--model", modelOption != null, "--architecture", architecture != null);
        if (modelOption != null) {
            Checks.model("--model", modelOption);
        }
        if (architecture != null && EncoderArchitecture.ofModelType(architecture).isEmpty()) {
            throw new UsageException("--architecture must be one of " + String.join(", ", EncoderArchitecture.modelTypes())
                    + ", not '" + architecture + "'");
        }
        if (lossOption != null && !org.sentence4j.losses.LossRegistry.defaults().names().contains(lossOption)) {
            throw new UsageException("--loss: unknown loss '" + lossOption + "'; ./sentence4j losses lists them");
        }
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);

        if (mode.equals("loss")) {
            lossOnly(lossOption != null ? lossOption : "MultipleNegativesRankingLoss", batch, dim, iters, warmup, threads);
            return 0;
        }
        try (SentenceEncoder model = architecture != null ? BenchModels.miniLmSized(architecture)
                : modelOption != null ? SentenceEncoder.load(modelOption) : SentenceEncoder.defaultModel()) {
            BertConfig cfg = model.encoder().config();
            if (TRACE) {
                System.err.printf("model loaded: rss %.0f MB, peak rss %.0f MB, java heap used %d MB%n", statusMb("VmRSS:"),
                        statusMb("VmHWM:"), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
            }
            if (seq > cfg.maxSequenceLength()) {
                throw new UsageException("--seq exceeds the model's " + cfg.maxSequenceLength() + " positions");
            }
            Random rng = new Random(7);
            double[] ms;
            double flops = forwardFlops(cfg, batch, seq);
            if (mode.equals("encode") && callerCounts.size() > 1) {
                compareCallers(callerCounts, warmup, iters, batch, threads,
                        r -> model.encoder().embed(randomTokens(cfg, batch, seq, r)), seq);
                return 0;
            }
            if (mode.equals("encode") && callers > 1) {
                ms = concurrently(callers, warmup, iters, r -> model.encoder().embed(randomTokens(cfg, batch, seq, r)));
                flops *= callers;
            } else if (mode.equals("encode")) {
                ms = time(warmup, iters, () -> model.encoder().embed(randomTokens(cfg, batch, seq, rng)));
            } else {
                flops = 3 * 2 * flops;
                // --loss in train mode: any loss of two unlabeled text columns (DenoisingAutoEncoderLoss: TSDAE's decoder step)
                org.sentence4j.losses.SentenceLoss trainLoss = lossOption != null
                        ? org.sentence4j.losses.LossRegistry.defaults().create(lossOption, Map.of())
                        : MultipleNegativesRankingLoss.builder().build();
                TrainingGraph graph = new TrainingGraph(model.encoder(), trainLoss, "bench", 2, null, 0);
                AdamW adam = AdamW.withWeightDecay(0.01);

                Map<String, INDArray> params = graph.parameters();
                long[] step = {0};
                String profile = System.getenv("SENTENCE4J_BENCH_PROFILE");
                ms = time(warmup, iters, () -> {
                    if (profile != null && step[0] == warmup) {
                        org.nd4j.autodiff.samediff.SameDiff g = graph.lossGraph().getFunction("grad");
                        g.setListeners(new org.nd4j.autodiff.listeners.profiler.ProfilingListener.Builder(new java.io.File(profile))
                                .recordAll().operations(org.nd4j.autodiff.listeners.Operation.INFERENCE).build());
                    }
                    long t0 = System.nanoTime();
                    StepResult r = graph.step(List.of(randomTokens(cfg, batch, seq, rng), randomTokens(cfg, batch, seq, rng)),
                            null, null, step[0]++, rng);
                    long t1 = System.nanoTime();
                    GradientClipping.clip(r.gradients(), 1.0);
                    long t2 = System.nanoTime();
                    adam.step(params, r.gradients(), 2e-5);
                    long t3 = System.nanoTime();
                    if (TRACE) {
                        System.err.printf("  step %.0f ms, clip %.0f ms, adamw %.0f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
                    }
                });
                if (profile != null) {
                    graph.lossGraph().getFunction("grad").setListeners(List.of());
                    System.err.println(org.nd4j.autodiff.listeners.profiler.comparison.ProfileAnalyzer.summarizeProfileStr(
                            new java.io.File(profile), org.nd4j.autodiff.listeners.profiler.comparison.ProfileAnalyzer.ProfileFormat.SAMEDIFF));
                }
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mode", mode);
            if (mode.equals("train")) {
                out.put("loss", lossOption != null ? lossOption : "MultipleNegativesRankingLoss");
            }
            out.put("batch", batch);
            out.put("seq", seq);
            out.put("threads", threads);
            if (mode.equals("encode")) {
                out.put("callers", callers);
                out.put("texts_per_s", round(callers * batch / (median / 1000.0)));
            }
            out.put("median_ms", round(median));
            out.put("min_ms", round(sorted[0]));
            out.put("max_ms", round(sorted[sorted.length - 1]));
            out.put("peak_rss_mb", peakRssMb());
            out.put("gflops_achieved", round(flops / (median / 1000.0) / 1e9));
            out.put("iters", iters);
            out.put("openblas_coretype", System.getenv().getOrDefault("OPENBLAS_CORETYPE", ""));
            System.out.println(new ObjectMapper().writeValueAsString(out));
        }
        return 0;
    }

    /**
     * {@code --mode loss --loss <Name> --batch B [--dim 384]}: the loss fragment alone, value and embedding
     * gradients, on random embeddings of B rows per column (labels made up to fit the loss), graph built once.
     * With {@code SENTENCE4J_BENCH_PROFILE=<new file>}, SameDiff's per-op profile of the runs after the first
     * is written there and summarised on standard error (the profiler adds its own overhead to the timings).
     */
    private static void lossOnly(String lossName, int batch, int dim, int iters, int warmup, int threads) throws IOException {
        org.sentence4j.losses.SentenceLoss loss = org.sentence4j.losses.LossRegistry.defaults().create(lossName, Map.of());
        org.sentence4j.losses.InputFormat f = loss.inputFormat();
        int columns = Math.max(f.minColumns(), Math.min(2, f.maxColumns()));
        Random rng = new Random(11);
        java.util.function.Supplier<org.sentence4j.losses.runner.LossBatch> batches = () -> {
            List<INDArray> cols = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                cols.add(Nd4j.rand(DataType.FLOAT, batch, dim).subi(0.5));
            }
            org.sentence4j.losses.runner.LossBatch b = org.sentence4j.losses.runner.LossBatch.of(cols);
            if (f.labels() != org.sentence4j.losses.LabelRequirement.NONE) {
                double[] y = new double[batch];
                for (int i = 0; i < batch; i++) {
                    y[i] = f.labelKind() == org.sentence4j.losses.LabelKind.CLASS ? rng.nextInt(16) : rng.nextInt(2);
                }
                b.withLabels(Nd4j.createFromArray(y).castTo(DataType.FLOAT));
            }
            return b;
        };
        org.sentence4j.losses.runner.EmbeddingLossRunner.Prepared p =
                new org.sentence4j.losses.runner.EmbeddingLossRunner(DataType.FLOAT).prepare(loss, batches.get());
        String profile = System.getenv("SENTENCE4J_BENCH_PROFILE");
        boolean[] profiling = {false};
        double[] ms = time(warmup, iters, () -> {
            // from the second run on: the first one builds the gradient function
            if (profile != null && !profiling[0] && p.graph().getFunction("grad") != null) {
                profiling[0] = true;
                p.graph().setListeners(new org.nd4j.autodiff.listeners.profiler.ProfilingListener.Builder(
                        new java.io.File(profile)).recordAll().build());
            }
            p.evaluate();
        });
        if (profile != null) {
            p.graph().setListeners(List.of());
            System.err.println(org.nd4j.autodiff.listeners.profiler.comparison.ProfileAnalyzer.summarizeProfileStr(
                    new java.io.File(profile), org.nd4j.autodiff.listeners.profiler.comparison.ProfileAnalyzer.ProfileFormat.SAMEDIFF));
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", "loss");
        out.put("loss", loss.name());
        out.put("batch", batch);
        out.put("dim", dim);
        out.put("threads", threads);
        out.put("median_ms", round(sorted[sorted.length / 2]));
        out.put("min_ms", round(sorted[0]));
        out.put("max_ms", round(sorted[sorted.length - 1]));
        out.put("peak_rss_mb", peakRssMb());
        System.out.println(new ObjectMapper().writeValueAsString(out));
    }

    /** Matrix-product FLOPs of one forward pass: per token and layer Q, K, V, output, two FFN products, and attention. */
    static double forwardFlops(BertConfig c, int batch, int seq) {
        double h = c.hiddenSize();
        // ModernBERT's gated feed-forward multiplies by [2F, H] and [H, F]: 3·H·F against BERT's 2·H·F
        double ffn = (c.architecture().modernBlock() ? 3 : 2) * h * c.intermediateSize();
        double perTokenLayer = 2 * (4 * h * h + ffn + 2.0 * seq * h);
        return perTokenLayer * c.numHiddenLayers() * batch * seq;
    }

    private static TokenBatch randomTokens(BertConfig c, int batch, int seq, Random rng) {
        long[] ids = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + rng.nextInt(c.vocabSize() - 1000);
        }
        INDArray idArr = Nd4j.createFromArray(ids).reshape(batch, seq);
        return new TokenBatch(idArr, Nd4j.ones(DataType.INT64, batch, seq), Nd4j.zeros(DataType.INT64, batch, seq));
    }

    /** {@code --callers}: one count, or a comma-separated list of counts, each >= 1. */
    static List<Integer> callerCounts(String value) {
        List<Integer> counts = new ArrayList<>();
        for (String part : value.split(",")) {
            int c;
            try {
                c = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--callers takes counts like 2 or 1,2, not '" + value + "'");
            }
            if (c < 1) {
                throw new UsageException("--callers counts must be >= 1, not " + c);
            }
            counts.add(c);
        }
        return counts;
    }

    /**
     * {@code --callers 1,2,...}: per round, one iteration of each count (that many calls at once); prints each
     * count's median and best milliseconds per iteration and throughput, and the median over rounds of each
     * count's throughput divided by the first count's in the same round.
     */
    private static void compareCallers(List<Integer> counts, int warmup, int iters, int batch, int threads,
                                       java.util.function.Consumer<Random> call, int seq) throws IOException {
        int most = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(most);
        try {
            List<Random> sources = new ArrayList<>();
            for (int c = 0; c < most; c++) {
                sources.add(new Random(7 + c));
            }
            double[][] ms = new double[counts.size()][iters];
            for (int i = -warmup; i < iters; i++) {
                for (int k = 0; k < counts.size(); k++) {
                    long t0 = System.nanoTime();
                    callAtOnce(pool, sources.subList(0, counts.get(k)), call);
                    if (i >= 0) {
                        ms[k][i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mode", "encode");
            out.put("batch", batch);
            out.put("seq", seq);
            out.put("threads", threads);
            out.put("callers", counts);
            Map<String, Object> perCount = new LinkedHashMap<>();
            for (int k = 0; k < counts.size(); k++) {
                double[] sorted = ms[k].clone();
                Arrays.sort(sorted);
                double median = sorted[sorted.length / 2];
                double[] ratios = new double[iters];
                for (int i = 0; i < iters; i++) {
                    ratios[i] = (counts.get(k) / ms[k][i]) / (counts.get(0) / ms[0][i]);
                }
                Arrays.sort(ratios);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("median_ms", round(median));
                f.put("min_ms", round(sorted[0]));
                f.put("texts_per_s", round(counts.get(k) * batch / (median / 1000.0)));
                f.put("throughput_ratio_median", Math.round(ratios[iters / 2] * 100.0) / 100.0);
                perCount.put(String.valueOf(counts.get(k)), f);
            }
            out.put("by_callers", perCount);
            out.put("iters", iters);
            out.put("peak_rss_mb", peakRssMb());
            System.out.println(new ObjectMapper().writeValueAsString(out));
        } finally {
            pool.shutdownNow();
        }
    }

    /** One call per random source, all at once on the pool; returns when the last one has. */
    private static void callAtOnce(java.util.concurrent.ExecutorService pool, List<Random> sources,
                                   java.util.function.Consumer<Random> call) {
        List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
        for (Random r : sources) {
            calls.add(pool.submit(() -> call.accept(r)));
        }
        for (java.util.concurrent.Future<?> f : calls) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a concurrent encode call failed: " + e.getCause(), e.getCause());
            }
        }
    }

    /**
     * {@link #time} of iterations that are {@code callers} calls at once, one per thread (each thread with its
     * own random source); an iteration ends when the last call returns.
     */
    private static double[] concurrently(int callers, int warmup, int iters, java.util.function.Consumer<Random> call) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        try {
            List<Random> sources = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                sources.add(new Random(7 + c));
            }
            return time(warmup, iters, () -> callAtOnce(pool, sources, call));
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] time(int warmup, int iters, Runnable work) {
        for (int i = 0; i < warmup; i++) {
            work.run();
            if (TRACE) {
                System.err.printf("warmup %d: peak rss %.0f MB%n", i, statusMb("VmHWM:"));
                SessionMemory.peakBytesSinceLastCall();
            }
        }
        List<Double> ms = new ArrayList<>();
        org.sentence4j.graphs.eager.SectionTimer.reset();
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            work.run();
            ms.add((System.nanoTime() - t0) / 1e6);
            if (TRACE) {
                System.err.printf("iter %d: %.0f ms, rss %.0f MB, peak rss %.0f MB%n", i, ms.get(i), statusMb("VmRSS:"),
                        statusMb("VmHWM:"));
                System.err.printf("  session arrays: peak %d MB during the iteration, %d MB unreleased after%n",
                        SessionMemory.peakBytesSinceLastCall() >> 20, SessionMemory.liveBytes() >> 20);

            }
        }
        if (org.sentence4j.graphs.eager.SectionTimer.enabled()) {
            System.err.println("eager encoder sections, all " + iters + " iterations (-Dsentence4j.eager.profile=true):");
            System.err.print(org.sentence4j.graphs.eager.SectionTimer.summary());
        }
        return ms.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Per-iteration memory lines on standard error ({@code SENTENCE4J_BENCH_TRACE=1}). */
    private static final boolean TRACE = System.getenv("SENTENCE4J_BENCH_TRACE") != null;

    /** VmHWM of this process (peak resident set), in MB; -1 where /proc is not available. */
    static double peakRssMb() {
        return statusMb("VmHWM:");
    }

    /** A memory line of /proc/self/status in MB; -1 where /proc is not available. */
    static double statusMb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double round(double v) {
        return Math.round(v * 10.0) / 10.0;
    }
}
