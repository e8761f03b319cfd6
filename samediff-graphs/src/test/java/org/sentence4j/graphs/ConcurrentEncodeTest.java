package org.sentence4j.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.bert.BertEncoder;

/**
 * One {@link SentenceEncoder} shared by eight threads, as a web server would use it: every call, made while
 * the others run, returns exactly (bit for bit) what the same call returns when made alone. Texts range from
 * the empty string ([CLS] [SEP]) to texts truncated at the model's maximum length, in batches of different
 * sizes, so that concurrent passes need buffers of different sizes and grow them while others run.
 */
class ConcurrentEncodeTest {

    private static final int THREADS = 8;

    /** One call: its texts and options, through {@code embed} or {@code encode}. */
    private record Call(List<String> texts, EncodeOptions options, boolean viaEmbed) {
        INDArray run(SentenceEncoder model) {
            return viaEmbed ? model.embed(texts) : model.encode(texts, options);
        }
    }

    @Test
    void eightThreadsGetTheSequentialResultsBitForBit() throws Exception {
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModels().resolve("tiny-bert-mean"))) {
            List<Call> calls = calls(model, 1, THREADS * 30, 12);
            check(model, calls);
        }
    }

    @Test
    void theDefaultModelToo() throws Exception {
        try (SentenceEncoder model = SentenceEncoder.defaultModel()) {
            check(model, calls(model, 2, THREADS * 3, 5));
        }
    }

    /** Child entry point for {@link #theGraphRouteToo}: the tiny model's check, then whether the graph ran. */
    public static void main(String[] args) throws Exception {
        try (SentenceEncoder model = SentenceEncoder.load(Path.of(args[0]))) {
            check(model, calls(model, 3, THREADS * 4, 6));
            System.out.println("graph=" + model.encoder().sameDiff().hasVariable(BertEncoder.INFERENCE_PREFIX + "input_embeddings"));
        }
    }

    /**
     * The same through the SameDiff graph ({@code -Dsentence4j.encoder.graph=true}, read once per JVM, hence a
     * child JVM), where calls take turns on a lock.
     */
    @Test
    void theGraphRouteToo() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-Dsentence4j.encoder.graph=true", "-cp", classpath));
        for (String prop : List.of("org.bytedeco.javacpp.cachedir", "org.bytedeco.javacpp.maxbytes",
                "org.bytedeco.javacpp.maxphysicalbytes")) {
            if (System.getProperty(prop) != null) {
                cmd.add("-D" + prop + "=" + System.getProperty(prop));
            }
        }
        cmd.add(ConcurrentEncodeTest.class.getName());
        cmd.add(TestData.stModels().resolve("tiny-bert-mean").toString());
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "child JVM finished");
        assertEquals(0, child.exitValue(), "child JVM failed:\n" + out);
        assertTrue(out.strip().endsWith("graph=true"), "the inference branch of the graph was built and ran:\n" + out);
    }

    /**
     * Runs every call once to warm up, then alone (twice: the reference must itself be reproducible), then
     * all of them from {@link #THREADS} threads at once, each thread taking every {@code THREADS}-th call,
     * and compares. The warm-up matters: until the JIT compiles the vector kernels, the vector API's
     * interpreted form rounds some operations differently in the last bit (measured: the same two texts,
     * encoded alone 40 times, changed once, at the sixth call; on the scalar routes never).
     */
    private static void check(SentenceEncoder model, List<Call> calls) throws Exception {
        for (Call c : calls) {
            c.run(model);
        }
        List<float[]> alone = new ArrayList<>();
        for (Call c : calls) {
            alone.add(c.run(model).data().asFloat());
        }
        for (int i = 0; i < calls.size(); i++) {
            assertArrayEquals(alone.get(i), calls.get(i).run(model).data().asFloat(), 0f, "call " + i + " alone, twice");
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<float[]> out = new ArrayList<>();
                    for (int i = first; i < calls.size(); i += THREADS) {
                        out.add(calls.get(i).run(model).data().asFloat());
                    }
                    return out;
                }));
            }
            start.countDown();
            for (int t = 0; t < THREADS; t++) {
                List<float[]> got = futures.get(t).get(10, TimeUnit.MINUTES);
                for (int k = 0, i = t; i < calls.size(); k++, i += THREADS) {
                    assertArrayEquals(alone.get(i), got.get(k), 0f, "call " + i + " on thread " + t);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code n} calls of 1..maxTexts texts drawn from a pool of every length, with batch sizes 1..8. */
    private static List<Call> calls(SentenceEncoder model, long seed, int n, int maxTexts) {
        List<String> pool = texts(model.maxSeqLength());
        assertTrue(model.tokenizer().encode(pool.get(pool.size() - 1)).length == model.maxSeqLength(),
                "the longest text is truncated");
        assertEquals(2, model.tokenizer().encode("").length, "the empty text is [CLS] [SEP]");
        Random random = new Random(seed);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int count = 1 + random.nextInt(maxTexts);
            List<String> texts = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                texts.add(pool.get(random.nextInt(pool.size())));
            }
            EncodeOptions options = EncodeOptions.defaults().withBatchSize(1 + random.nextInt(8));
            if (random.nextInt(4) == 0) {
                options = options.withTruncateDim(model.embeddingDimension() / 2);
            }
            calls.add(new Call(texts, options, random.nextInt(5) == 0));
        }
        return calls;
    }

    /** The empty text, one word, sentences of growing length, and texts longer than the model takes. */
    private static List<String> texts(int maxSeqLength) {
        String[] words = ("the quick brown fox jumps over a lazy dog while the printer on the third floor keeps "
                + "jamming and nobody can find the invoice from last tuesday").split(" ");
        List<String> texts = new ArrayList<>(List.of("", "a", "ok", "Résumé?", "こんにちは"));
        for (int len = 3; len <= 40; len += 4) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < len; k++) {
                sb.append(k == 0 ? "" : " ").append(words[(k * 7 + len) % words.length]);
            }
            texts.add(sb.toString());
        }
        StringBuilder longText = new StringBuilder();
        for (int k = 0; k < maxSeqLength + 40; k++) {
            longText.append(words[k % words.length]).append(' ');
        }
        texts.add(longText.substring(0, longText.length() / 2));
        texts.add(longText.toString());
        return texts;
    }
}
