package org.sentence4j.trainer.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.io.SafeTensors;
import org.sentence4j.graphs.io.SentenceTransformerFolder;
import org.sentence4j.graphs.io.SentenceTransformerModelFiles;
import org.sentence4j.trainer.TrainerState;

/**
 * Writes, finds, prunes and loads training checkpoints in an output folder.
 *
 * <p>A checkpoint is a folder {@code checkpoint-<step>} holding
 * <ul>
 *   <li>the model in the sentence-transformers layout ({@link SentenceTransformerFolder#save}), so that the folder
 *       itself loads as a model;</li>
 *   <li>{@value #OPTIMIZER_FILE}: the optimizer state under the names given (AdamW: {@code m/<param>},
 *       {@code v/<param>} and the INT64 scalar {@code step}), dtypes kept (F64 reads back as DOUBLE);</li>
 *   <li>{@value #LOSS_PARAMETERS_FILE}: trainable parameters of the loss, possibly none;</li>
 *   <li>{@value #TRAINER_STATE_FILE}: the {@link TrainerState} (step, epoch, position in the epoch, seeds, log),
 *       see {@link TrainerStateJson};</li>
 *   <li>{@value #COMPLETE}, written last: the SHA-256 of every other file in {@code sha256sum} format
 *       ({@code sha256sum -c COMPLETE} checks a checkpoint by hand).</li>
 * </ul>
 *
 * <p><b>Atomicity.</b> Everything is first written into a hidden sibling {@code .checkpoint-<step>.tmp-<random>},
 * every file and folder fsync'ed, and then the folder is renamed to its final name in one atomic rename (same
 * file system, as it is a sibling). A process killed at any moment therefore leaves either no new checkpoint
 * (only a hidden leftover, removed at the next {@link #save}) or a complete one; a checkpoint damaged later (a
 * truncated copy, a bad disk) fails its checksums, and {@link #latest()} falls back to the previous one.
 * Old checkpoints are removed the same way round: renamed to a hidden name first, then deleted.
 *
 * <p><b>Retention.</b> After a save, complete checkpoints beyond the newest {@code keepLast} (by step) are
 * deleted; the checkpoint just written is always kept. Folders without a {@value #COMPLETE} marker are never
 * counted nor deleted (they are not ours, or were damaged by hand: left for inspection).
 *
 * <p>One writer per output folder: a save removes the hidden leftovers of any earlier save in that folder.
 */
public final class CheckpointManager {

    /** Prefix of the checkpoint folders, followed by the step. */
    public static final String PREFIX = "checkpoint-";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String LOSS_PARAMETERS_FILE = "loss_parameters.safetensors";
    public static final String TRAINER_STATE_FILE = "trainer_state.json";
    /** The marker written last, with the checksums of all other files. */
    public static final String COMPLETE = "COMPLETE";

    private static final Pattern CHECKPOINT_NAME = Pattern.compile("checkpoint-(\\d{1,18})");
    /** Hidden folders of unfinished saves, displaced and pruned checkpoints. */
    private static final Pattern LEFTOVER_NAME = Pattern.compile("\\.checkpoint-(\\d{1,18})\\.(tmp|old|del)-[0-9a-f]+");
    private static final Pattern CHECKSUM_LINE = Pattern.compile("([0-9a-f]{64}) {2}(.+)");
    /** Files every checkpoint must list in its marker. */
    private static final List<String> REQUIRED = List.of(OPTIMIZER_FILE, LOSS_PARAMETERS_FILE, TRAINER_STATE_FILE,
            "modules.json", "config.json", "model.safetensors", "tokenizer.json");

    /** Called after each part of a checkpoint is written (tests use it to stall or fail a save midway). */
    @FunctionalInterface
    interface WriteHook {
        void afterWrite(String part) throws IOException;
    }

    private final Path outputDir;
    private final int keepLast;
    private final WriteHook hook;

    /**
     * @param outputDir folder of the checkpoints (created on the first save)
     * @param keepLast  how many complete checkpoints to keep, at least 1
     */
    public CheckpointManager(Path outputDir, int keepLast) {
        this(outputDir, keepLast, part -> { });
    }

    CheckpointManager(Path outputDir, int keepLast, WriteHook hook) {
        this.outputDir = Objects.requireNonNull(outputDir, "outputDir").toAbsolutePath().normalize();
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1, got " + keepLast);
        }
        this.keepLast = keepLast;
        this.hook = Objects.requireNonNull(hook, "hook");
    }

    public Path outputDir() {
        return outputDir;
    }

    public int keepLast() {
        return keepLast;
    }

    /** Where the checkpoint of {@code step} is (or would be). */
    public Path folderFor(long step) {
        return outputDir.resolve(PREFIX + step);
    }

    // ---------------------------------------------------------------------------------------------------- save

    /**
     * Writes {@code checkpoint-<step>} atomically (replacing one of the same step), then prunes old checkpoints.
     *
     * @param step           optimizer steps done; must equal {@code state.globalStep()}
     * @param model          the model with its current weights ({@code SentenceEncoder.files()})
     * @param optimizerState the optimizer state ({@code AdamW.state()})
     * @param lossParameters trainable parameters of the loss, empty if none
     * @param state          the trainer state
     * @return the checkpoint folder
     */
    public Path save(long step, SentenceTransformerModelFiles model, Map<String, INDArray> optimizerState,
                     Map<String, INDArray> lossParameters, TrainerState state) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizerState, "optimizerState");
        Objects.requireNonNull(lossParameters, "lossParameters");
        Objects.requireNonNull(state, "state");
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (state.globalStep() != step) {
            throw new IllegalArgumentException("the checkpoint step " + step + " differs from the trainer state's "
                    + "global step " + state.globalStep());
        }
        Files.createDirectories(outputDir);
        removeLeftovers();

        Path tmp = createUniqueDir("." + PREFIX + step + ".tmp-");
        boolean published = false;
        try {
            SentenceTransformerFolder.save(model, tmp);
            hook.afterWrite("model");
            SafeTensors.write(tmp.resolve(OPTIMIZER_FILE), optimizerState);
            hook.afterWrite(OPTIMIZER_FILE);
            SafeTensors.write(tmp.resolve(LOSS_PARAMETERS_FILE), lossParameters);
            hook.afterWrite(LOSS_PARAMETERS_FILE);
            writeSynced(tmp.resolve(TRAINER_STATE_FILE), TrainerStateJson.toBytes(state));
            hook.afterWrite(TRAINER_STATE_FILE);

            // the data must be on disk before the marker that vouches for it, and both before the rename
            fsyncTree(tmp);
            writeSynced(tmp.resolve(COMPLETE), checksumList(tmp).getBytes(StandardCharsets.UTF_8));
            fsyncDir(tmp);
            hook.afterWrite(COMPLETE);

            Path target = folderFor(step);
            Path displaced = null;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                displaced = reserveName("." + PREFIX + step + ".old-");
                Files.move(target, displaced, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            published = true;
            fsyncDir(outputDir);
            if (displaced != null) {
                deleteTree(displaced);
            }
            prune(step);
            return target;
        } finally {
            if (!published) {
                deleteTreeQuietly(tmp);
            }
        }
    }

    private void prune(long justSaved) throws IOException {
        List<Long> steps = new ArrayList<>();
        for (Path p : completeFolders()) {
            long s = stepOf(p).orElseThrow();
            if (s != justSaved) {
                steps.add(s);
            }
        }
        steps.sort(Comparator.reverseOrder());
        for (int i = keepLast - 1; i < steps.size(); i++) {
            Path old = folderFor(steps.get(i));
            // hidden first, so that a kill during the deletion leaves no half-deleted checkpoint in view
            Path doomed = reserveName("." + PREFIX + steps.get(i) + ".del-");
            Files.move(old, doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(doomed);
        }
        fsyncDir(outputDir);
    }

    /**
     * Removes hidden folders left by saves or prunes that did not finish (a killed process). A checkpoint displaced
     * by a save of the same step that was killed before its rename is put back, if still valid.
     */
    private void removeLeftovers() throws IOException {
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outputDir)) {
            for (Path p : ds) {
                if (LEFTOVER_NAME.matcher(p.getFileName().toString()).matches()
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    leftovers.add(p);
                }
            }
        }
        for (Path p : leftovers) {
            Matcher m = LEFTOVER_NAME.matcher(p.getFileName().toString());
            if (m.matches() && m.group(2).equals("old")) {
                Path original = folderFor(Long.parseLong(m.group(1)));
                if (!Files.exists(original, LinkOption.NOFOLLOW_LINKS) && isValid(p)) {
                    Files.move(p, original, StandardCopyOption.ATOMIC_MOVE);
                    continue;
                }
            }
            deleteTree(p);
        }
    }

    // ----------------------------------------------------------------------------------------- find and load

    /**
     * Checkpoint folders that carry the {@value #COMPLETE} marker, oldest step first. The checksums are not
     * checked here ({@link #latest()} and {@link #load} do).
     */
    public List<Path> checkpoints() throws IOException {
        return completeFolders();
    }

    /** The newest checkpoint that is complete and whose checksums match, if any. */
    public Optional<Path> latest() throws IOException {
        List<Path> all = completeFolders();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (isValid(all.get(i))) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /** {@link #load} of {@link #latest()}. */
    public Optional<Checkpoint> loadLatest() throws IOException {
        Optional<Path> p = latest();
        return p.isPresent() ? Optional.of(load(p.get())) : Optional.empty();
    }

    /** Reads a checkpoint folder after {@link #verify verifying} it. */
    public static Checkpoint load(Path folder) throws IOException {
        verify(folder);
        SentenceTransformerModelFiles model = SentenceTransformerFolder.load(folder);
        Map<String, INDArray> optimizer = SafeTensors.readContents(folder.resolve(OPTIMIZER_FILE), true).tensors();
        Map<String, INDArray> loss = SafeTensors.readContents(folder.resolve(LOSS_PARAMETERS_FILE), true).tensors();
        Path stateFile = folder.resolve(TRAINER_STATE_FILE);
        TrainerState state = TrainerStateJson.fromBytes(Files.readAllBytes(stateFile), stateFile.toString());
        return new Checkpoint(folder, state.globalStep(), model, optimizer, loss, state);
    }

    /** Whether {@link #verify} passes. */
    public static boolean isValid(Path folder) {
        try {
            verify(folder);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks that the folder has the {@value #COMPLETE} marker, that the marker lists the files a checkpoint needs,
     * and that every listed file exists with its recorded SHA-256.
     *
     * @throws CheckpointException naming the first problem found
     */
    public static void verify(Path folder) throws IOException {
        Path marker = folder.resolve(COMPLETE);
        if (!Files.isRegularFile(marker)) {
            throw new CheckpointException(folder + " is not a complete checkpoint: " + COMPLETE + " is missing");
        }
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = CHECKSUM_LINE.matcher(line);
            if (!m.matches()) {
                throw new CheckpointException(marker + ": malformed line '" + line + "'");
            }
            String rel = m.group(2);
            Path p = folder.resolve(rel).normalize();
            if (Path.of(rel).isAbsolute() || !p.startsWith(folder.normalize())) {
                throw new CheckpointException(marker + ": path '" + rel + "' leaves the checkpoint folder");
            }
            expected.put(rel, m.group(1));
        }
        for (String required : REQUIRED) {
            if (!expected.containsKey(required)) {
                throw new CheckpointException(marker + " does not list " + required);
            }
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = folder.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException(folder + ": " + e.getKey() + " is missing");
            }
            String actual = sha256(file);
            if (!actual.equals(e.getValue())) {
                throw new CheckpointException(folder + ": " + e.getKey() + " is damaged (SHA-256 " + actual
                        + ", expected " + e.getValue() + ")");
            }
        }
    }

    /** The step of a folder named {@code checkpoint-<step>}. */
    public static OptionalLong stepOf(Path folder) {
        Path name = folder.getFileName();
        Matcher m = name == null ? null : CHECKPOINT_NAME.matcher(name.toString());
        return m != null && m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private List<Path> completeFolders() throws IOException {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        TreeMap<Long, Path> byStep = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outputDir)) {
            for (Path p : ds) {
                OptionalLong s = stepOf(p);
                // "checkpoint-007" and "checkpoint-7" would both parse: only the canonical name is ours
                if (s.isPresent() && p.getFileName().toString().equals(PREFIX + s.getAsLong())
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && Files.isRegularFile(p.resolve(COMPLETE))) {
                    byStep.put(s.getAsLong(), p);
                }
            }
        }
        return new ArrayList<>(byStep.values());
    }

    // ------------------------------------------------------------------------------------------ file helpers

    private Path createUniqueDir(String prefix) throws IOException {
        while (true) {
            Path p = outputDir.resolve(prefix + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                // astronomically unlikely: draw again
            }
        }
    }

    private Path reserveName(String prefix) {
        while (true) {
            Path p = outputDir.resolve(prefix + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** fsync of every file, then of every folder (deepest first), so names and contents are durable. */
    private static void fsyncTree(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
        for (int i = dirs.size() - 1; i >= 0; i--) {
            fsyncDir(dirs.get(i));
        }
    }

    private static void fsyncDir(Path dir) {
        // POSIX: fsync of the folder makes created and renamed entries durable. Some platforms (Windows) cannot
        // open a folder as a channel; there the rename's own guarantees are all we have.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported here
        }
    }

    /** {@code sha256sum} lines of all files under {@code dir} (relative, '/'-separated, sorted). */
    private static String checksumList(Path dir) throws IOException {
        TreeMap<String, Path> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                String rel = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                if (!rel.equals(COMPLETE)) {
                    files.put(rel, p);
                }
            });
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            sb.append(sha256(e.getValue())).append("  ").append(e.getKey()).append('\n');
        }
        return sb.toString();
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTreeQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            // a leftover with a hidden name; the next save removes it
        }
    }
}
