package org.sentence4j.trainer.data;

import org.sentence4j.losses.LabelKind;

/**
 * The label column of a dataset: scalar labels (class ids, 0/1, scores) as doubles, or one vector per row.
 * Immutable by convention: the arrays are never handed out.
 */
record LabelColumn(String name, LabelKind kind, int width, double[] values, double[][] vectors, LabelMapping mapping) {

    int size() {
        return values != null ? values.length : vectors.length;
    }

    LabelColumn select(int[] rows) {
        if (values != null) {
            double[] v = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                v[i] = values[rows[i]];
            }
            return new LabelColumn(name, kind, width, v, null, mapping);
        }
        double[][] v = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            v[i] = vectors[rows[i]];
        }
        return new LabelColumn(name, kind, width, null, v, mapping);
    }

    LabelColumn renamed(String newName) {
        return new LabelColumn(newName, kind, width, values, vectors, mapping);
    }
}
