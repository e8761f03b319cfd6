package org.sentence4j.graphs.bert;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SplitMix64 dropout-mask draw of {@link DropoutMasks} with the JDK's vector API: several draws at once
 * (draw k of a site is {@code mix(seed + (k + 1)·gamma)}, so draws are independent of each other), each
 * giving two 32-bit uniforms for two consecutive units. It fills one run of consecutive canonical units at a
 * time (see {@link DropoutMasks#canonicalStride}), from any start. The same values as the scalar loop, unit
 * for unit (DropoutMasksTest), about five times faster.
 *
 * <p>Only loaded when {@link org.sentence4j.graphs.eager.VectorKernels#enabled()}.
 */
final class DropoutMaskKernel {

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int DRAWS = LS.length();
    private static final int UNITS = FS.length();
    private static final long GAMMA = DropoutMasks.GOLDEN_GAMMA;
    private static final long[] STEPS = new long[DRAWS];

    static {
        for (int k = 0; k < DRAWS; k++) {
            STEPS[k] = (k + 1) * GAMMA;
        }
    }

    private DropoutMaskKernel() {
    }

    /** Whether the vector draw applies: whole vectors pair up (2 units per draw) and the threshold fits 32 bits. */
    static boolean supports(long threshold) {
        return UNITS == 2 * DRAWS && IS.length() == UNITS && threshold <= 0xFFFFFFFFL;
    }

    /**
     * Canonical units [e, e + len) of a site into {@code block[off, off + len)}: 0 where the unit's uniform is
     * below {@code threshold} (p·2^32), else {@code keep}. An odd {@code e} (the low half of a draw) is done
     * alone first; the rest is whole vectors from an even unit, the last one stored under a lane mask.
     */
    static void fill(long seed, long e, long threshold, float keep, float[] block, int off, int len) {
        int i = 0;
        if ((e & 1) != 0 && len > 0) {
            block[off] = unit(seed, e, threshold) ? 0f : keep;
            i = 1;
        }
        LongVector steps = LongVector.fromArray(LS, STEPS, 0);
        int flippedThreshold = (int) (threshold ^ 0x80000000L);
        FloatVector kept = FloatVector.broadcast(FS, keep);
        for (; i < len; i += UNITS) {
            long state = seed + ((e + i) >> 1) * GAMMA;
            LongVector z = steps.add(state);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(DropoutMasks.MIX_1);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(DropoutMasks.MIX_2);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            // swap the halves so that, as 32-bit lanes, each draw reads (high, low): units 2k and 2k + 1
            LongVector swapped = z.lanewise(VectorOperators.LSHL, 32).lanewise(VectorOperators.OR,
                    z.lanewise(VectorOperators.LSHR, 32));
            IntVector uniforms = (IntVector) swapped.reinterpretAsInts();
            // unsigned comparison as a signed one with both sign bits flipped
            VectorMask<Integer> drop = uniforms.lanewise(VectorOperators.XOR, 0x80000000)
                    .compare(VectorOperators.LT, flippedThreshold);
            FloatVector values = kept.blend(0f, drop.cast(FS));
            if (i + UNITS <= len) {
                values.intoArray(block, off + i);
            } else {
                values.intoArray(block, off + i, FS.indexInRange(i, len));
            }
        }
    }

    /** Whether unit e is dropped: draw e / 2, its high half for even e, its low half for odd e. */
    static boolean unit(long seed, long e, long threshold) {
        long z = DropoutMasks.mix(seed + ((e >> 1) + 1) * GAMMA);
        long u = (e & 1) == 0 ? z >>> 32 : z & 0xFFFFFFFFL;
        return u < threshold;
    }
}
