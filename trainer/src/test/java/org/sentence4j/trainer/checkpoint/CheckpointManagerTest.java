package org.sentence4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.io.SentenceTransformerModelFiles;
import org.sentence4j.trainer.LogEntry;
import org.sentence4j.trainer.TrainerState;
import org.sentence4j.trainer.optim.AdamW;

class CheckpointManagerTest {

    private static Path modelFolder;
    private static CheckpointFixtures.Parts parts1;
    private static CheckpointFixtures.Parts parts2;

    @BeforeAll
    static void fixtures() throws IOException {
        modelFolder = CheckpointFixtures.tinyModelFolder();
        parts1 = CheckpointFixtures.parts(modelFolder, 1, 1);
        parts2 = CheckpointFixtures.parts(modelFolder, 2, 2);
    }

    private static Path save(CheckpointManager m, long step, CheckpointFixtures.Parts p) throws IOException {
        return m.save(step, p.model(), p.optimizer(), p.loss(), p.state());
    }

    private static CheckpointFixtures.Parts withStep(CheckpointFixtures.Parts p, long step) {
        TrainerState s = p.state();
        return new CheckpointFixtures.Parts(p.model(), p.optimizer(), p.loss(), new TrainerState(step, s.epoch(),
                s.batchInEpoch(), s.samplerSeed(), s.dropoutSeed(), s.stepRngSeed(), s.log()));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    // ------------------------------------------------------------------------------------------ round trip

    @Test
    void saveAndLoadAreBitIdentical(@TempDir Path out) throws IOException {
        CheckpointManager m = new CheckpointManager(out, 3);
        Path folder = save(m, 1, parts1);
        assertEquals(out.resolve("checkpoint-1"), folder);
        assertEquals(List.of("checkpoint-1"), names(out), "no temporary folder is left behind");
        assertTrue(Files.isRegularFile(folder.resolve("modules.json")), "the model is in sentence-transformers layout");
        assertTrue(Files.isRegularFile(folder.resolve("1_Pooling/config.json")));

        Checkpoint c = CheckpointManager.load(folder);
        assertEquals(1, c.step());
        assertEquals(folder, c.folder());
        assertSameModel(parts1.model(), c.model());
        assertSameTensors(parts1.optimizer(), c.optimizerState());
        assertSameTensors(parts1.loss(), c.lossParameters());
        // record equality compares doubles bitwise (NaN == NaN, -0.0 != 0.0)
        assertEquals(parts1.state(), c.trainerState());

        // the optimizer continues from the loaded state: AdamW.load gives back the same state
        AdamW adam = AdamW.withWeightDecay(0.01);
        adam.load(c.optimizerState());
        assertEquals(3, adam.stepCount());
        assertSameTensors(parts1.optimizer(), adam.state());
        assertEquals(DataType.LONG, c.optimizerState().get("step").dataType());

        // the marker lists every file with its checksum, in sha256sum format
        List<String> lines = Files.readAllLines(folder.resolve(CheckpointManager.COMPLETE));
        assertTrue(lines.size() >= 10, lines.toString());
        for (String line : lines) {
            String[] f = line.split(" {2}", 2);
            assertEquals(CheckpointManager.sha256(folder.resolve(f[1])), f[0], line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("  1_Pooling/config.json")), lines.toString());
        assertEquals(Optional.of(folder), m.latest());
        assertEquals(parts1.state(), m.loadLatest().orElseThrow().trainerState());
    }

    @Test
    void emptyLossParametersRoundTrip(@TempDir Path out) throws IOException {
        CheckpointManager m = new CheckpointManager(out, 1);
        Path folder = m.save(1, parts1.model(), parts1.optimizer(), Map.of(), parts1.state());
        assertTrue(CheckpointManager.load(folder).lossParameters().isEmpty());
    }

    @Test
    void trainerStateJsonKeepsNanAndInfinityAsStrings() throws IOException {
        String json = TrainerStateJson.toJson(parts1.state());
        assertTrue(json.contains("\"NaN\""), json);
        assertTrue(json.contains("\"Infinity\""), json);
        assertTrue(json.contains("\"-Infinity\""), json);
        assertTrue(json.contains("\"global_step\" : 1"), json);
        assertTrue(json.contains("\"learning_rate\""), json);
        assertEquals(parts1.state(), TrainerStateJson.fromJson(json));
        // the JSON is valid strict JSON (no bare NaN token): a strict parser reads it
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);

        LogEntry e = parts1.state().log().get(1);
        String line = TrainerStateJson.toJsonLine(e);
        assertFalse(line.contains("\n"));
        assertEquals(e, TrainerStateJson.logEntryFromJson(line));
        // bare tokens are accepted too
        LogEntry bare = TrainerStateJson.logEntryFromJson("{\"step\":3,\"epoch\":1.0,\"loss\":NaN,\"components\":{},"
                + "\"learning_rate\":0.0,\"metrics\":{\"m\":-Infinity}}");
        assertTrue(Double.isNaN(bare.loss()));
        assertEquals(Double.NEGATIVE_INFINITY, bare.metrics().get("m"));
    }

    @Test
    void damagedTrainerStateJsonIsRejected() {
        assertThrows(CheckpointException.class, () -> TrainerStateJson.fromJson("{\"global_step\": 3}"));
        assertThrows(CheckpointException.class, () -> TrainerStateJson.fromJson("{\"global_step\": 3, "));
    }

    // ------------------------------------------------------------------------------------------- retention

    @Test
    void keepsOnlyTheLastKCompleteCheckpoints(@TempDir Path out) throws IOException {
        CheckpointManager m = new CheckpointManager(out, 2);
        // a folder without the marker is not ours to count or delete
        Files.createDirectories(out.resolve("checkpoint-0"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        for (long step = 1; step <= 4; step++) {
            save(m, step, withStep(parts1, step));
        }
        assertEquals(List.of(out.resolve("checkpoint-3"), out.resolve("checkpoint-4")), m.checkpoints());
        assertEquals(List.of("checkpoint-0", "checkpoint-3", "checkpoint-4", "notes.txt"), names(out));
        assertEquals(Optional.of(out.resolve("checkpoint-4")), m.latest());

        // resuming from an older step: the checkpoint just written is kept even though newer steps exist
        save(m, 2, withStep(parts2, 2));
        assertEquals(List.of(out.resolve("checkpoint-2"), out.resolve("checkpoint-4")), m.checkpoints());

        // numeric, not lexicographic order of steps
        save(m, 10, withStep(parts1, 10));
        assertEquals(List.of(out.resolve("checkpoint-4"), out.resolve("checkpoint-10")), m.checkpoints());
        assertEquals(Optional.of(out.resolve("checkpoint-10")), m.latest());
    }

    @Test
    void savingTheSameStepAgainReplacesIt(@TempDir Path out) throws IOException {
        CheckpointManager m = new CheckpointManager(out, 2);
        save(m, 2, withStep(parts1, 2));
        save(m, 2, parts2);
        assertEquals(List.of("checkpoint-2"), names(out));
        Checkpoint c = CheckpointManager.load(out.resolve("checkpoint-2"));
        assertEquals(parts2.state(), c.trainerState());
        assertSameTensors(parts2.optimizer(), c.optimizerState());
    }

    @Test
    void rejectsBadArguments(@TempDir Path out) {
        assertThrows(IllegalArgumentException.class, () -> new CheckpointManager(out, 0));
        CheckpointManager m = new CheckpointManager(out, 1);
        assertThrows(IllegalArgumentException.class, () -> save(m, 5, parts1)); // state says step 1
        assertThrows(IllegalArgumentException.class, () -> save(m, -1, withStep(parts1, -1)));
    }

    // ------------------------------------------------------------------------------------ interrupted writes

    /** A save that fails midway (disk full, bug) removes its temporary folder and leaves the previous one. */
    @Test
    void aFailedSaveLeavesThePreviousCheckpoint(@TempDir Path out) throws IOException {
        save(new CheckpointManager(out, 3), 1, parts1);
        CheckpointManager failing = new CheckpointManager(out, 3, part -> {
            if (part.equals(CheckpointManager.TRAINER_STATE_FILE)) {
                throw new IOException("disk full (simulated)");
            }
        });
        IOException e = assertThrows(IOException.class, () -> save(failing, 2, parts2));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals(List.of("checkpoint-1"), names(out));
        assertEquals(Optional.of(out.resolve("checkpoint-1")), failing.latest());
    }

    /**
     * A checkpoint write killed midway leaves the previous checkpoint usable: a child JVM starts writing
     * checkpoint-2, stalls after a part (inside the data files, or after the marker but before the rename) and is
     * killed with SIGKILL; checkpoint-1 is still the latest, loads and is unchanged; the next save removes the
     * leftover.
     */
    @ParameterizedTest
    @ValueSource(strings = {CheckpointManager.OPTIMIZER_FILE, CheckpointManager.COMPLETE})
    void aWriteKilledMidwayLeavesThePreviousCheckpointUsable(String stallAfter, @TempDir Path out) throws Exception {
        CheckpointManager m = new CheckpointManager(out, 3);
        save(m, 1, parts1);

        Path stderr = out.resolve("child-stderr.txt");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath));
        for (String prop : List.of("org.bytedeco.javacpp.cachedir", "org.bytedeco.javacpp.maxbytes",
                "org.bytedeco.javacpp.maxphysicalbytes")) {
            if (System.getProperty(prop) != null) {
                cmd.add("-D" + prop + "=" + System.getProperty(prop));
            }
        }
        cmd.addAll(List.of(CheckpointWriterChild.class.getName(), out.toString(), "2", stallAfter,
                modelFolder.toString()));
        Process child = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // the child was killed
                }
                lines.add("EOF");
            });
            reader.setDaemon(true);
            reader.start();
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (true) {
                String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null || l.equals("EOF")) {
                    fail("the child did not stall after " + stallAfter + "; stdout " + seen + ", stderr:\n"
                            + (Files.exists(stderr) ? Files.readString(stderr) : ""));
                }
                seen.add(l);
                if (l.equals("STALLED " + stallAfter)) {
                    break;
                }
            }
            assertTrue(child.isAlive());
            // the child is in the middle of its save: a hidden temporary folder holds what it wrote so far
            List<String> during = names(out);
            assertTrue(during.stream().anyMatch(n -> n.startsWith(".checkpoint-2.tmp-")), during.toString());
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not die");
        }

        // after the kill: the half-written checkpoint is invisible, the previous one is the latest and intact
        assertEquals(List.of(out.resolve("checkpoint-1")), m.checkpoints());
        assertEquals(Optional.of(out.resolve("checkpoint-1")), m.latest());
        Checkpoint c = m.loadLatest().orElseThrow();
        assertEquals(parts1.state(), c.trainerState());
        assertSameTensors(parts1.optimizer(), c.optimizerState());
        assertSameModel(parts1.model(), c.model());

        // the next save removes the leftover of the killed one
        Files.delete(stderr);
        save(m, 3, withStep(parts2, 3));
        assertEquals(List.of("checkpoint-1", "checkpoint-3"), names(out));
    }

    // ----------------------------------------------------------------------------------------------- damage

    @ParameterizedTest
    @ValueSource(strings = {"model.safetensors", CheckpointManager.OPTIMIZER_FILE, CheckpointManager.TRAINER_STATE_FILE,
            "1_Pooling/config.json"})
    void aDamagedNewestCheckpointIsDetectedAndSkipped(String file, @TempDir Path out) throws IOException {
        CheckpointManager m = new CheckpointManager(out, 3);
        save(m, 1, parts1);
        Path newest = save(m, 2, parts2);
        assertEquals(Optional.of(newest), m.latest());

        // flip one bit in the middle of the file: sizes stay the same, only the checksum can tell
        Path f = newest.resolve(file);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(f, bytes, StandardOpenOption.TRUNCATE_EXISTING);

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointManager.verify(newest));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("damaged"), e.getMessage());
        assertFalse(CheckpointManager.isValid(newest));
        assertThrows(CheckpointException.class, () -> CheckpointManager.load(newest));
        assertEquals(Optional.of(out.resolve("checkpoint-1")), m.latest());
        assertEquals(parts1.state(), m.loadLatest().orElseThrow().trainerState());
    }

    @Test
    void missingFilesOrMarkerMakeACheckpointIncomplete(@TempDir Path out) throws IOException {
        CheckpointManager m = new CheckpointManager(out, 3);
        save(m, 1, parts1);
        Path two = save(m, 2, parts2);
        Path three = save(m, 3, withStep(parts2, 3));

        Files.delete(three.resolve(CheckpointManager.COMPLETE));
        Files.delete(two.resolve(CheckpointManager.LOSS_PARAMETERS_FILE));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointManager.verify(two));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertThrows(CheckpointException.class, () -> CheckpointManager.load(three));
        assertEquals(Optional.of(out.resolve("checkpoint-1")), m.latest());

        // a marker that does not list the required files is not trusted either
        Files.writeString(two.resolve(CheckpointManager.COMPLETE), "");
        assertThrows(CheckpointException.class, () -> CheckpointManager.verify(two));
    }

    // ----------------------------------------------------------------------------------------------- helpers

    private static void assertSameModel(SentenceTransformerModelFiles expected, SentenceTransformerModelFiles actual) {
        assertEquals(expected.config(), actual.config());
        assertEquals(expected.pooling(), actual.pooling());
        assertEquals(expected.normalize(), actual.normalize());
        assertEquals(expected.maxSeqLength(), actual.maxSeqLength());
        assertEquals(expected.doLowerCase(), actual.doLowerCase());
        assertSameTensors(expected.weights().asMap(), actual.weights().asMap());
    }

    /** Same names, dtypes, shapes and bytes. */
    private static void assertSameTensors(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            INDArray a = e.getValue();
            INDArray b = actual.get(e.getKey());
            assertEquals(a.dataType(), b.dataType(), e.getKey());
            assertArrayEquals(a.shape(), b.shape(), e.getKey());
            assertArrayEquals(a.dup('c').data().asBytes(), b.dup('c').data().asBytes(), e.getKey());
        }
    }
}
