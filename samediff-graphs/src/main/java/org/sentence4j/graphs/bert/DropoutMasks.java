package org.sentence4j.graphs.bert;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dropout masks of one forward pass of a {@link BertEncoder} in training, one per dropout site of
 * Hugging Face's BERT, keyed by {@link #sites site names} that follow its module names.
 *
 * <p>Why outside the graph: masks drawn here from a seeded generator make a training step reproducible,
 * let the same masks be replayed (GradCache runs a batch twice and both passes must drop the same units),
 * can be saved with a checkpoint, and keep SameDiff's own random ops out of the gradient graph.
 *
 * <p>Inverted dropout, as PyTorch: a kept unit is scaled by {@code 1/(1-p)}, so inference needs no masks.
 */
public final class DropoutMasks {

    /** The site after the embedding LayerNorm ({@code embeddings.dropout}). */
    public static final String EMBEDDINGS = "embeddings";

    private final Map<String, INDArray> masks;

    public DropoutMasks(Map<String, INDArray> masks) {
        this.masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
    }

    /** No masks: for a graph built without dropout (inference), or a configuration with p = 0 everywhere. */
    public static DropoutMasks none() {
        return new DropoutMasks(Map.of());
    }

    /** Attention probabilities of layer {@code l} ({@code attention.self.dropout}), shape [B, heads, T, T]. */
    public static String attentionProbs(int l) {
        return "layer." + l + ".attention.self";
    }

    /** Output of the attention projection of layer {@code l} ({@code attention.output.dropout}), [B, T, H]. */
    public static String attentionOutput(int l) {
        return "layer." + l + ".attention.output";
    }

    /** Output of the feed-forward block of layer {@code l} ({@code output.dropout}), [B, T, H]. */
    public static String output(int l) {
        return "layer." + l + ".output";
    }

    /**
     * The dropout sites of a graph with {@code numLayers} layers, with the shape of their masks for a batch
     * of {@code batch} sequences of length {@code seq}. Sites whose probability is 0 have no mask.
     */
    public static Map<String, long[]> sites(BertConfig config, int numLayers, long batch, long seq) {
        Map<String, long[]> sites = new LinkedHashMap<>();
        long[] hidden = {batch, seq, config.hiddenSize()};
        long[] attention = {batch, config.numAttentionHeads(), seq, seq};
        boolean h = config.hiddenDropoutProb() > 0;
        boolean a = config.attentionDropoutProb() > 0;
        if (h) {
            sites.put(EMBEDDINGS, hidden);
        }
        for (int l = 0; l < numLayers; l++) {
            if (a) {
                sites.put(attentionProbs(l), attention);
            }
            if (h) {
                sites.put(attentionOutput(l), hidden);
                sites.put(output(l), hidden);
            }
        }
        return sites;
    }

    /** The dropout probability of a site. */
    static double probability(BertConfig config, String site) {
        return site.endsWith(".attention.self") ? config.attentionDropoutProb() : config.hiddenDropoutProb();
    }

    /**
     * Draws the masks of one forward pass: each entry is 0 with probability p and {@code 1/(1-p)} otherwise.
     * The same arguments give the same masks on every JVM (a SplitMix64 stream per site, seeded in site
     * order from {@code seed}; not a native RNG); a trainer derives one seed per step and column (e.g. from
     * the run seed and the step number).
     */
    public static DropoutMasks sample(BertConfig config, int numLayers, long batch, long seq, long seed,
                                      DataType dataType) {
        return sample(config, numLayers, batch, seq, seed, dataType, (site, shape) -> Nd4j.createUninitialized(DataType.FLOAT, shape, 'c'));
    }

    /**
     * Where {@link #sample} puts a site's mask: a c-order float32 array of the given shape, fresh or reused. A
     * trainer hands out the same buffers every step (the masks of a step are dead once its backward pass
     * ran), which saves ~80 MB of fresh native memory per MiniLM column and step.
     */
    @FunctionalInterface
    public interface Buffers {
        INDArray get(String site, long[] shape);
    }

    /** {@link #sample(BertConfig, int, long, long, long, DataType)} into arrays from {@code buffers}. */
    public static DropoutMasks sample(BertConfig config, int numLayers, long batch, long seq, long seed, DataType dataType,
                                      Buffers buffers) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Map.Entry<String, long[]>> sites = new ArrayList<>(sites(config, numLayers, batch, seq).entrySet());
        long[] siteSeeds = new long[sites.size()];
        INDArray[] drawn = new INDArray[sites.size()];
        for (int i = 0; i < siteSeeds.length; i++) {
            siteSeeds[i] = random.nextLong();
            drawn[i] = buffers.get(sites.get(i).getKey(), sites.get(i).getValue());
        }
        IntStream.range(0, sites.size()).parallel().forEach(i ->
                draw(siteSeeds[i], probability(config, sites.get(i).getKey()), drawn[i]));
        Map<String, INDArray> masks = new LinkedHashMap<>();
        for (int i = 0; i < drawn.length; i++) {
            masks.put(sites.get(i).getKey(), dataType == DataType.FLOAT ? drawn[i] : drawn[i].castTo(dataType));
        }
        return new DropoutMasks(masks);
    }

    /** SplitMix64: the state's increment and the two multipliers of its output mix (shared with the vector draw). */
    static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    static final long MIX_1 = 0xbf58476d1ce4e5b9L;
    static final long MIX_2 = 0x94d049bb133111ebL;

    /** SplitMix64's output function of a state. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * MIX_1;
        z = (z ^ (z >>> 27)) * MIX_2;
        return z ^ (z >>> 31);
    }

    /**
     * Fills one float32 mask: 0 with probability p, {@code 1/(1-p)} otherwise, from a SplitMix64 stream
     * (two 32-bit uniforms per 64-bit draw; a unit is dropped when its uniform is below p * 2^32), block by
     * block into native memory.
     */
    private static void draw(long seed, double p, INDArray mask) {
        if (mask.dataType() != DataType.FLOAT || mask.ordering() != 'c' || mask.offset() != 0) {
            throw new IllegalArgumentException("dropout masks are drawn into c-order float32 arrays at offset 0");
        }
        float keep = (float) (1.0 / (1.0 - p));
        int n = Math.toIntExact(mask.length());
        java.nio.FloatBuffer out = mask.data().asNioFloat();
        long threshold = (long) Math.floor(p * 4294967296.0);
        if (org.sentence4j.graphs.eager.FastRoute.vectorKernels() && DropoutMaskKernel.supports(threshold)) {
            DropoutMaskKernel.fill(seed, threshold, keep, out, n);
            return;
        }
        float[] block = new float[8192];
        long state = seed;
        for (int start = 0; start < n; start += block.length) {
            int len = Math.min(block.length, n - start);
            for (int i = 0; i < len; i += 2) {
                state += GOLDEN_GAMMA;
                long z = mix(state);
                block[i] = (z >>> 32) < threshold ? 0f : keep;
                if (i + 1 < len) {
                    block[i + 1] = (z & 0xFFFFFFFFL) < threshold ? 0f : keep;
                }
            }
            out.put(start, block, 0, len);
        }
    }

    /** All-ones masks for every site: a training graph that behaves as inference (for checks). */
    public static DropoutMasks ones(BertConfig config, int numLayers, long batch, long seq, DataType dataType) {
        Map<String, INDArray> masks = new LinkedHashMap<>();
        sites(config, numLayers, batch, seq).forEach((site, shape) -> masks.put(site, Nd4j.ones(dataType, shape)));
        return new DropoutMasks(masks);
    }

    /**
     * A clear error unless these masks cover every dropout site of a pass of {@code numLayers} layers over a
     * batch of {@code batch} × {@code seq} tokens, each with its site's shape.
     */
    public void checkShapes(BertConfig config, int numLayers, long batch, long seq) {
        for (Map.Entry<String, long[]> site : sites(config, numLayers, batch, seq).entrySet()) {
            INDArray mask = get(site.getKey());
            if (!java.util.Arrays.equals(mask.shape(), site.getValue())) {
                throw new IllegalArgumentException("dropout mask '" + site.getKey() + "' has shape "
                        + java.util.Arrays.toString(mask.shape()) + ", the batch needs " + java.util.Arrays.toString(site.getValue()));
            }
        }
    }

    /** The mask of a site; a clear error when it was not drawn. */
    public INDArray get(String site) {
        INDArray m = masks.get(site);
        if (m == null) {
            throw new IllegalArgumentException("No dropout mask for site '" + site + "' (have " + masks.keySet()
                    + "); draw the masks for at least as many layers as the graph has.");
        }
        return m;
    }

    public Map<String, INDArray> asMap() {
        return masks;
    }

    public List<String> siteNames() {
        return List.copyOf(masks.keySet());
    }
}
