package org.sentence4j.trainer.data;

import java.util.Random;

/**
 * Seeding of the samplers. Every epoch gets its own generator derived from (seed, epoch, stream) by
 * SplitMix64 mixing, so an epoch's batches are a pure function of (seed, epoch) and a checkpoint can recompute
 * them; unlike upstream's {@code seed + epoch}, (seed 1, epoch 0) and (seed 0, epoch 1) differ. The generator is
 * {@link java.util.Random}, whose algorithm the JDK specifies, so orders are the same on every JVM.
 */
final class Seeds {

    static final long DEFAULT_STREAM = 0x5eed0001L;
    static final long NO_DUPLICATES_STREAM = 0x5eed0002L;
    static final long GROUP_BY_LABEL_STREAM = 0x5eed0003L;
    static final long MULTI_DATASET_STREAM = 0x5eed0004L;

    private Seeds() {
    }

    /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The generator of one epoch of one sampler kind. */
    static Random random(long seed, int epoch, long stream) {
        long s = mix64(seed + 0x9E3779B97F4A7C15L);
        s = mix64(s ^ (epoch * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L));
        return new Random(mix64(s ^ stream));
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, rnd);
        return p;
    }

    static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
