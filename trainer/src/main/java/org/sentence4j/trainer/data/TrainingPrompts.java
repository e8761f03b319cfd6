package org.sentence4j.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The text put before the inputs of a training column, as sentence-transformers' training argument
 * {@code prompts}, in its four forms: one prompt for every column of every dataset ({@link #of}), a prompt per
 * column name ({@link #perColumn}), per dataset ({@link #perDataset}), or per dataset and column
 * ({@link #perDatasetAndColumn}). A column without a prompt gets none; label columns are never prompted.
 * Models trained with prompts are meant to be used with the same prompts at inference
 * ({@code EncodeOptions.withPrompt}).
 */
public final class TrainingPrompts {

    private static final TrainingPrompts NONE = new TrainingPrompts(null, Map.of(), Map.of(), Map.of());

    private final String all;
    private final Map<String, String> byColumn;
    private final Map<String, String> byDataset;
    private final Map<String, Map<String, String>> byDatasetAndColumn;

    private TrainingPrompts(String all, Map<String, String> byColumn, Map<String, String> byDataset,
                            Map<String, Map<String, String>> byDatasetAndColumn) {
        this.all = all;
        this.byColumn = byColumn;
        this.byDataset = byDataset;
        this.byDatasetAndColumn = byDatasetAndColumn;
    }

    /** No prompts (the default). */
    public static TrainingPrompts none() {
        return NONE;
    }

    /** One prompt for every text column of every dataset. */
    public static TrainingPrompts of(String prompt) {
        return new TrainingPrompts(Objects.requireNonNull(prompt, "prompt"), Map.of(), Map.of(), Map.of());
    }

    /** A prompt per column name (e.g. {@code anchor -> "query: "}, {@code positive -> "passage: "}), in every dataset. */
    public static TrainingPrompts perColumn(Map<String, String> prompts) {
        return new TrainingPrompts(null, copy(prompts), Map.of(), Map.of());
    }

    /** A prompt per dataset name, for all of that dataset's text columns. */
    public static TrainingPrompts perDataset(Map<String, String> prompts) {
        return new TrainingPrompts(null, Map.of(), copy(prompts), Map.of());
    }

    /** A prompt per dataset name and column name. */
    public static TrainingPrompts perDatasetAndColumn(Map<String, Map<String, String>> prompts) {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        prompts.forEach((ds, cols) -> m.put(ds, copy(cols)));
        return new TrainingPrompts(null, Map.of(), Map.of(), Collections.unmodifiableMap(m));
    }

    private static Map<String, String> copy(Map<String, String> m) {
        Map<String, String> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(Objects.requireNonNull(k, "name"), Objects.requireNonNull(v, "prompt of " + k)));
        return Collections.unmodifiableMap(c);
    }

    public boolean isEmpty() {
        return all == null && byColumn.isEmpty() && byDataset.isEmpty() && byDatasetAndColumn.isEmpty();
    }

    /** The prompt of a dataset's column, "" for none. */
    public String prompt(String dataset, String column) {
        if (all != null) {
            return all;
        }
        if (!byColumn.isEmpty()) {
            return byColumn.getOrDefault(column, "");
        }
        if (!byDataset.isEmpty()) {
            return byDataset.getOrDefault(dataset, "");
        }
        return byDatasetAndColumn.getOrDefault(dataset, Map.of()).getOrDefault(column, "");
    }

    /** The prompts of a dataset's text columns, by column name (columns without one are left out). */
    public Map<String, String> forDataset(String dataset, List<String> columns) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : columns) {
            String p = prompt(dataset, c);
            if (!p.isEmpty()) {
                out.put(c, p);
            }
        }
        return out;
    }

    /**
     * Fails when a name matches nothing: a column that no dataset has, a dataset that is not trained, or a
     * column that its dataset lacks (a typo would otherwise train silently without the prompt).
     *
     * @param columns the text columns of each training dataset, by dataset name
     */
    public void check(Map<String, List<String>> columns) {
        List<String> problems = new ArrayList<>();
        for (String c : byColumn.keySet()) {
            if (columns.values().stream().noneMatch(cols -> cols.contains(c))) {
                problems.add("column '" + c + "' is in no training dataset " + columns);
            }
        }
        for (String d : byDataset.keySet()) {
            if (!columns.containsKey(d)) {
                problems.add("dataset '" + d + "' is not trained (datasets: " + columns.keySet() + ")");
            }
        }
        byDatasetAndColumn.forEach((d, cols) -> {
            if (!columns.containsKey(d)) {
                problems.add("dataset '" + d + "' is not trained (datasets: " + columns.keySet() + ")");
            } else {
                for (String c : cols.keySet()) {
                    if (!columns.get(d).contains(c)) {
                        problems.add("dataset '" + d + "' has no column '" + c + "' (its columns: " + columns.get(d) + ")");
                    }
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("prompts: " + String.join("; ", problems));
        }
    }

    /** The prompts in sentence-transformers' own form (a string or a map), for the model card. */
    public Object describe() {
        if (all != null) {
            return all;
        }
        if (!byColumn.isEmpty()) {
            return byColumn;
        }
        if (!byDataset.isEmpty()) {
            return byDataset;
        }
        return byDatasetAndColumn;
    }

    @Override
    public String toString() {
        return isEmpty() ? "none" : String.valueOf(describe());
    }
}
