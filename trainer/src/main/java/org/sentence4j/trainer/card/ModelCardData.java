package org.sentence4j.trainer.card;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.LogEntry;

/**
 * Everything a generated model card ({@link ModelCard}) shows about a trained model: what it is, what it was
 * trained on and with which loss, how training went and the library versions. Maps keep their insertion order
 * (it is the order of the card); build one with {@link #builder()}.
 *
 * @param modelId          the model's name or id (also the folder name in the usage snippet); may be null
 * @param baseModel        the model training started from (a Hugging Face id or a path); may be null
 * @param architecture     one-line summary, e.g. "BertModel, 6 layers, hidden 384, max 256 tokens, mean pooling,
 *                         normalized, 384 dims"; may be null
 * @param datasets         the training datasets, each with the loss used on it
 * @param hyperparameters  training arguments that differ from their defaults
 * @param log              the training log (rows of the same step are shown as one row)
 * @param finalEvaluation  metrics of the evaluation after training
 * @param versions         library versions, e.g. sentence4j, ND4J, Java ({@link #detectVersions()})
 */
public record ModelCardData(String modelId, String baseModel, String architecture, List<TrainingDataset> datasets,
                            Map<String, Object> hyperparameters, List<LogEntry> log, Map<String, Double> finalEvaluation,
                            Map<String, String> versions) {

    /** At most this many example rows of a dataset are kept (and shown). */
    public static final int MAX_EXAMPLES = 3;

    public ModelCardData {
        datasets = List.copyOf(datasets == null ? List.of() : datasets);
        hyperparameters = ordered(hyperparameters);
        log = List.copyOf(log == null ? List.of() : log);
        finalEvaluation = ordered(finalEvaluation);
        versions = ordered(versions);
    }

    /**
     * One training dataset as the card describes it.
     *
     * @param name     dataset name (e.g. "all-nli" or a file name)
     * @param size     number of training samples
     * @param columns  column names in order (label/score column included)
     * @param examples up to {@value ModelCardData#MAX_EXAMPLES} example rows, column name to value (more are dropped)
     * @param loss     the loss trained on this dataset
     */
    public record TrainingDataset(String name, long size, List<String> columns, List<Map<String, Object>> examples,
                                  SentenceLoss loss) {

        public TrainingDataset {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(loss, "loss");
            if (size < 0) {
                throw new IllegalArgumentException("dataset '" + name + "': size must be >= 0, not " + size);
            }
            columns = List.copyOf(columns == null ? List.of() : columns);
            List<Map<String, Object>> rows = new ArrayList<>();
            if (examples != null) {
                for (Map<String, Object> row : examples.subList(0, Math.min(MAX_EXAMPLES, examples.size()))) {
                    rows.add(ordered(row));
                }
            }
            examples = Collections.unmodifiableList(rows);
        }

        /** The columns to show: the given ones, else the keys of the first example. */
        public List<String> shownColumns() {
            if (!columns.isEmpty() || examples.isEmpty()) {
                return columns;
            }
            return List.copyOf(examples.get(0).keySet());
        }
    }

    /** Copies keeping the order and allowing null values (example cells may be null). */
    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The versions this JVM runs: {@code sentence4j} (from the jar's manifest or Maven metadata, else
     * "unknown"), {@code ND4J} (from the nd4j-api jar's Maven metadata) and {@code Java}.
     */
    public static Map<String, String> detectVersions() {
        Map<String, String> v = new LinkedHashMap<>();
        String own = ModelCardData.class.getPackage().getImplementationVersion();
        if (own == null) {
            own = mavenVersion("org.sentence4j", "trainer");
        }
        v.put("sentence4j", own == null ? "unknown" : own);
        String nd4j = mavenVersion("org.nd4j", "nd4j-api");
        v.put("ND4J", nd4j == null ? "unknown" : nd4j);
        v.put("Java", System.getProperty("java.version", "unknown"));
        return v;
    }

    /** Reads a jar's META-INF/maven pom.properties without loading any of its classes (Nd4j's loading is heavy). */
    private static String mavenVersion(String groupId, String artifactId) {
        String path = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        ClassLoader cl = ModelCardData.class.getClassLoader();
        try (InputStream in = cl == null ? null : cl.getResourceAsStream(path)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    /** Builds a {@link ModelCardData}; every part is optional. */
    public static final class Builder {
        private String modelId;
        private String baseModel;
        private String architecture;
        private final List<TrainingDataset> datasets = new ArrayList<>();
        private final Map<String, Object> hyperparameters = new LinkedHashMap<>();
        private final List<LogEntry> log = new ArrayList<>();
        private final Map<String, Double> finalEvaluation = new LinkedHashMap<>();
        private final Map<String, String> versions = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder modelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        public Builder baseModel(String baseModel) {
            this.baseModel = baseModel;
            return this;
        }

        public Builder architecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder dataset(TrainingDataset dataset) {
            datasets.add(Objects.requireNonNull(dataset, "dataset"));
            return this;
        }

        public Builder dataset(String name, long size, List<String> columns, List<Map<String, Object>> examples,
                               SentenceLoss loss) {
            return dataset(new TrainingDataset(name, size, columns, examples, loss));
        }

        public Builder hyperparameter(String name, Object value) {
            hyperparameters.put(name, value);
            return this;
        }

        public Builder hyperparameters(Map<String, ?> values) {
            hyperparameters.putAll(values);
            return this;
        }

        public Builder log(List<LogEntry> entries) {
            log.addAll(entries);
            return this;
        }

        public Builder logEntry(LogEntry entry) {
            log.add(Objects.requireNonNull(entry, "entry"));
            return this;
        }

        public Builder finalEvaluation(Map<String, Double> metrics) {
            finalEvaluation.putAll(metrics);
            return this;
        }

        public Builder version(String library, String version) {
            versions.put(library, version);
            return this;
        }

        public Builder versions(Map<String, String> values) {
            versions.putAll(values);
            return this;
        }

        public ModelCardData build() {
            return new ModelCardData(modelId, baseModel, architecture, datasets, hyperparameters, log, finalEvaluation,
                    versions);
        }
    }
}
