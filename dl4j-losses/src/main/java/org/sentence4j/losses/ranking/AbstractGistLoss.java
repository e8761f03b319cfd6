package org.sentence4j.losses.ranking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * The math shared by {@link GISTEmbedLoss} and {@link CachedGISTEmbedLoss} (reference 4.3 and 5.1): in-batch
 * negatives whose false negatives are removed with the help of a frozen guide model's embeddings.
 */
public abstract class AbstractGistLoss extends AbstractSentenceLoss {

    /** GIST compares against a frozen guide model's embeddings of the same columns. */
    @Override
    public boolean usesGuideEmbeddings() {
        return true;
    }


    /** How the per-row bound is derived from the guide similarity {@code τ_i} of the pair itself. */
    public enum MarginStrategy {
        /** {@code bound = τ − margin}. */
        ABSOLUTE("absolute"),
        /** {@code bound = τ − |τ|·margin}. */
        RELATIVE("relative");

        private final String pythonName;

        MarginStrategy(String pythonName) {
            this.pythonName = pythonName;
        }

        public String pythonName() {
            return pythonName;
        }

        static MarginStrategy fromName(String loss, String name) {
            for (MarginStrategy m : values()) {
                if (m.pythonName.equals(name) || m.name().equalsIgnoreCase(name)) {
                    return m;
                }
            }
            throw new LossInputException(loss + ": margin_strategy must be 'absolute' or 'relative', got '" + name + "'.");
        }
    }

    /** The options of both GIST losses. */
    record Options(String guide, double temperature, MarginStrategy marginStrategy, double margin,
                   boolean contrastAnchors, boolean contrastPositives, boolean gatherAcrossDevices) {

        static Options defaults() {
            return new Options(null, 0.01, MarginStrategy.ABSOLUTE, 0.0, true, true, false);
        }

        static Options read(ConfigReader c) {
            Object guide = c.raw("guide");
            return new Options(guide == null ? null : guide.toString(),
                    c.getDouble("temperature", 0.01),
                    MarginStrategy.fromName(c.loss(), c.getString("margin_strategy", "absolute")),
                    c.getDouble("margin", 0.0),
                    c.getBoolean("contrast_anchors", true),
                    c.getBoolean("contrast_positives", true),
                    c.getBoolean("gather_across_devices", false));
        }

        void validate(String loss) {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new LossInputException(loss + ": temperature must be a positive number, got " + temperature + ".");
            }
            if (marginStrategy == null) {
                throw new LossInputException(loss + ": margin_strategy must be 'absolute' or 'relative'.");
            }
            if (!Double.isFinite(margin)) {
                throw new LossInputException(loss + ": margin must be a finite number, got " + margin + ".");
            }
            MultipleNegativesRankingLoss.checkGather(loss, gatherAcrossDevices);
        }
    }

    private final Options options;

    AbstractGistLoss(Options options) {
        this.options = options;
    }

    /** Called by subclasses' constructors once {@link #name()} works. */
    void validateOptions() {
        options.validate(name());
    }

    Options options() {
        return options;
    }

    /** The guide model (its name or path) as given, or {@code null} if the loss was built without one. */
    public String guide() {
        return options.guide();
    }

    public double temperature() {
        return options.temperature();
    }

    public MarginStrategy marginStrategy() {
        return options.marginStrategy();
    }

    public double margin() {
        return options.margin();
    }

    public boolean contrastAnchors() {
        return options.contrastAnchors();
    }

    public boolean contrastPositives() {
        return options.contrastPositives();
    }

    public boolean gatherAcrossDevices() {
        return options.gatherAcrossDevices();
    }

    /** Puts the options after {@code guide} and {@code temperature} into a config map (margin_strategy ...). */
    void putTail(Map<String, Object> m) {
        m.put("margin_strategy", options.marginStrategy().pythonName());
        m.put("margin", options.margin());
        m.put("contrast_anchors", options.contrastAnchors());
        m.put("contrast_positives", options.contrastPositives());
        m.put("gather_across_devices", options.gatherAcrossDevices());
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        SameDiff sd = inputs.sd();
        List<SDVariable> cols = inputs.columns();
        List<SDVariable> guide = inputs.guideEmbeddings().orElseThrow(() -> new LossInputException(name()
                + " needs the guide model's embeddings of every column (LossInputs.guideEmbeddings), but none were given."));
        if (guide.size() != cols.size()) {
            throw new LossInputException(name() + ": got guide embeddings for " + guide.size() + " column(s), but the batch has "
                    + cols.size() + " column(s); the guide must embed every column.");
        }
        DataType dt = inputs.dataType();
        SimilarityFunction cos = SimilarityFunction.COS_SIM;
        SDVariable a = cols.get(0);
        SDVariable p = cols.get(1);
        SDVariable ga = guide.get(0);
        SDVariable gp = guide.get(1);

        SDVariable ap = cos.apply(sd, a, p);
        SDVariable gap = cos.apply(sd, ga, gp);
        // per-row bound from the guide similarity of the pair itself; no gradient reaches the guide or the masks
        SDVariable tau = sd.math.diagPart(gap).reshape(-1, 1);
        SDVariable bound = switch (options.marginStrategy()) {
            case ABSOLUTE -> tau.sub(options.margin());
            case RELATIVE -> tau.sub(sd.math.abs(tau).mul(options.margin()));
        };
        SDVariable eye = SdMath.identityLike(sd, ap);

        List<SDVariable> blocks = new ArrayList<>();
        // AP: the diagonal (true pair) is never removed
        blocks.add(SdMath.maskFill(sd, ap, above(gap, bound, dt).mul(eye.rsub(1.0))));
        if (options.contrastAnchors()) {
            blocks.add(SdMath.maskFill(sd, cos.apply(sd, a, a), above(cos.apply(sd, ga, ga), bound, dt)));
        }
        if (options.contrastPositives()) {
            blocks.add(SdMath.maskFill(sd, cos.apply(sd, p, p), above(cos.apply(sd, gp, gp), bound, dt)));
        }
        for (int c = 2; c < cols.size(); c++) {
            blocks.add(SdMath.maskFill(sd, cos.apply(sd, a, cols.get(c)), above(cos.apply(sd, ga, guide.get(c)), bound, dt)));
        }
        double inv = 1.0 / options.temperature();
        SDVariable logits = MultipleNegativesRankingLoss.concat(sd, blocks).mul(inv);
        SDVariable target = sd.math.diagPart(ap).mul(inv).reshape(-1, 1);
        return LossOutput.of(SdMath.mean(SdMath.crossEntropyRows(sd, logits, target)));
    }

    /** 1 where the guide similarity is strictly above the row's bound, else 0, in the embeddings' type. */
    private static SDVariable above(SDVariable guideSim, SDVariable bound, DataType dt) {
        return guideSim.gt(bound).castTo(dt);
    }
}
