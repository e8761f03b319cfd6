package org.sentence4j.trainer.card;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.LogEntry;

/**
 * Generates a model's README.md in the layout of a sentence-transformers model card: YAML front matter
 * (tags incl. {@code loss:<Name>}, {@code library_name: sentence4j}, {@code base_model}), then Model Details,
 * Usage (Java), Training Details (per dataset: examples and the loss with its config as JSON), non-default
 * hyperparameters, the training log, the final evaluation, framework versions and citations.
 *
 * <p>Citations follow sentence-transformers (loss reference, section 3.2): Sentence-BERT always, plus the
 * citation of every loss, where the losses are the training losses closed under a modifier's base loss
 * (MatryoshkaLoss around MNRL gives both); losses with identical BibTeX share one heading "A, B and C",
 * losses without a citation are skipped.
 */
public final class ModelCard {

    /** The heading under which Sentence-BERT is always cited. */
    public static final String SENTENCE_TRANSFORMERS = "Sentence Transformers";

    private static final String LOSS_DOCS = "https://sbert.net/docs/package_reference/sentence_transformer/losses.html#";
    private static final String BUILT_IN_PACKAGE = "org.sentence4j.losses.";
    /** Longer example texts are cut (the card is a summary, not a data dump). */
    private static final int MAX_CELL_CHARS = 256;
    /** Longer training logs are folded into a details block, as upstream does. */
    private static final int LOG_ROWS_UNFOLDED = 40;
    private static final List<String> DEFAULT_SENTENCES = List.of(
            "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.");
    private static final Pattern HUB_ID = Pattern.compile("[A-Za-z0-9][\\w.-]*(/[\\w.-]+)?");
    private static final Pattern YAML_PLAIN = Pattern.compile("[A-Za-z_][\\w./:+-]*");

    /** Python's {@code json.dumps(x, indent=4)} layout: 4-space indent, "key": value, arrays one item a line. */
    private static final ObjectWriter JSON;
    private static final ObjectWriter COMPACT_JSON = new ObjectMapper().writer();

    static {
        DefaultIndenter indent = new DefaultIndenter("    ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""))
                .withObjectIndenter(indent)
                .withArrayIndenter(indent);
        JSON = new ObjectMapper().writer(printer);
    }

    private ModelCard() {
    }

    /** Renders the card as Markdown with YAML front matter. */
    public static String render(ModelCardData data) {
        List<SentenceLoss> losses = losses(data);
        StringBuilder md = new StringBuilder();
        frontMatter(md, data, losses);
        intro(md, data);
        modelDetails(md, data);
        usage(md, data);
        trainingDetails(md, data);
        evaluation(md, data);
        frameworkVersions(md, data);
        citation(md, losses);
        return md.toString();
    }

    /**
     * Writes {@code dir/README.md} (creating {@code dir}) through a temporary file in the same folder and a
     * rename, so a reader never sees a half-written card.
     *
     * @return the README path
     */
    public static Path write(ModelCardData data, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve("README.md");
        writeAtomically(render(data).getBytes(StandardCharsets.UTF_8), target);
        return target;
    }

    static void writeAtomically(byte[] content, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // not Files.createTempFile: that makes the file owner-only (0600), and the rename would keep it so
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---------------------------------------------------------------- losses and citations

    /**
     * The losses of the card, in dataset order, each followed by its base loss when it is a modifier (found
     * through a public no-argument {@code loss()} accessor returning a SentenceLoss, or a SentenceLoss under the
     * config key {@code "loss"}); each loss object once.
     */
    public static List<SentenceLoss> losses(ModelCardData data) {
        Set<SentenceLoss> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<SentenceLoss> out = new ArrayList<>();
        for (ModelCardData.TrainingDataset ds : data.datasets()) {
            for (SentenceLoss l = ds.loss(); l != null && seen.add(l); l = baseLoss(l)) {
                out.add(l);
            }
        }
        return out;
    }

    /** The loss a modifier wraps, or null. */
    static SentenceLoss baseLoss(SentenceLoss loss) {
        try {
            Method m = loss.getClass().getMethod("loss");
            if (Modifier.isPublic(m.getDeclaringClass().getModifiers())
                    && SentenceLoss.class.isAssignableFrom(m.getReturnType())) {
                Object base = m.invoke(loss);
                if (base instanceof SentenceLoss s) {
                    return s;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no usable accessor: fall back to the config
        }
        Map<String, Object> config = safeConfig(loss);
        return config.get("loss") instanceof SentenceLoss s ? s : null;
    }

    /**
     * Headings to BibTeX, in citation order: "Sentence Transformers" first, then each loss's citation once;
     * names citing identical text are joined under one heading ("A, B and C").
     */
    public static Map<String, String> citations(List<SentenceLoss> losses) {
        Map<String, String> byName = new LinkedHashMap<>();
        byName.put(SENTENCE_TRANSFORMERS, Citations.REIMERS_2019_SENTENCE_BERT);
        for (SentenceLoss l : losses) {
            l.citation().filter(c -> !c.isBlank()).ifPresent(c -> byName.putIfAbsent(l.name(), c));
        }
        // invert: identical text (ignoring surrounding whitespace) -> names, keeping first-seen order
        Map<String, List<String>> byText = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : byName.entrySet()) {
            byText.computeIfAbsent(e.getValue().strip(), k -> new ArrayList<>()).add(e.getKey());
        }
        Map<String, String> out = new LinkedHashMap<>();
        byText.forEach((text, names) -> out.put(joinNames(names), text));
        return out;
    }

    static String joinNames(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /** A loss's config() as JSON, indent 4, as sentence-transformers prints {@code get_config_dict()}. */
    public static String configJson(SentenceLoss loss) {
        try {
            return JSON.writeValueAsString(jsonable(safeConfig(loss)));
        } catch (JsonProcessingException e) {
            return String.valueOf(safeConfig(loss));
        }
    }

    private static Map<String, Object> safeConfig(SentenceLoss loss) {
        Map<String, Object> c = loss.config();
        return c == null ? Map.of() : c;
    }

    /** Plain JSON values: a nested loss by its name (as upstream's modifiers report it), arrays as lists. */
    private static Object jsonable(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof SentenceLoss l) {
            return l.name();
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), jsonable(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(ModelCard::jsonable).toList();
        }
        if (v.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                out.add(jsonable(Array.get(v, i)));
            }
            return out;
        }
        return v.toString();
    }

    // ---------------------------------------------------------------- sections

    private static void frontMatter(StringBuilder md, ModelCardData data, List<SentenceLoss> losses) {
        md.append("---\n");
        md.append("tags:\n");
        Set<String> tags = new LinkedHashSet<>(List.of("sentence-transformers", "sentence-similarity",
                "feature-extraction", "dense", "generated_from_trainer"));
        if (!data.datasets().isEmpty()) {
            tags.add("dataset_size:" + data.datasets().stream().mapToLong(ModelCardData.TrainingDataset::size).sum());
        }
        for (SentenceLoss l : losses) {
            tags.add("loss:" + l.name());
        }
        tags.forEach(t -> md.append("- ").append(yaml(t)).append('\n'));
        if (notBlank(data.baseModel())) {
            md.append("base_model: ").append(yaml(data.baseModel())).append('\n');
        }
        md.append("pipeline_tag: sentence-similarity\n");
        md.append("library_name: sentence4j\n");
        if (!data.finalEvaluation().isEmpty()) {
            md.append("metrics:\n");
            data.finalEvaluation().keySet().forEach(k -> md.append("- ").append(yaml(k)).append('\n'));
        }
        md.append("---\n\n");
    }

    private static void intro(StringBuilder md, ModelCardData data) {
        String title = notBlank(data.modelId()) ? data.modelId()
                : notBlank(data.baseModel()) ? "SentenceTransformer based on " + data.baseModel() : "SentenceTransformer";
        md.append("# ").append(inline(title)).append("\n\n");
        md.append("This is a [sentence-transformers](https://www.SBERT.net) model trained with sentence4j");
        if (notBlank(data.baseModel())) {
            md.append(", finetuned from ").append(baseModelLink(data.baseModel()));
        }
        if (!data.datasets().isEmpty()) {
            md.append(" on ").append(data.datasets().size() == 1 ? "the " + inline(data.datasets().get(0).name())
                    + " dataset" : data.datasets().size() + " datasets");
        }
        md.append(". It maps sentences and paragraphs to a dense vector space and can be used for semantic textual "
                + "similarity, semantic search, paraphrase mining, classification, clustering, and more.\n\n");
    }

    private static void modelDetails(StringBuilder md, ModelCardData data) {
        md.append("## Model Details\n\n### Model Description\n");
        md.append("- **Model Type:** Sentence Transformer\n");
        if (notBlank(data.baseModel())) {
            md.append("- **Base model:** ").append(baseModelLink(data.baseModel())).append('\n');
        }
        if (notBlank(data.architecture())) {
            md.append("- **Architecture:** ").append(inline(data.architecture())).append('\n');
        }
        if (!data.datasets().isEmpty()) {
            md.append(data.datasets().size() == 1 ? "- **Training Dataset:**\n" : "- **Training Datasets:**\n");
            for (ModelCardData.TrainingDataset ds : data.datasets()) {
                md.append("    - ").append(inline(ds.name())).append('\n');
            }
        }
        md.append("\n### Model Sources\n\n");
        md.append("- **Documentation:** [Sentence Transformers Documentation](https://sbert.net)\n");
        md.append("- **Repository:** [Sentence Transformers on GitHub](https://github.com/huggingface/sentence-transformers)\n");
        md.append("- **Hugging Face:** [Sentence Transformers on Hugging Face](https://huggingface.co/models?library=sentence-transformers)\n\n");
    }

    private static void usage(StringBuilder md, ModelCardData data) {
        String folder = notBlank(data.modelId()) ? data.modelId() : "path/to/model";
        List<String> sentences = usageSentences(data);
        md.append("## Usage\n\n### Direct Usage (sentence4j)\n\n");
        md.append("The folder is in sentence-transformers layout, so it also loads in Python's "
                + "`SentenceTransformer(...)`. In Java:\n\n");
        md.append("```java\n");
        md.append("import java.nio.file.Path;\n");
        md.append("import java.util.List;\n\n");
        md.append("import org.nd4j.linalg.api.ndarray.INDArray;\n");
        md.append("import org.sentence4j.graphs.EncodeOptions;\n");
        md.append("import org.sentence4j.graphs.SentenceEncoder;\n\n");
        md.append("try (SentenceEncoder model = SentenceEncoder.load(Path.of(").append(javaString(folder)).append("))) {\n");
        md.append("    List<String> sentences = List.of(\n");
        for (int i = 0; i < sentences.size(); i++) {
            md.append("            ").append(javaString(sentences.get(i))).append(i + 1 < sentences.size() ? ",\n" : ");\n");
        }
        md.append("    INDArray embeddings = model.encode(sentences, EncodeOptions.defaults());\n");
        md.append("    System.out.println(java.util.Arrays.toString(embeddings.shape()));\n");
        md.append("    // [").append(sentences.size()).append(", ").append("dim]\n");
        md.append("}\n```\n\n");
    }

    /** Up to three distinct texts from the first examples, else the sentence-transformers defaults. */
    private static List<String> usageSentences(ModelCardData data) {
        Set<String> out = new LinkedHashSet<>();
        for (ModelCardData.TrainingDataset ds : data.datasets()) {
            for (Map<String, Object> row : ds.examples()) {
                for (Object v : row.values()) {
                    if (v instanceof String s && !s.isBlank() && out.size() < 3) {
                        out.add(s.length() > MAX_CELL_CHARS ? s.substring(0, MAX_CELL_CHARS) : s);
                    }
                }
            }
        }
        return out.isEmpty() ? DEFAULT_SENTENCES : List.copyOf(out);
    }

    private static void trainingDetails(StringBuilder md, ModelCardData data) {
        md.append("## Training Details\n\n");
        if (!data.datasets().isEmpty()) {
            md.append(data.datasets().size() == 1 ? "### Training Dataset\n\n" : "### Training Datasets\n\n");
            for (ModelCardData.TrainingDataset ds : data.datasets()) {
                dataset(md, ds);
            }
        }
        md.append("### Training Hyperparameters\n\n#### Non-Default Hyperparameters\n\n");
        if (data.hyperparameters().isEmpty()) {
            md.append("All hyperparameters have their default values.\n\n");
        } else {
            data.hyperparameters().forEach((k, v) ->
                    md.append("- `").append(k).append("`: ").append(inline(valueText(v))).append('\n'));
            md.append('\n');
        }
        trainingLogs(md, data.log());
    }

    private static void dataset(StringBuilder md, ModelCardData.TrainingDataset ds) {
        List<String> columns = ds.shownColumns();
        md.append("#### ").append(inline(ds.name())).append("\n\n");
        md.append("* Dataset: ").append(inline(ds.name())).append('\n');
        md.append("* Size: ").append(String.format(Locale.ROOT, "%,d", ds.size())).append(" training samples\n");
        if (!columns.isEmpty()) {
            md.append("* Columns: ").append(joinNames(columns.stream().map(c -> "<code>" + html(c) + "</code>").toList()))
                    .append('\n');
        }
        if (!ds.examples().isEmpty() && !columns.isEmpty()) {
            md.append("* Samples:\n");
            md.append("  |");
            columns.forEach(c -> md.append(' ').append(cell(c)).append(" |"));
            md.append("\n  |");
            columns.forEach(c -> md.append(":---|"));
            md.append('\n');
            for (Map<String, Object> row : ds.examples()) {
                md.append("  |");
                columns.forEach(c -> md.append(' ').append(cell(row.containsKey(c) ? valueText(row.get(c)) : "")).append(" |"));
                md.append('\n');
            }
        }
        SentenceLoss loss = ds.loss();
        String className = loss.getClass().getName();
        md.append("* Loss: ");
        if (className.startsWith(BUILT_IN_PACKAGE)) {
            md.append("[<code>").append(className).append("</code>](").append(LOSS_DOCS)
                    .append(loss.name().toLowerCase(Locale.ROOT)).append(')');
        } else {
            md.append("<code>").append(html(className)).append("</code>");
        }
        if (!loss.getClass().getSimpleName().equals(loss.name())) {
            md.append(" (").append(inline(loss.name())).append(')');
        }
        md.append(" with these parameters:\n");
        md.append("  ```json\n");
        for (String line : configJson(loss).split("\n", -1)) {
            md.append("  ").append(line).append('\n');
        }
        md.append("  ```\n\n");
    }

    private static void trainingLogs(StringBuilder md, List<LogEntry> log) {
        md.append("### Training Logs\n\n");
        List<Row> rows = mergeByStep(log);
        if (rows.isEmpty()) {
            md.append("No training log was recorded.\n\n");
            return;
        }
        Set<String> components = new TreeSet<>();
        Set<String> metrics = new TreeSet<>();
        for (Row r : rows) {
            components.addAll(r.components.keySet());
            metrics.addAll(r.metrics.keySet());
        }
        boolean fold = rows.size() > LOG_ROWS_UNFOLDED;
        if (fold) {
            md.append("<details><summary>Click to expand</summary>\n\n");
        }
        md.append("| Epoch | Step | Training Loss |");
        components.forEach(c -> md.append(' ').append(cell(c)).append(" |"));
        metrics.forEach(m -> md.append(' ').append(cell(m)).append(" |"));
        md.append("\n|:-----:|:----:|:-------------:|");
        for (int i = 0; i < components.size() + metrics.size(); i++) {
            md.append(":---:|");
        }
        md.append('\n');
        for (Row r : rows) {
            md.append("| ").append(epochText(r.epoch)).append(" | ").append(r.step).append(" | ")
                    .append(Double.isNaN(r.loss) ? "-" : number(r.loss)).append(" |");
            components.forEach(c -> md.append(' ').append(r.components.containsKey(c) ? number(r.components.get(c)) : "-")
                    .append(" |"));
            metrics.forEach(m -> md.append(' ').append(r.metrics.containsKey(m) ? number(r.metrics.get(m)) : "-")
                    .append(" |"));
            md.append('\n');
        }
        if (fold) {
            md.append("\n</details>\n");
        }
        md.append('\n');
    }

    /** One table row: a training row and an evaluation row of the same step become one. */
    private static final class Row {
        final long step;
        double epoch;
        double loss = Double.NaN;
        final Map<String, Double> components = new TreeMap<>();
        final Map<String, Double> metrics = new TreeMap<>();

        Row(long step, double epoch) {
            this.step = step;
            this.epoch = epoch;
        }
    }

    private static List<Row> mergeByStep(List<LogEntry> log) {
        Map<Long, Row> rows = new LinkedHashMap<>();
        for (LogEntry e : log) {
            Row r = rows.computeIfAbsent(e.step(), s -> new Row(s, e.epoch()));
            if (!Double.isNaN(e.loss())) {
                r.loss = e.loss();
            }
            r.components.putAll(e.components());
            r.metrics.putAll(e.metrics());
        }
        return List.copyOf(rows.values());
    }

    private static void evaluation(StringBuilder md, ModelCardData data) {
        md.append("## Evaluation\n\n### Metrics\n\n");
        if (data.finalEvaluation().isEmpty()) {
            md.append("No final evaluation was run.\n\n");
            return;
        }
        md.append("| Metric | Value |\n|:-------|:------|\n");
        data.finalEvaluation().forEach((k, v) ->
                md.append("| ").append(cell(k)).append(" | ").append(v == null ? "-" : number(v)).append(" |\n"));
        md.append('\n');
    }

    private static void frameworkVersions(StringBuilder md, ModelCardData data) {
        md.append("### Framework Versions\n");
        Map<String, String> versions = data.versions().isEmpty() ? ModelCardData.detectVersions() : data.versions();
        versions.forEach((k, v) -> md.append("- ").append(inline(k)).append(": ").append(inline(v == null ? "" : v)).append('\n'));
        md.append('\n');
    }

    private static void citation(StringBuilder md, List<SentenceLoss> losses) {
        md.append("## Citation\n\n### BibTeX\n\n");
        citations(losses).forEach((heading, bibtex) ->
                md.append("#### ").append(heading).append("\n```bibtex\n").append(bibtex).append("\n```\n\n"));
    }

    // ---------------------------------------------------------------- text helpers

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** A Hugging Face id links to its hub page; a local path is shown as code. */
    private static String baseModelLink(String base) {
        if (HUB_ID.matcher(base).matches()) {
            return "[" + base + "](https://huggingface.co/" + base + ")";
        }
        return "`" + base.replace("`", "'") + "`";
    }

    /** Text on one Markdown line: line breaks become spaces. */
    private static String inline(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * A Markdown table cell: one line, '|' escaped (else it would split the cell), '<' and '>' as entities (else
     * they could open HTML), long texts cut.
     */
    static String cell(String s) {
        String t = inline(s);
        if (t.length() > MAX_CELL_CHARS) {
            t = t.substring(0, MAX_CELL_CHARS) + "...";
        }
        return t.replace("\\|", "\\\\|").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String valueText(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double || v instanceof Float) {
            return pythonFloat(((Number) v).doubleValue());
        }
        if (v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        try {
            return COMPACT_JSON.writeValueAsString(jsonable(v));
        } catch (JsonProcessingException e) {
            return v.toString();
        }
    }

    /** A float as Python's repr prints it (2e-05, 0.0001, 20.0), so values read as in upstream cards. */
    static String pythonFloat(double v) {
        if (!Double.isFinite(v)) {
            return number(v);
        }
        double a = Math.abs(v);
        if (a == 0 || (a >= 1e-4 && a < 1e16)) {
            String s = new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        String s = Double.toString(v);
        int e = s.indexOf('E');
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        int exp = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Epoch rounded to 4 decimals without trailing zeros (upstream prints round(epoch, 4)). */
    private static String epochText(double epoch) {
        if (!Double.isFinite(epoch)) {
            return number(epoch);
        }
        BigDecimal d = BigDecimal.valueOf(epoch).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
        String s = d.toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    private static String yaml(String s) {
        if (YAML_PLAIN.matcher(s).matches() && !s.contains(": ")
                && !Set.of("true", "false", "null", "yes", "no", "on", "off", "~").contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\x%02x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    private static String javaString(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
