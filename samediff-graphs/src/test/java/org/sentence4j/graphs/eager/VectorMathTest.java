package org.sentence4j.graphs.eager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The inlined vector exp against {@link Math#exp}, in ulps of the float32 result. */
class VectorMathTest {

    @Test
    void expIsWithinTwoUlpsOverTheFloatRange() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        int n = 2_000_000 / lanes * lanes;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -87.3f + 175.3f * i / n; // up to 88
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i += lanes) {
            VectorMath.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i)).intoArray(y, i);
        }
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(x[i]);
            double ulps = Math.abs(y[i] - exact) / Math.ulp((float) exact);
            if (ulps > worst) {
                worst = ulps;
                worstAt = x[i];
            }
        }
        System.out.println("vector exp: worst " + worst + " ulp at " + worstAt);
        assertTrue(worst <= 2, "worst error " + worst + " ulp at x = " + worstAt);
    }

    @Test
    void edgeCases() {
        float[] x = new float[FloatVector.SPECIES_PREFERRED.length()];
        float[] in = {0f, -0f, Float.NEGATIVE_INFINITY, -1e9f, -88f, 1f, Float.NaN, -87.3f};
        System.arraycopy(in, 0, x, 0, Math.min(in.length, x.length));
        float[] y = new float[x.length];
        VectorMath.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(y, 0);
        assertEquals(1f, y[0]);
        assertEquals(1f, y[1]);
        if (x.length >= 8) {
            assertEquals(0f, y[2], "exp(-inf)");
            assertEquals(0f, y[3], "exp(-1e9): a masked attention score");
            assertEquals(0f, y[4], "below the normal range");
            assertEquals((float) Math.E, y[5], Math.ulp((float) Math.E) * 3);
            assertTrue(Float.isNaN(y[6]), "NaN stays NaN");
            assertEquals(Math.exp(-87.3f), y[7], Math.ulp((float) Math.exp(-87.3f)) * 3);
        }
    }
}
