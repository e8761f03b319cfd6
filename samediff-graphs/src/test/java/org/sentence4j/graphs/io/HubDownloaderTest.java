package org.sentence4j.graphs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.TestData;

/**
 * Downloading into the hub cache, against a local HTTP server that serves a real sentence-transformers folder in
 * the hub's URL layout (revision API, {@code resolve/<commit>/<file>}, ETags, byte ranges, a token): the model
 * loads by name with the folder's embeddings, lands in huggingface_hub's layout, is not fetched again, resumes
 * a partial blob with a range request, and names the repository and status on a failure.
 */
class HubDownloaderTest {

    private static final String REPO = "acme/tiny-bert-mean";
    private static final String COMMIT = "fedcba9876543210fedcba9876543210fedcba98";
    private static final Path FOLDER = TestData.stModels().resolve("tiny-bert-mean");

    private HttpServer server;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private final List<String> auth = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serve() throws Exception {
        try (Stream<Path> walk = Files.walk(FOLDER)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(FOLDER.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
        }
        files.put("onnx/model.onnx", new byte[] {1, 2, 3}); // an export the downloader must not fetch
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        requests.add(x.getRequestMethod() + " " + path);
        auth.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
        byte[] body;
        int status = 200;
        if (path.equals("/api/models/" + REPO + "/revision/main")) {
            StringBuilder json = new StringBuilder("{\"sha\": \"" + COMMIT + "\", \"siblings\": [");
            List<String> names = new ArrayList<>(files.keySet());
            for (int i = 0; i < names.size(); i++) {
                json.append(i == 0 ? "" : ", ").append("{\"rfilename\": \"").append(names.get(i)).append("\"}");
            }
            body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        } else if (path.startsWith("/" + REPO + "/resolve/" + COMMIT + "/") && files.containsKey(
                path.substring(("/" + REPO + "/resolve/" + COMMIT + "/").length()))) {
            byte[] content = files.get(path.substring(("/" + REPO + "/resolve/" + COMMIT + "/").length()));
            x.getResponseHeaders().add("ETag", "\"" + sha256(content) + "\"");
            String range = x.getRequestHeaders().getFirst("Range");
            body = content;
            if (range != null) {
                ranges.add(range);
                int from = Integer.parseInt(range.replace("bytes=", "").replace("-", ""));
                body = java.util.Arrays.copyOfRange(content, from, content.length);
                status = 206;
            }
        } else {
            body = "{\"error\": \"Repository not found\"}".getBytes(StandardCharsets.UTF_8);
            status = 404;
        }
        if (x.getRequestMethod().equals("HEAD")) {
            x.sendResponseHeaders(status, -1);
        } else {
            x.sendResponseHeaders(status, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
        x.close();
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void downloadsIntoTheHubLayoutAndLoadsByName(@TempDir Path dir) throws Exception {
        HubCache cache = HubCache.at(dir.resolve("hub")).withDownloads(new HubDownloader(endpoint(), "secret-token"));
        List<String> texts = List.of("Hello world!", "The cat sat on the mat.");
        try (SentenceEncoder byName = SentenceEncoder.load(REPO, cache); SentenceEncoder byFolder = SentenceEncoder.load(FOLDER)) {
            INDArray a = byName.encode(texts, EncodeOptions.defaults());
            INDArray b = byFolder.encode(texts, EncodeOptions.defaults());
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 0.0);
        }
        Path repo = cache.repoFolder(REPO);
        assertEquals(COMMIT, Files.readString(repo.resolve("refs/main")).trim());
        Path config = repo.resolve("snapshots/" + COMMIT + "/1_Pooling/config.json");
        assertTrue(Files.isSymbolicLink(config), "snapshot files are links into blobs/");
        // the blob is named by the ETag the server sent (here the content's SHA-256), as huggingface_hub names it
        assertEquals(repo.resolve("blobs").resolve(sha256(files.get("1_Pooling/config.json"))).toRealPath(), config.toRealPath());
        assertTrue(Files.notExists(repo.resolve("snapshots/" + COMMIT + "/onnx/model.onnx")), "no ONNX export fetched");
        assertTrue(auth.stream().allMatch(a -> a.equals("Bearer secret-token")), "the token is sent: " + auth);
        int before = requests.size();
        try (SentenceEncoder again = SentenceEncoder.load(REPO, cache)) {
            assertEquals(before, requests.size(), "a cached model is not fetched again");
        }
    }

    @Test
    void aPartialBlobIsResumedWithARange(@TempDir Path dir) throws Exception {
        HubCache cache = HubCache.at(dir.resolve("hub"));
        byte[] weights = files.get("model.safetensors");
        Path blobs = Files.createDirectories(cache.repoFolder(REPO).resolve("blobs"));
        Path partial = blobs.resolve(sha256(weights) + ".incomplete");
        Files.write(partial, java.util.Arrays.copyOf(weights, weights.length / 2));
        Path snapshot = new HubDownloader(endpoint(), null).download(cache, REPO, "main");
        assertEquals(List.of("bytes=" + weights.length / 2 + "-"), ranges, "one range request, from the partial length");
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertTrue(Files.notExists(partial), "the partial blob was completed and moved into place");
    }

    @Test
    void aMissingRepositoryIsNamedWithTheStatus(@TempDir Path dir) {
        HubCache cache = HubCache.at(dir.resolve("hub")).withDownloads(new HubDownloader(endpoint(), null));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SentenceEncoder.load("acme/absent", cache));
        assertTrue(e.getMessage().contains("acme/absent") && e.getMessage().contains("HTTP 404"), e.getMessage());
    }
}
