package org.sentence4j.trainer.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Maps text labels (e.g. {@code entailment}) to class ids. Text labels are never numbered implicitly: the
 * ids a model is trained with must be the ones the user expects at inference time, so the mapping is an
 * explicit option of the readers, and a dataset reports the mapping it used ({@link Dataset#summary()}).
 */
public final class LabelMapping {

    private final Map<String, Integer> ids;
    private final boolean ignoreCase;

    private LabelMapping(Map<String, Integer> ids, boolean ignoreCase) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("A label mapping needs at least one label.");
        }
        Map<String, Integer> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "label");
            int id = Objects.requireNonNull(e.getValue(), "class id of " + key);
            if (id < 0) {
                throw new IllegalArgumentException("Class id of label '" + key + "' must be >= 0, got " + id + ".");
            }
            String k = ignoreCase ? key.toLowerCase(Locale.ROOT) : key;
            if (copy.put(k, id) != null) {
                throw new IllegalArgumentException("Label '" + key + "' appears twice in the label mapping.");
            }
        }
        this.ids = Collections.unmodifiableMap(copy);
        this.ignoreCase = ignoreCase;
    }

    /** A case-sensitive mapping; iteration order of {@code ids} is kept for reports. */
    public static LabelMapping of(Map<String, Integer> ids) {
        return new LabelMapping(ids, false);
    }

    /** Labels numbered 0, 1, 2, ... in the given order. */
    public static LabelMapping ofLabels(String... labels) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            m.put(labels[i], i);
        }
        return of(m);
    }

    /**
     * The NLI convention of the Hugging Face SNLI/MultiNLI datasets used with SoftmaxLoss:
     * entailment 0, neutral 1, contradiction 2, case-insensitive (SICK writes them in capitals).
     */
    public static LabelMapping nli() {
        return ofLabels("entailment", "neutral", "contradiction").ignoringCase();
    }

    /** The same mapping, matching labels regardless of case. */
    public LabelMapping ignoringCase() {
        return ignoreCase ? this : new LabelMapping(ids, true);
    }

    /** The class id of {@code label}, if mapped. */
    public OptionalInt id(String label) {
        Integer id = ids.get(ignoreCase ? label.toLowerCase(Locale.ROOT) : label);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The mapping, in its given order (keys lower-cased when case is ignored). */
    public Map<String, Integer> ids() {
        return ids;
    }

    public boolean ignoresCase() {
        return ignoreCase;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        ids.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return sb + (ignoreCase ? " (ignoring case)" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMapping m && m.ids.equals(ids) && m.ignoreCase == ignoreCase;
    }

    @Override
    public int hashCode() {
        return ids.hashCode() * 31 + Boolean.hashCode(ignoreCase);
    }
}
