package org.sentence4j.graphs.eager;

import java.util.HashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Named arrays that are allocated once and reused by every later step.
 *
 * <p>Why: on ND4J's CPU backend a fresh result array costs more than the arithmetic that fills it. A new
 * 25 MB array takes ~15 ms (the kernel maps and zero-fills fresh pages), while multiplying two such arrays
 * in place takes ~1 ms, and a matrix product into a new c-order array runs at a quarter of the speed of the
 * same product into a preallocated one. The eager encoder therefore asks the arena for every large
 * intermediate by a stable name; after the first step of a given shape nothing large is allocated.
 *
 * <p>A request returns a c-order view of the first {@code prod(shape)} elements of the slot's buffer, so a
 * batch with shorter sequences reuses the buffer of a longer one. A slot grows (is reallocated) only when a
 * request needs more elements than it has. Memory is therefore bounded by the largest batch seen, not by
 * the number of steps. Not thread-safe: one pass uses an arena at a time; an encoder keeps one per pass that
 * runs at the same time ({@link ArenaPool}).
 */
public final class Arena {

    private final DataType dataType;
    private final Map<String, INDArray> slots = new HashMap<>();
    /** The last view handed out per slot: creating a view costs ~0.1 ms of shape bookkeeping. */
    private final Map<String, INDArray> views = new HashMap<>();
    private long bytes;

    public Arena(DataType dataType) {
        this.dataType = dataType;
    }

    /** A c-order array of {@code shape} backed by the slot {@code key}; its content is whatever was there. */
    public INDArray get(String key, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        INDArray slot = slots.get(key);
        INDArray last = views.get(key);
        if (last != null && slot != null && java.util.Arrays.equals(last.shape(), shape)) {
            return last;
        }
        if (slot == null || slot.length() < n) {
            if (slot != null) {
                bytes -= slot.length() * dataType.width();
                slot.close();
            }
            slot = Nd4j.createUninitialized(dataType, new long[] {Math.max(n, 1)}, 'c');
            slots.put(key, slot);
            bytes += slot.length() * dataType.width();
        }
        INDArray view = Nd4j.create(slot.data(), shape, Nd4j.getStrides(shape, 'c'), 0, 'c', dataType);
        views.put(key, view);
        return view;
    }

    /** {@link #get} filled with zeros. */
    INDArray zeros(String key, long... shape) {
        return get(key, shape).assign(0);
    }

    /** Bytes held by all slots. */
    public long bytes() {
        return bytes;
    }

    /** Frees every slot now (they are allocated again on the next request). */
    public void release() {
        slots.values().forEach(INDArray::close);
        slots.clear();
        views.clear();
        bytes = 0;
    }
}
