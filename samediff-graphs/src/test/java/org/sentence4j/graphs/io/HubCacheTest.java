package org.sentence4j.graphs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.TestData;

/**
 * Loading by Hugging Face name from a cache laid out as Python's huggingface_hub writes it (refs/main → a
 * commit, snapshots/&lt;commit&gt;/ with symbolic links into blobs/ named by content hash), built here from a
 * real sentence-transformers folder.
 */
class HubCacheTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** A hub cache holding {@code folder} as {@code repoId} at main. */
    private static Path cache(Path root, String repoId, Path folder) throws Exception {
        Path repo = root.resolve("models--" + repoId.replace("/", "--"));
        Path snapshot = repo.resolve("snapshots").resolve(COMMIT);
        Files.createDirectories(repo.resolve("blobs"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT, StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                Path blob = repo.resolve("blobs").resolve(hash);
                Files.write(blob, bytes);
                Path link = snapshot.resolve(folder.relativize(f).toString());
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, link.getParent().relativize(blob));
            }
        }
        return root;
    }

    @Test
    void aCachedModelLoadsByNameAsItsFolderDoes(@TempDir Path dir) throws Exception {
        Path folder = TestData.stModels().resolve("tiny-bert-mean");
        HubCache hub = HubCache.at(cache(dir.resolve("hub"), "acme/tiny-bert-mean", folder));
        Path snapshot = hub.snapshot("acme/tiny-bert-mean", "main").orElseThrow();
        assertEquals(COMMIT, snapshot.getFileName().toString());
        assertEquals(snapshot, hub.snapshot("acme/tiny-bert-mean", COMMIT).orElseThrow(), "a commit as revision");
        assertFalse(hub.snapshot("acme/tiny-bert-mean", "v2").isPresent(), "an unknown branch");
        List<String> texts = List.of("Hello world!", "The cat sat on the mat.");
        try (SentenceEncoder byName = SentenceEncoder.load("acme/tiny-bert-mean", hub);
             SentenceEncoder byFolder = SentenceEncoder.load(folder)) {
            INDArray a = byName.encode(texts, EncodeOptions.defaults());
            INDArray b = byFolder.encode(texts, EncodeOptions.defaults());
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 0.0);
        }
    }

    @Test
    void aModelNotInTheCacheSaysWhereItLooked(@TempDir Path dir) {
        HubCache hub = HubCache.at(dir.resolve("empty-hub"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SentenceEncoder.load("acme/absent", hub));
        assertTrue(e.getMessage().contains("models--acme--absent") && e.getMessage().contains("refs/main"), e.getMessage());
        NoSuchFileException notAName = assertThrows(NoSuchFileException.class,
                () -> SentenceEncoder.load("no such/../folder", hub));
        assertTrue(notAName.getMessage().contains("neither a model folder nor a Hugging Face model name"), notAName.getMessage());
    }

    @Test
    void theRootFollowsHuggingFaceHubsEnvironmentVariables() {
        assertEquals(Path.of("/c/hub"), HubCache.defaultRoot(Map.of("HF_HUB_CACHE", "/c/hub", "HF_HOME", "/h"), "/home/u"));
        assertEquals(Path.of("/h/hub"), HubCache.defaultRoot(Map.of("HF_HOME", "/h", "XDG_CACHE_HOME", "/x"), "/home/u"));
        assertEquals(Path.of("/x/huggingface/hub"), HubCache.defaultRoot(Map.of("XDG_CACHE_HOME", "/x"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HubCache.defaultRoot(Map.of(), "/home/u"));
    }

    @Test
    void aBadRefIsNamed(@TempDir Path dir) throws IOException {
        Path repo = dir.resolve("models--acme--bad");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "not-a-commit");
        IOException e = assertThrows(IOException.class, () -> HubCache.at(dir).snapshot("acme/bad", "main"));
        assertTrue(e.getMessage().contains("does not hold a commit hash"), e.getMessage());
    }
}
