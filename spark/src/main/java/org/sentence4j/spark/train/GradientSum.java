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
    private long nanos;
    private int tasks;

    /** Adds one task's gradients (the arrays may be taken over: the caller no longer uses them). */
    public GradientSum add(Map<String, float[]> gradients, long taskNanos) {
        gradients.forEach(this::addArray);
        nanos += taskNanos;
        tasks++;
        return this;
    }

    /** Adds another partial sum into this one. */
    public GradientSum merge(GradientSum other) {
        other.sums.forEach(this::addArray);
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

    public Map<String, float[]> sums() {
        return sums;
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
