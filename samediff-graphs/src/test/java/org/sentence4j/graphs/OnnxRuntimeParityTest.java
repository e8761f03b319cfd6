package org.sentence4j.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.io.DefaultModel;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * The embedded all-MiniLM-L6-v2 in SameDiff against ONNX Runtime running the very same ONNX file on the same
 * token ids, with sentence-transformers' mean pooling and L2 normalisation applied to ONNX Runtime's
 * {@code last_hidden_state}: equal within 1e-5 per dimension.
 */
class OnnxRuntimeParityTest {

    static final List<String> TEXTS = List.of(
            "A man is eating food.",
            "A man is eating a piece of bread.",
            "x",
            "Hi!",
            "The quick brown fox jumps over the lazy dog.",
            "Café naïve résumé: crème brûlée à la carte.",
            "ÅNGSTRÖM and straße in MIXED case",
            "On 2024-03-15 the price rose 12.5% to $1,234.56 (approx.).",
            "What?! No... really?? Yes -- (maybe) [perhaps] {or not}; \"quoted\" 'single'.",
            "我爱自然语言处理",
            "東京は日本の首都です。",
            "안녕하세요, 만나서 반갑습니다.",
            "Привет, как дела?",
            "مرحبا بالعالم",
            "emoji 🙂 and symbols ©®™ ± ∞",
            "don't won't can't it's we're they'll",
            "contact me at someone@example.com or https://example.org/path?q=1",
            "   leading and trailing spaces   ",
            "CamelCaseWordsAndUPPERCASE tokens mixed with lowercase",
            "numbers 0 1 2 3 4 5 6 7 8 9 10 100 1000 10000 3.14159",
            "a long text " + "that keeps going with many words and clauses, ".repeat(40),
            "another very long input: " + "lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(50));

    private static SentenceEncoder model;
    private static OnnxReference onnx;

    @BeforeAll
    static void load() throws Exception {
        model = SentenceEncoder.defaultModel();
        onnx = new OnnxReference(DefaultModel.ONNX_RESOURCE);
    }

    @AfterAll
    static void close() throws Exception {
        onnx.close();
        model.close();
    }

    /** ONNX Runtime's last hidden state, mean-pooled over real tokens and L2-normalised (in double). */
    private static double[][] reference(TokenBatch batch) throws Exception {
        long[][] ids = batch.inputIds().toLongMatrix();
        long[][] mask = batch.attentionMask().toLongMatrix();
        float[][][] hidden = onnx.lastHiddenState(batch);
        double[][] out = new double[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            double[] sum = new double[hidden[b][0].length];
            int count = 0;
            for (int k = 0; k < ids[b].length; k++) {
                if (mask[b][k] == 1) {
                    count++;
                    for (int d = 0; d < sum.length; d++) {
                        sum[d] += hidden[b][k][d];
                    }
                }
            }
            for (int d = 0; d < sum.length; d++) {
                sum[d] /= count;
            }
            out[b] = OnnxReference.unitLength(sum);
        }
        return out;
    }

    @Test
    void embeddingsEqualOnnxRuntimeWithin1e5() throws Exception {
        assertTrue(TEXTS.size() >= 20);
        double worst = 0;
        for (int start = 0; start < TEXTS.size(); start += 8) {
            List<String> batch = TEXTS.subList(start, Math.min(TEXTS.size(), start + 8));
            TokenBatch tokens = model.tokenizer().tokenize(batch);
            double[][] want = reference(tokens);
            INDArray ours = model.encoder().embed(tokens);
            for (int b = 0; b < batch.size(); b++) {
                for (int d = 0; d < want[b].length; d++) {
                    worst = Math.max(worst, Math.abs(ours.getDouble(b, d) - want[b][d]));
                }
            }
        }
        System.out.println("max abs difference SameDiff vs ONNX Runtime: " + worst);
        assertTrue(worst <= 1e-5, "max |SameDiff - ONNX Runtime| = " + worst);
    }

    @Test
    void longTextsAreTruncatedTo256Tokens() {
        TokenBatch t = model.tokenizer().tokenize(List.of(TEXTS.get(TEXTS.size() - 1)));
        assertEquals(256, t.sequenceLength());
    }

    @Test
    void aTextAloneEqualsTheSameTextInAPaddedBatch() {
        INDArray batch = model.encode(TEXTS, EncodeOptions.defaults().withBatchSize(7));
        List<Integer> picks = List.of(0, 2, 9, 20);
        for (int i : picks) {
            INDArray alone = model.encode(List.of(TEXTS.get(i)), EncodeOptions.defaults());
            for (int d = 0; d < alone.size(1); d++) {
                assertEquals(alone.getDouble(0, d), batch.getDouble(i, d), 1e-5, "text " + i + " dim " + d);
            }
        }
    }

    @Test
    void knownReferenceValuesOfTheDefaultModel() {
        INDArray e = model.encode(List.of("A man is eating food.", "A man is eating a piece of bread."), EncodeOptions.defaults());
        double[] first = {0.03324153, 0.00440612, -0.00627699, 0.04837870, -0.13870220};
        for (int d = 0; d < first.length; d++) {
            assertEquals(first[d], e.getDouble(0, d), 1e-6);
        }
        double cos = e.getRow(0).mul(e.getRow(1)).sumNumber().doubleValue();
        assertEquals(0.7553370594, cos, 1e-5);
    }
}
