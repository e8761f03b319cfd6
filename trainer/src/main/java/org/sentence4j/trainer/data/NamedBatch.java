package org.sentence4j.trainer.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A batch of one dataset of a multi-dataset run: the dataset's name (which selects its loss) and row
 * indices into that dataset.
 */
public record NamedBatch(String dataset, int[] rows) {

    public NamedBatch {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(rows, "rows");
    }

    public int size() {
        return rows.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedBatch b && b.dataset.equals(dataset) && Arrays.equals(b.rows, rows);
    }

    @Override
    public int hashCode() {
        return dataset.hashCode() * 31 + Arrays.hashCode(rows);
    }

    @Override
    public String toString() {
        return dataset + Arrays.toString(rows);
    }
}
