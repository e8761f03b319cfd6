package org.sentence4j.losses;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a loss's hyperparameters from a map keyed by sentence-transformers' snake_case names, as found in a
 * fixture, a model card or {@code --loss-option key=value} on the command line. Values may be JSON types
 * or strings; a wrong type or an unknown key is a {@link LossInputException} naming the loss and the key.
 */
public final class ConfigReader {

    private final String loss;
    private final Map<String, Object> values;
    private final Set<String> read = new TreeSet<>();

    public ConfigReader(String loss, Map<String, ?> values) {
        this.loss = loss;
        this.values = values == null ? new LinkedHashMap<>() : new LinkedHashMap<>(values);
    }

    public String loss() {
        return loss;
    }

    public boolean has(String key) {
        read.add(key);
        return values.containsKey(key) && values.get(key) != null;
    }

    /** Whether the key is given at all, also with an explicit {@code null} (Python {@code None}). */
    public boolean isGiven(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    /** The raw value, or {@code null}. */
    public Object raw(String key) {
        read.add(key);
        return values.get(key);
    }

    public double getDouble(String key, double dflt) {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new LossInputException(loss + ": option '" + key + "' must be a number, but is '" + v + "'.");
        }
    }

    /** A number that may be absent ({@code null} / "None"). */
    public Double getNullableDouble(String key) {
        Object v = raw(key);
        if (v == null || "None".equals(v) || "null".equals(v)) {
            return null;
        }
        return getDouble(key, Double.NaN);
    }

    public int getInt(String key, int dflt) {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        double d = getDouble(key, dflt);
        if (d != Math.rint(d)) {
            throw new LossInputException(loss + ": option '" + key + "' must be an integer, but is '" + v + "'.");
        }
        return (int) d;
    }

    /** An integer that may be absent ({@code null} / "None"). */
    public Integer getNullableInt(String key) {
        Object v = raw(key);
        if (v == null || "None".equals(v) || "null".equals(v)) {
            return null;
        }
        return getInt(key, 0);
    }

    public boolean getBoolean(String key, boolean dflt) {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase();
        return switch (s) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new LossInputException(loss + ": option '" + key + "' must be true or false, but is '" + v + "'.");
        };
    }

    public String getString(String key, String dflt) {
        Object v = raw(key);
        return v == null ? dflt : v.toString();
    }

    /** A list of numbers, from a JSON list or a comma-separated string; {@code null} if absent. */
    public List<Double> getDoubleList(String key) {
        Object v = raw(key);
        if (v == null || "None".equals(v) || "null".equals(v)) {
            return null;
        }
        List<Double> out = new ArrayList<>();
        for (Object o : asList(key, v)) {
            if (o instanceof Number n) {
                out.add(n.doubleValue());
            } else {
                try {
                    out.add(Double.parseDouble(o.toString().trim()));
                } catch (NumberFormatException e) {
                    throw new LossInputException(loss + ": option '" + key + "' must be a list of numbers, but contains '" + o + "'.");
                }
            }
        }
        return out;
    }

    /** A list of strings, from a JSON list or a comma-separated string; {@code null} if absent. */
    public List<String> getStringList(String key) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        return asList(key, v).stream().map(o -> o.toString().trim()).toList();
    }

    private List<?> asList(String key, Object v) {
        if (v instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        String s = v.toString().trim();
        if (s.startsWith("[") || s.startsWith("(")) {
            s = s.substring(1, s.length() - 1);
        }
        List<String> parts = new ArrayList<>();
        for (String p : s.split(",")) {
            String t = p.trim();
            if (t.startsWith("\"") || t.startsWith("'")) {
                t = t.substring(1, t.length() - 1);
            }
            if (!t.isEmpty()) {
                parts.add(t);
            }
        }
        return parts;
    }

    /** Fails on keys that no getter asked for: a misspelt option must never be silently ignored. */
    public void rejectUnknown() {
        List<String> unknown = values.keySet().stream().filter(k -> !read.contains(k)).toList();
        if (!unknown.isEmpty()) {
            throw new LossInputException(loss + " has no option " + String.join(", ", unknown.stream().map(u -> "'" + u + "'").toList())
                    + ". Its options are: " + String.join(", ", read) + ".");
        }
    }
}
