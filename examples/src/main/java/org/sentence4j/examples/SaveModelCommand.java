package org.sentence4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.sentence4j.graphs.SentenceEncoder;

/**
 * {@code ./sentence4j save-model [--model <dir or org/name>] --output <dir>}: writes a model as a
 * sentence-transformers folder, e.g. the embedded all-MiniLM-L6-v2 or bge-small-en-v1.5, so that Python (or any
 * tool expecting the folder layout) loads exactly the weights sentence4j starts from.
 */
final class SaveModelCommand {

    static final Set<String> OPTIONS = Set.of("model", "output");

    private SaveModelCommand() {
    }

    static void run(String[] args) throws IOException {
        Options o = Options.parse("save-model", args, OPTIONS);
        Path output = Path.of(o.require("output"));
        if (Files.exists(output) && (!Files.isDirectory(output) || hasFiles(output))) {
            throw new Options.UsageException("save-model: --output " + output + " exists and is not an empty folder");
        }
        try (SentenceEncoder model = o.has("model") ? SentenceEncoder.load(o.get("model", null)) : SentenceEncoder.defaultModel()) {
            model.save(output);
            System.out.println("saved " + (o.has("model") ? o.get("model", null) : "all-MiniLM-L6-v2") + " to " + output);
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }
}
