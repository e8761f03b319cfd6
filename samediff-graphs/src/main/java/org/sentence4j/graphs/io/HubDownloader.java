package org.sentence4j.graphs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Downloads a model from the Hugging Face hub into the cache layout Python's huggingface_hub uses ({@link HubCache}),
 * so that a model fetched from Java is found by Python and the other way round: the revision's commit from
 * {@code /api/models/<repo>/revision/<rev>}, each file from {@code /<repo>/resolve/<commit>/<file>} into
 * {@code blobs/<etag>} (written as {@code <etag>.incomplete}, resumed with an HTTP range after an interruption,
 * moved into place when complete), a relative symbolic link in {@code snapshots/<commit>/}, and
 * {@code refs/<rev>} last. {@code HF_ENDPOINT} and a token ({@code HF_TOKEN}) are honoured. Weights in formats
 * this project does not read (PyTorch pickles when safetensors exist, TensorFlow, Flax, ONNX and OpenVINO
 * exports) are not fetched.
 */
public final class HubDownloader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String token;
    private final HttpClient http;

    public HubDownloader(URI endpoint, String token) {
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.token = token == null || token.isBlank() ? null : token;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** From {@code HF_ENDPOINT} (default {@code https://huggingface.co}) and {@code HF_TOKEN} / {@code HUGGING_FACE_HUB_TOKEN}. */
    public static HubDownloader fromEnvironment() {
        String ep = System.getenv("HF_ENDPOINT");
        String tok = System.getenv("HF_TOKEN");
        if (tok == null) {
            tok = System.getenv("HUGGING_FACE_HUB_TOKEN");
        }
        return new HubDownloader(URI.create(ep == null || ep.isBlank() ? "https://huggingface.co" : ep), tok);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Downloads {@code repoId} at {@code revision} into {@code cache}; returns the snapshot folder. */
    public Path download(HubCache cache, String repoId, String revision) throws IOException {
        if (!HubCache.isRepoId(repoId)) {
            throw new IllegalArgumentException("'" + repoId + "' is not a Hugging Face repository id (org/name)");
        }
        URI info = URI.create(endpoint + "/api/models/" + repoId + "/revision/" + enc(revision));
        JsonNode meta;
        try {
            meta = JSON.readTree(get(info, 0).body());
        } catch (IOException e) {
            throw new IOException("cannot fetch " + repoId + " from " + endpoint + ": " + e.getMessage(), e);
        }
        String commit = meta.path("sha").asText("");
        if (!commit.matches("[0-9a-f]{40}")) {
            throw new IOException(info + " gave no commit hash for " + repoId);
        }
        List<String> files = new ArrayList<>();
        meta.path("siblings").forEach(s -> files.add(s.path("rfilename").asText()));
        List<String> wanted = wanted(files);
        Path repo = cache.repoFolder(repoId);
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        for (String file : wanted) {
            fetch(repo, snapshot, repoId, commit, file);
        }
        Path ref = repo.resolve("refs").resolve(revision);
        if (!revision.equals(commit)) {
            Files.createDirectories(ref.getParent());
            Path tmp = Files.createTempFile(ref.getParent(), "ref", ".tmp");
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return snapshot;
    }

    /** The files a sentence-transformers folder needs: all but weights in formats this project does not read. */
    static List<String> wanted(List<String> files) {
        boolean safetensors = files.stream().anyMatch(f -> f.endsWith(".safetensors"));
        List<String> out = new ArrayList<>();
        for (String f : files) {
            String l = f.toLowerCase(Locale.ROOT);
            boolean skip = l.startsWith("onnx/") || l.startsWith("openvino/") || l.endsWith(".onnx") || l.endsWith(".h5")
                    || l.endsWith(".msgpack") || l.endsWith(".ot") || l.endsWith(".tflite")
                    || (safetensors && (l.endsWith(".bin") || l.endsWith(".pt") || l.endsWith(".pth")))
                    || l.startsWith(".git") || f.contains("..");
            if (!skip) {
                out.add(f);
            }
        }
        return out;
    }

    private void fetch(Path repo, Path snapshot, String repoId, String commit, String file) throws IOException {
        Path link = snapshot.resolve(file).normalize();
        if (!link.startsWith(snapshot)) {
            throw new IOException("file name escapes the snapshot folder: " + file);
        }
        if (Files.exists(link)) {
            return;
        }
        URI url = URI.create(endpoint + "/" + repoId + "/resolve/" + commit + "/" + encPath(file));
        Path blobs = repo.resolve("blobs");
        Files.createDirectories(blobs);
        // the blob's name: the hub's etag when it gives one (as huggingface_hub), else the content's SHA-256
        HttpResponse<InputStream> head = send(url, "HEAD", 0);
        String etag = etag(head.headers().firstValue("x-linked-etag").orElse(head.headers().firstValue("etag").orElse("")));
        Path partial = blobs.resolve((etag.isEmpty() ? "download-" + Integer.toHexString(file.hashCode()) : etag) + ".incomplete");
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        HttpResponse<InputStream> r = get(url, have);
        boolean resumed = r.statusCode() == 206;
        try (InputStream in = r.body();
             OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE,
                     resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            in.transferTo(out);
        }
        String name = etag.isEmpty() ? sha256(partial) : etag;
        Path blob = blobs.resolve(name);
        Files.move(partial, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
    }

    private HttpResponse<InputStream> get(URI url, long from) throws IOException {
        HttpResponse<InputStream> r = send(url, "GET", from);
        if (r.statusCode() != 200 && r.statusCode() != 206) {
            r.body().close();
            throw new IOException("HTTP " + r.statusCode() + " for " + url
                    + (r.statusCode() == 401 || r.statusCode() == 403 ? " (a gated or private model needs HF_TOKEN)" : ""));
        }
        return r;
    }

    private HttpResponse<InputStream> send(URI url, String method, long from) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("User-Agent", "sentence4j");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (from > 0) {
            b.header("Range", "bytes=" + from + "-");
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url, e);
        }
    }

    private static String etag(String raw) {
        String e = raw.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        e = e.replace("\"", "");
        return e.matches("[A-Za-z0-9._-]+") ? e : "";
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encPath(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            parts.add(enc(p));
        }
        return String.join("/", parts);
    }
}
