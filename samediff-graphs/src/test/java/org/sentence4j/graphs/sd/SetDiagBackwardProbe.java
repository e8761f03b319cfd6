package org.sentence4j.graphs.sd;

import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Run in a child JVM by {@link SameDiffDefectsTest}: differentiates through an identity mask built with the
 * stock {@code setDiag} (argument "stock") or with {@link SdMath#identityLike} for an n×n matrix. In M2.1
 * the stock backward pass killed the JVM with SIGFPE from 46 rows on inside the ranking losses' graphs, so
 * such a check never runs inside the test JVM.
 */
public final class SetDiagBackwardProbe {

    private SetDiagBackwardProbe() {
    }

    public static void main(String[] args) {
        boolean stock = args[0].equals("stock");
        int n = Integer.parseInt(args[1]);
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("s", Nd4j.rand(DataType.FLOAT, n, n));
        SDVariable eye = stock ? sd.math.setDiag(sd.zerosLike(s), sd.onesLike(sd.math.diagPart(s))) : SdMath.identityLike(sd, s);
        SDVariable loss = s.mul(eye).sum();
        sd.setLossVariables(loss.name());
        float g = sd.calculateGradients(Map.of(), "s").get("s").sumNumber().floatValue();
        System.out.println("gradient sum " + g);
        System.exit(g == n ? 0 : 3);
    }
}
