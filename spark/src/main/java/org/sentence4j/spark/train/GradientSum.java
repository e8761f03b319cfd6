package org.sentence4j.spark.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A running sum of parameter gradients, what {@code treeAggregate} combines across tasks: tensor name to a
 * float32 array (row-major). Empty until the first task's gradients arrive, so the zero value that Spark
 * ships to every partition costs nothing. Also sums the tasks' compute time.
 */
public final class GradientSum implements Serializable {

    private static final long serialVersionUID = 1L;

    private final LinkedHashMap<String, float[]> sums = new LinkedHashMap<>();
    private final LinkedHashMap<String, SparseRows> sparse = new LinkedHashMap<>();
    private long nanos;
    private int tasks;

    /** Adds one task's gradients (the arrays may be taken over: the caller no longer uses them). */
    public GradientSum add(Map<String, float[]> gradients, long taskNanos) {
        return add(gradients, Map.of(), taskNanos);
    }

    /** Adds one task's dense gradients and its row-sparse ones (the word embeddings). */
    public GradientSum add(Map<String, float[]> gradients, Map<String, SparseRows> rows, long taskNanos) {
        gradients.forEach(this::addArray);
        rows.forEach(this::addRows);
        nanos += taskNanos;
        tasks++;
        return this;
    }

    private void addRows(String name, SparseRows rows) {
        sparse.merge(name, rows, SparseRows::plus);
    }

    /** Adds another partial sum into this one. */
    public GradientSum merge(GradientSum other) {
        other.sums.forEach(this::addArray);
        other.sparse.forEach(this::addRows);
        nanos += other.nanos;
        tasks += other.tasks;
        return this;
    }

    private void addArray(String name, float[] g) {
        float[] s = sums.get(name);
        if (s == null) {
            sums.put(name, g);
            return;
        }
        if (s.length != g.length) {
            throw new IllegalStateException("gradient " + name + " has " + g.length + " values in one task and " + s.length
                    + " in another");
        }
        for (int i = 0; i < s.length; i++) {
            s[i] += g[i];
        }
    }

    /** The dense sums by tensor name. */
    public Map<String, float[]> sums() {
        return sums;
    }

    /** The row-sparse sums by tensor name (rows absent are zero). */
    public Map<String, SparseRows> sparse() {
        return sparse;
    }

    /** Bytes of the sums (what one task result or a partial sum moves). */
    public long bytes() {
        return sums.values().stream().mapToLong(a -> 4L * a.length).sum() + sparse.values().stream().mapToLong(SparseRows::bytes).sum();
    }

    /** Compute time of all tasks summed. */
    public long nanos() {
        return nanos;
    }

    /** Number of task results summed. */
    public int tasks() {
        return tasks;
    }
}
