package org.sentence4j.graphs.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sentence4j.graphs.arch.ArchitectureFixtures.doubles;
import static org.sentence4j.graphs.arch.ArchitectureFixtures.longs;
import static org.sentence4j.graphs.arch.ArchitectureFixtures.records;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * Every architecture folder of {@code st-architectures} against what sentence-transformers 6.0.1 computed for it:
 * the token ids of 28 texts exactly (special-token strings, empty and whitespace-only texts, truncation), the
 * padded batch exactly (padding id, mask), the embeddings within 1e-5 in float32 and 1e-12 in float64 (the library's {@code model.double()}), the last
 * hidden state within 1e-4, and the similarity matrix within 1e-5 relative.
 */
class ArchitectureParityTest {

    static List<String> folders() {
        return ArchitectureFixtures.FOLDERS;
    }

    /** The folders whose per-layer states are the pooling of hidden states alone (no Dense module after it). */
    static List<String> foldersWithoutDense() {
        return ArchitectureFixtures.FOLDERS.stream()
                .filter(f -> !records(f, "meta").get(0).get("modules").toString().contains("Dense")).toList();
    }

    private static List<String> texts(String folder) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : records(folder, "text")) {
            assertEquals(out.size(), r.get("i").asInt());
            out.add(r.get("text").asText());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("folders")
    void tokenIdsAreTheLibrarys(String folder) throws IOException {
        try (SentenceEncoder model = SentenceEncoder.load(ArchitectureFixtures.folder(folder))) {
            JsonNode meta = records(folder, "meta").get(0);
            assertEquals(meta.get("max_seq_length").asInt(), model.maxSeqLength(), "max_seq_length");
            for (JsonNode r : records(folder, "text")) {
                long[] got = model.tokenizer().encode(r.get("text").asText());
                assertArrayEquals(longs(r.get("input_ids")), got, folder + " text " + r.get("i") + ": " + r.get("text"));
            }
            JsonNode batch = records(folder, "batch").get(0);
            List<String> texts = texts(folder);
            List<String> chosen = new ArrayList<>();
            batch.get("texts_i").forEach(i -> chosen.add(texts.get(i.asInt())));
            TokenBatch tokens = model.tokenizer().tokenize(chosen);
            long[][] ids = tokens.inputIds().castTo(DataType.INT64).toLongMatrix();
            long[][] mask = tokens.attentionMask().castTo(DataType.INT64).toLongMatrix();
            for (int r = 0; r < ids.length; r++) {
                assertArrayEquals(longs(batch.get("input_ids").get(r)), ids[r], folder + " padded row " + r);
                assertArrayEquals(longs(batch.get("attention_mask").get(r)), mask[r], folder + " mask row " + r);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("folders")
    void embeddingsMatchInFloat32AndFloat64(String folder) throws IOException {
        List<String> texts = texts(folder);
        List<JsonNode> rows = records(folder, "text");
        double worst32 = 0;
        double worst64 = 0;
        try (SentenceEncoder model = SentenceEncoder.load(ArchitectureFixtures.folder(folder))) {
            INDArray e = model.encode(texts, EncodeOptions.defaults().withBatchSize(8));
            for (int i = 0; i < texts.size(); i++) {
                double[] want = doubles(rows.get(i).get("embedding_f32"));
                assertEquals(want.length, e.size(1), "embedding dimension");
                for (int d = 0; d < want.length; d++) {
                    worst32 = Math.max(worst32, Math.abs(e.getDouble(i, d) - want[d]));
                }
            }
            // the similarity the folder names, on the library's own rows
            JsonNode sim = records(folder, "similarity").get(0);
            List<Integer> idx = new ArrayList<>();
            sim.get("texts_i").forEach(n -> idx.add(n.asInt()));
            INDArray picked = e.getRows(idx.stream().mapToInt(Integer::intValue).toArray());
            INDArray m = model.similarity(picked, picked);
            for (int a = 0; a < idx.size(); a++) {
                double[] want = doubles(sim.get("matrix_f32").get(a));
                for (int b = 0; b < idx.size(); b++) {
                    assertEquals(want[b], m.getDouble(a, b), 1e-5 * Math.max(1, Math.abs(want[b])), folder + " similarity");
                }
            }
        }
        try (SentenceEncoder model = SentenceEncoder.of(
                org.sentence4j.graphs.io.SentenceTransformerFolder.load(ArchitectureFixtures.folder(folder)), DataType.DOUBLE)) {
            // the encoder itself (encode() hands out float32 whatever the computation's type), one padded batch
            INDArray e = model.encoder().embed(model.tokenizer().tokenize(texts));
            org.junit.jupiter.api.Assertions.assertEquals(DataType.DOUBLE, e.dataType());
            for (int i = 0; i < texts.size(); i++) {
                double[] want = doubles(rows.get(i).get("embedding_f64"));
                for (int d = 0; d < want.length; d++) {
                    worst64 = Math.max(worst64, Math.abs(e.getDouble(i, d) - want[d]));
                }
            }
        }
        System.out.printf("%s: max |ours - sentence-transformers| float32 %.2e, float64 %.2e%n", folder, worst32, worst64);
        assertTrue(worst32 <= 1e-5, folder + " float32 embeddings within 1e-5: " + worst32);
        assertTrue(worst64 <= 1e-12, folder + " float64 embeddings within 1e-12: " + worst64);
    }

    @ParameterizedTest
    @MethodSource("folders")
    void lastHiddenStateMatches(String folder) throws IOException {
        JsonNode hs = records(folder, "hidden_states").get(0);
        try (SentenceEncoder model = SentenceEncoder.load(ArchitectureFixtures.folder(folder))) {
            TokenBatch tokens = model.tokenizer().tokenize(List.of(hs.get("text").asText()));
            assertArrayEquals(longs(hs.get("input_ids")), tokens.inputIds().castTo(DataType.INT64).toLongVector());
            INDArray last = model.encoder().tokenEmbeddings(tokens);
            JsonNode want = hs.get("f32").get("last_hidden_state");
            double worst = 0;
            for (int t = 0; t < want.size(); t++) {
                double[] row = doubles(want.get(t));
                for (int k = 0; k < row.length; k++) {
                    worst = Math.max(worst, Math.abs(last.getDouble(0, t, k) - row[k]));
                }
            }
            assertTrue(worst <= 1e-4, folder + " last hidden state within 1e-4: " + worst);
        }
    }

    /**
     * Every hidden state, as the per-layer losses read it: the pooled (and normalised) embedding of each layer's
     * output against the same pooling of transformers' {@code hidden_states} (ModernBERT: un-normed layer outputs,
     * the last one final-normed), float64, one text.
     */
    @ParameterizedTest
    @MethodSource("foldersWithoutDense")
    void everyLayersPooledStateMatches(String folder) throws IOException {
        JsonNode meta = records(folder, "meta").get(0);
        JsonNode hs = records(folder, "hidden_states").get(0);
        JsonNode states = hs.get("f64").get("hidden_states");
        boolean cls = meta.get("pooling_mode").asText().equals("cls");
        boolean normalize = meta.get("normalize").asBoolean();
        try (SentenceEncoder model = SentenceEncoder.of(
                org.sentence4j.graphs.io.SentenceTransformerFolder.load(ArchitectureFixtures.folder(folder)), DataType.DOUBLE)) {
            TokenBatch tokens = model.tokenizer().tokenize(List.of(hs.get("text").asText()));
            int layers = model.encoder().config().numHiddenLayers();
            org.sentence4j.graphs.eager.EagerEncoder.Pass pass = model.encoder().eager().forward("layers", tokens, layers,
                    org.sentence4j.graphs.bert.DropoutMasks.none(), false, true);
            List<INDArray> pooled = pass.layerEmbeddings();
            assertEquals(states.size(), pooled.size(), "one pooled state per hidden state");
            double worst = 0;
            for (int l = 0; l < states.size(); l++) {
                JsonNode st = states.get(l);
                int h = st.get(0).size();
                double[] want = new double[h];
                for (int t = 0; t < st.size(); t++) {
                    for (int k = 0; k < h; k++) {
                        if (!cls || t == 0) {
                            want[k] += st.get(t).get(k).asDouble() / (cls ? 1 : st.size());
                        }
                    }
                }
                double norm = 0;
                for (double v : want) {
                    norm += v * v;
                }
                norm = normalize ? Math.max(Math.sqrt(norm), 1e-12) : 1;
                for (int k = 0; k < h; k++) {
                    worst = Math.max(worst, Math.abs(pooled.get(l).getDouble(0, k) - want[k] / norm));
                }
            }
            assertTrue(worst <= 1e-12, folder + ": every layer's pooled state within 1e-12 (float64): " + worst);
        }
    }
}
