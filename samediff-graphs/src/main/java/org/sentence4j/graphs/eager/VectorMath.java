package org.sentence4j.graphs.eager;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp of a float32 vector written out in vector operations, for the kernels' inner loops.
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: on JDK 17 that is a call into a library stub (~0.6 ns per
 * element here), and a call inside a loop makes the compiler spill every live vector around it: a GELU loop
 * with the stub ran at 2 ns per element, the same loop with this function at a fraction of that. The method
 * is small enough to be inlined.
 *
 * <p>Method: {@code exp(x) = 2^n · exp(r)} with {@code n = round(x / ln 2)} (rounded by adding 1.5·2^23, whose
 * float spacing is 1), {@code r = x - n ln 2} in two parts (Cody and Waite; |r| ≤ ln(2)/2) and exp(r) by its
 * Taylor polynomial to degree 7 (truncation error below 5e-9 relative); 2^n is built in the exponent bits.
 * Inputs below -87.33 (where 2^n would leave the normal range) give exactly 0, as float32 exp underflows
 * there; above 88 it saturates at exp(88) (the kernels only take exponents up to 0); NaN gives NaN. Measured against
 * {@link Math#exp}: within 1 ulp between -87.3 and 88 (VectorMathTest).
 */
final class VectorMath {

    private static final float LOG2E = 1.44269504088896341f;
    private static final float MAGIC = 12582912f; // 1.5 * 2^23
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float LOWEST = -87.33f;
    private static final float HIGHEST = 88f;
    private static final float C2 = 1f / 2;
    private static final float C3 = 1f / 6;
    private static final float C4 = 1f / 24;
    private static final float C5 = 1f / 120;
    private static final float C6 = 1f / 720;
    private static final float C7 = 1f / 5040;

    private VectorMath() {
    }

    static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, LOWEST);
        FloatVector xc = x.max(LOWEST).min(HIGHEST);
        FloatVector t = xc.fma(LOG2E, MAGIC);
        FloatVector n = t.sub(MAGIC);
        FloatVector r = n.fma(bc(n, -LN2_HI), xc);
        r = n.fma(bc(n, -LN2_LO), r);
        FloatVector p = r.fma(C7, C6).fma(r, bc(r, C5)).fma(r, bc(r, C4)).fma(r, bc(r, C3)).fma(r, bc(r, C2))
                .fma(r, bc(r, 1f)).fma(r, bc(r, 1f));
        IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scale = (FloatVector) bits.reinterpretAsFloats();
        return p.mul(scale).blend(0f, under);
    }

    private static FloatVector bc(FloatVector like, float value) {
        return FloatVector.broadcast(like.species(), value);
    }
}
