package org.sentence4j.examples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.trainer.data.DatasetException;
import org.sentence4j.trainer.data.TextFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sentence4j encode [--model <dir>] --input <file> --output <file.jsonl> [--batch-size N] [--truncate-dim K]
 * [--prompt <text> | --prompt-name <name>] [--encoding <charset>]}:
 * one text per input line in, one {@code {"text": ..., "embedding": [...]}} per output line, in input order.
 * Without {@code --model}, the embedded all-MiniLM-L6-v2.
 *
 * <p>Everything is checked before the model loads; the output is written to a temporary file beside it and moved
 * into place at the end, so a failed run leaves no half-written output.
 */
@Command(name = "encode", description = "Encode texts (one per line) to embeddings, one JSON line per text.")
final class EncodeCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "<dir or org/name>",
            description = "A sentence-transformers model folder or a Hugging Face name (default: the embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--input", required = true, paramLabel = "<file>", description = "Texts to encode, one per line.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "<file.jsonl>",
            description = "Where to write {\"text\", \"embedding\"} per line (replaced if it exists).")
    Path output;

    @Option(names = "--batch-size", defaultValue = "32", description = "Texts per forward pass (> 0; default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--truncate-dim", defaultValue = "0",
            description = "Keep the first K dimensions (Matryoshka models; 0: all; default ${DEFAULT-VALUE}).")
    int truncateDim;

    @Option(names = "--prompt", description = "Text put before every input.")
    String prompt;

    @Option(names = "--prompt-name", description = "The name of one of the model's prompts (config_sentence_transformers.json).")
    String promptName;

    @Option(names = "--encoding", defaultValue = "UTF-8", paramLabel = "<charset>", converter = Checks.CharsetName.class,
            description = "The input file's character set (default ${DEFAULT-VALUE}; e.g. ISO-8859-1, windows-1252).")
    Charset encoding;

    @Override
    public Integer call() throws IOException {
        Checks.inputFile("--input", input);
        Checks.outputFile("--output", output);
        if (model != null) {
            Checks.model("--model", model);
        }
        Checks.positive("--batch-size", batchSize);
        Checks.atLeast("--truncate-dim", truncateDim, 0);
        Checks.exclusive("--prompt", prompt != null, "--prompt-name", promptName != null);
        if (promptName != null) {
            Checks.notBlank("--prompt-name", promptName);
        }
        List<String> texts;
        try {
            texts = TextFiles.readLines(input, encoding);
        } catch (DatasetException e) {
            throw new UsageException("--input " + e.getMessage() + (e.line() > 0 ? " (save it as " + encoding
                    + ", or name its character set with --encoding)" : ""), e);
        }
        if (texts.isEmpty()) {
            throw new UsageException("--input " + input + " has no lines to encode");
        }
        EncodeOptions options = EncodeOptions.defaults().withBatchSize(batchSize).withTruncateDim(truncateDim)
                .withProgress(true).withPrompt(prompt).withPromptName(promptName);
        try (OutputFile out = OutputFile.replacing("--output", output);
             SentenceEncoder encoder = model != null ? SentenceEncoder.load(model) : SentenceEncoder.defaultModel()) {
            INDArray emb = encoder.encode(texts, options);
            write(out.temporary(), texts, emb);
            out.commit();
            System.out.println("encoded " + texts.size() + " texts (" + emb.size(1) + " dimensions) to " + output);
        }
        return 0;
    }

    /** Writes one JSON object per line; floats are written with the shortest text that reads back exactly. */
    static void write(Path output, List<String> texts, INDArray emb) throws IOException {
        ObjectMapper json = new ObjectMapper();
        // one copy out of native memory (an element read through INDArray.getFloat costs ~0.2 µs, 0.2 s here)
        float[][] rows = emb.toFloatMatrix();
        try (BufferedWriter w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            for (int i = 0; i < texts.size(); i++) {
                StringBuilderWriter line = new StringBuilderWriter();
                try (JsonGenerator g = json.getFactory().createGenerator(line)) {
                    g.writeStartObject();
                    g.writeStringField("text", texts.get(i));
                    g.writeArrayFieldStart("embedding");
                    for (float v : rows[i]) {
                        g.writeNumber(v);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                w.write(line.toString());
                w.newLine();
            }
        }
    }

    /** A Writer into a StringBuilder (java.io.StringWriter synchronises needlessly). */
    private static final class StringBuilderWriter extends java.io.Writer {
        private final StringBuilder sb = new StringBuilder();

        @Override
        public void write(char[] cbuf, int off, int len) {
            sb.append(cbuf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
