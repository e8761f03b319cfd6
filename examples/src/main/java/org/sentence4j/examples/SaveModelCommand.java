package org.sentence4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.sentence4j.graphs.SentenceEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sentence4j save-model [--model <dir or org/name>] --output <dir>}: writes a model as a
 * sentence-transformers folder, e.g. the embedded all-MiniLM-L6-v2 or bge-small-en-v1.5, so that Python (or any
 * tool expecting the folder layout) loads exactly the weights sentence4j starts from.
 */
@Command(name = "save-model", description = "Write a model (default: the embedded all-MiniLM-L6-v2) as a sentence-transformers folder.")
final class SaveModelCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "<dir or org/name>",
            description = "The model to write (default: the embedded all-MiniLM-L6-v2; BAAI/bge-small-en-v1.5 is embedded too).")
    String model;

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "A new or empty folder.")
    Path output;

    @Override
    public Integer call() throws IOException {
        Checks.newOrEmptyFolder("--output", output);
        if (model != null) {
            Checks.model("--model", model);
        }
        try (SentenceEncoder encoder = model != null ? SentenceEncoder.load(model) : SentenceEncoder.defaultModel()) {
            encoder.save(output);
            System.out.println("saved " + (model != null ? model : "all-MiniLM-L6-v2") + " to " + output);
        }
        return 0;
    }
}
