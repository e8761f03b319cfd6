package org.sentence4j.graphs.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache on this machine, as Python's {@code huggingface_hub} lays it out, so that Java and
 * Python share one cache: a model {@code org/name} lives in {@code <root>/models--org--name/}, whose
 * {@code refs/<revision>} file holds a commit hash and whose {@code snapshots/<hash>/} folder holds the files
 * (symbolic links into {@code blobs/}). The root is {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else
 * {@code XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}.
 */
public final class HubCache {

    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;
    private final HubDownloader downloader;

    private HubCache(Path root, HubDownloader downloader) {
        this.root = root;
        this.downloader = downloader;
    }

    /** The cache at this root folder (the folder that holds the {@code models--*} folders), offline. */
    public static HubCache at(Path root) {
        return new HubCache(root, null);
    }

    /**
     * The cache Python's huggingface_hub uses on this machine (from the environment), downloading what it lacks
     * from {@code HF_ENDPOINT} unless {@code HF_HUB_OFFLINE} is set to 1.
     */
    public static HubCache fromEnvironment() {
        HubCache c = at(defaultRoot(System.getenv(), System.getProperty("user.home")));
        String offline = System.getenv("HF_HUB_OFFLINE");
        boolean isOffline = offline != null && (offline.equals("1") || offline.equalsIgnoreCase("true"));
        return isOffline ? c : c.withDownloads(HubDownloader.fromEnvironment());
    }

    /** This cache, fetching a model it lacks with {@code downloader}. */
    public HubCache withDownloads(HubDownloader downloader) {
        return new HubCache(root, downloader);
    }

    /** The downloader that fills this cache, or null when it is offline. */
    public HubDownloader downloader() {
        return downloader;
    }

    /** The cache root for these environment variables and home folder (huggingface_hub's order). */
    static Path defaultRoot(Map<String, String> env, String home) {
        String hubCache = env.get("HF_HUB_CACHE");
        if (hubCache != null && !hubCache.isBlank()) {
            return Path.of(hubCache);
        }
        String hfHome = env.get("HF_HOME");
        if (hfHome != null && !hfHome.isBlank()) {
            return Path.of(hfHome, "hub");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "huggingface", "hub");
        }
        return Path.of(home, ".cache", "huggingface", "hub");
    }

    public Path root() {
        return root;
    }

    /** Whether {@code name} has the form of a hub repository id ({@code org/name} or {@code name}). */
    public static boolean isRepoId(String name) {
        return REPO_ID.matcher(name).matches() && !name.contains("..");
    }

    /** The folder of a repository in this cache ({@code models--org--name}), whether or not it exists. */
    public Path repoFolder(String repoId) {
        return root.resolve("models--" + repoId.replace("/", "--"));
    }

    /**
     * The snapshot folder of a model at a revision (a branch or tag such as {@code main}, or a 40-digit commit),
     * when the cache has it.
     */
    public Optional<Path> snapshot(String repoId, String revision) throws IOException {
        if (!isRepoId(repoId)) {
            throw new IllegalArgumentException("'" + repoId + "' is not a Hugging Face repository id (org/name)");
        }
        Path repo = repoFolder(repoId);
        String commit = revision;
        if (!COMMIT.matcher(revision.toLowerCase(Locale.ROOT)).matches()) {
            Path ref = repo.resolve("refs").resolve(revision);
            if (!Files.isRegularFile(ref)) {
                return Optional.empty();
            }
            commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
            if (!COMMIT.matcher(commit).matches()) {
                throw new IOException(ref + " does not hold a commit hash: '" + commit + "'");
            }
        }
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        return Files.isDirectory(snapshot) ? Optional.of(snapshot) : Optional.empty();
    }
}
