package org.sentence4j.graphs.bert;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.text.TokenBatch;

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
     * Cross-attention probabilities of decoder layer {@code l} ({@code crossattention.self.dropout}), shape
     * [B, heads, T, 1] for TSDAE's one memory slot.
     */
    public static String crossAttentionProbs(int l) {
        return "layer." + l + ".crossattention.self";
    }

    /** Output of the cross-attention projection of decoder layer {@code l} ({@code crossattention.output.dropout}), [B, T, H]. */
    public static String crossAttentionOutput(int l) {
        return "layer." + l + ".crossattention.output";
    }

    /**
     * The dropout sites of a decoder with cross-attention over {@code memorySlots} slots: the encoder's sites
     * ({@link #sites}) plus, per layer, the cross-attention probabilities [B, heads, T, slots] and output [B, T, H].
     */
    public static Map<String, long[]> decoderSites(BertConfig config, int numLayers, long batch, long seq, long memorySlots) {
        Map<String, long[]> sites = sites(config, numLayers, batch, seq);
        for (int l = 0; l < numLayers; l++) {
            if (config.attentionDropoutProb() > 0) {
                sites.put(crossAttentionProbs(l), new long[] {batch, config.numAttentionHeads(), seq, memorySlots});
            }
            if (config.hiddenDropoutProb() > 0) {
                sites.put(crossAttentionOutput(l), new long[] {batch, seq, config.hiddenSize()});
            }
        }
        return sites;
    }

    /**
     * The masks of one training pass of a decoder ({@link #decoderSites}), drawn as {@link #sample}: each unit a
     * pure function of (seed, site, row, position, unit); the cross-attention sites have stream numbers of their
     * own, so the standard sites' masks are those {@link #sample} draws with the same seed.
     */
    public static DropoutMasks sampleDecoder(BertConfig config, int numLayers, long batch, long seq, long memorySlots,
                                             long seed, DataType dataType) {
        return sample(decoderSites(config, numLayers, batch, seq, memorySlots), config, 0, seq, seed, dataType,
                (site, shape) -> Nd4j.createUninitialized(DataType.FLOAT, shape, 'c'), null);
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
        return site.endsWith("attention.self") ? config.attentionDropoutProb() : config.hiddenDropoutProb();
    }

    /**
     * Draws the masks of one forward pass over rows [0, batch): each entry is 0 with probability p and
     * {@code 1/(1-p)} otherwise. The same as {@link #sample(BertConfig, int, long, long, long, long, DataType)}
     * with a row offset of 0.
     */
    public static DropoutMasks sample(BertConfig config, int numLayers, long batch, long seq, long seed,
                                      DataType dataType) {
        return sample(config, numLayers, 0, batch, seq, seed, dataType);
    }

    /**
     * Draws the masks of one forward pass over the rows [firstRow, firstRow + batch) of a larger batch: each
     * entry is 0 with probability p and {@code 1/(1-p)} otherwise.
     *
     * <p>A unit's value is a pure function of (seed, site, global row, token position, unit within the
     * position, and for the attention probabilities head and key position): see {@link #canonicalStride}. It
     * does not depend on how many rows are drawn, on the sequence length the batch is padded to, or on which
     * other sites are drawn. So a chunk of rows drawn with its row offset gets exactly the masks that the whole
     * batch has on those rows and positions, which is what lets GradCache replay the plain step's dropout, and
     * training results do not depend on padding. The same arguments give the same masks on every JVM (SplitMix64,
     * not a native RNG); a trainer derives one seed per step and column.
     */
    public static DropoutMasks sample(BertConfig config, int numLayers, long firstRow, long batch, long seq, long seed,
                                      DataType dataType) {
        return sample(config, numLayers, firstRow, batch, seq, seed, dataType,
                (site, shape) -> Nd4j.createUninitialized(DataType.FLOAT, shape, 'c'));
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
        return sample(config, numLayers, 0, batch, seq, seed, dataType, buffers);
    }

    /** {@link #sample(BertConfig, int, long, long, long, long, DataType)} into arrays from {@code buffers}. */
    public static DropoutMasks sample(BertConfig config, int numLayers, long firstRow, long batch, long seq, long seed,
                                      DataType dataType, Buffers buffers) {
        return sample(sites(config, numLayers, batch, seq), config, firstRow, seq, seed, dataType, buffers, null);
    }

    /**
     * The masks of a training pass over {@code tokens} (rows [firstRow, firstRow + batch) of a larger batch),
     * drawn for the real tokens only: every unit of a position up to a row's last token (and, for the attention
     * probabilities, every (query, key) pair of two such positions) is the unit
     * {@link #sample(BertConfig, int, long, long, long, long, DataType)} draws, and the units of the padding after
     * it are 0. A pass never reads those (padding is dropped from the packed rows, and attention works per
     * sequence on its own length), so drawing them would be wasted work: half the units in batches of short
     * sentences, and most of the attention probabilities'.
     */
    public static DropoutMasks sampleRealTokens(BertConfig config, int numLayers, long firstRow, TokenBatch tokens, long seed,
                                                DataType dataType, Buffers buffers) {
        long batch = tokens.batchSize();
        long seq = tokens.sequenceLength();
        return sample(sites(config, numLayers, batch, seq), config, firstRow, seq, seed, dataType, buffers,
                tokens.lengths());
    }

    /** {@link #sampleRealTokens(BertConfig, int, long, TokenBatch, long, DataType, Buffers)} into fresh arrays. */
    public static DropoutMasks sampleRealTokens(BertConfig config, int numLayers, long firstRow, TokenBatch tokens, long seed,
                                                DataType dataType) {
        return sampleRealTokens(config, numLayers, firstRow, tokens, seed, dataType,
                (site, shape) -> Nd4j.createUninitialized(DataType.FLOAT, shape, 'c'));
    }

    private static DropoutMasks sample(Map<String, long[]> siteShapes, BertConfig config, long firstRow, long seq, long seed,
                                       DataType dataType, Buffers buffers, int[] lengths) {
        if (firstRow < 0) {
            throw new IllegalArgumentException("the first row of a dropout draw must be >= 0, got " + firstRow);
        }
        long stride = canonicalStride(config);
        if (seq > stride) {
            throw new IllegalArgumentException("dropout masks for " + seq + " positions, but the model has "
                    + config.maxPositionEmbeddings() + " position embeddings");
        }
        List<Map.Entry<String, long[]>> sites = new ArrayList<>(siteShapes.entrySet());
        INDArray[] drawn = new INDArray[sites.size()];
        for (int i = 0; i < drawn.length; i++) {
            drawn[i] = buffers.get(sites.get(i).getKey(), sites.get(i).getValue());
        }
        IntStream.range(0, sites.size()).parallel().forEach(i -> {
            String site = sites.get(i).getKey();
            draw(siteSeed(seed, site), probability(config, site), drawn[i], firstRow, stride, lengths);
        });
        Map<String, INDArray> masks = new LinkedHashMap<>();
        for (int i = 0; i < drawn.length; i++) {
            masks.put(sites.get(i).getKey(), dataType == DataType.FLOAT ? drawn[i] : drawn[i].castTo(dataType));
        }
        return new DropoutMasks(masks);
    }

    /**
     * The fixed position stride S of the canonical unit index: {@code max_position_embeddings} rounded up to
     * an even number. Unit h of position t of global row r of a hidden site is unit {@code (r·S + t)·H + h} of
     * its site's stream; attention probability (r, head, q, k) is unit {@code ((r·heads + head)·S + q)·S + k}.
     * S does not depend on the batch, so these indices do not either; it is even, so every run of units that
     * the kernels fill (a row's T·H hidden units, one query's T keys) starts on a whole draw (two units per
     * draw).
     */
    static long canonicalStride(BertConfig config) {
        long s = config.maxPositionEmbeddings();
        return s + (s & 1);
    }

    /**
     * The seed of a site's stream, from the step seed and the site's fixed number (embeddings 0; layer l:
     * attention probabilities 3l+1, attention output 3l+2, feed-forward output 3l+3; a decoder's cross-attention
     * probabilities 1,000,000+2l and output 1,000,001+2l, beyond any encoder layer's), so that a site's mask
     * does not depend on which other sites are drawn (a pass over fewer layers, a dropout probability of 0).
     */
    static long siteSeed(long seed, String site) {
        return mix(seed + (siteNumber(site) + 1) * GOLDEN_GAMMA);
    }

    private static long siteNumber(String site) {
        if (site.equals(EMBEDDINGS)) {
            return 0;
        }
        String rest = site.substring("layer.".length());
        int dot = rest.indexOf('.');
        long layer = Long.parseLong(rest.substring(0, dot));
        String kind = rest.substring(dot + 1);
        long k = switch (kind) {
            case "attention.self" -> 1;
            case "attention.output" -> 2;
            case "output" -> 3;
            // decoder cross-attention: numbers beyond any encoder layer's
            case "crossattention.self" -> 1_000_000 + 2 * layer;
            case "crossattention.output" -> 1_000_001 + 2 * layer;
            default -> throw new IllegalArgumentException("unknown dropout site " + site);
        };
        return k >= 1_000_000 ? k : 3 * layer + k;
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
     * Fills one float32 mask of shape [rows, T, H] (hidden site) or [rows, heads, T, T] (attention
     * probabilities): 0 with probability p, {@code 1/(1-p)} otherwise. Canonical unit e of the site is the
     * high (even e) or low (odd e) 32-bit half of SplitMix64 draw {@code e / 2}, {@code mix(seed + (e/2 + 1)·gamma)},
     * and is dropped when that uniform is below p·2^32. The mask is a sequence of runs of consecutive canonical
     * units: for a hidden site a row's T·H units (its positions follow each other at stride H), for the
     * attention probabilities the T keys of one (row, head, query). Runs are filled into a Java block that is
     * copied to native memory whenever it is full.
     */
    private static void draw(long seed, double p, INDArray mask, long firstRow, long stride, int[] lengths) {
        if (mask.dataType() != DataType.FLOAT || mask.ordering() != 'c' || mask.offset() != 0) {
            throw new IllegalArgumentException("dropout masks are drawn into c-order float32 arrays at offset 0");
        }
        float keep = (float) (1.0 / (1.0 - p));
        long threshold = (long) Math.floor(p * 4294967296.0);
        long[] shape = mask.shape();
        boolean hidden = shape.length == 3;
        long total = Math.toIntExact(mask.length());   // a FloatBuffer's positions are ints
        if (total == 0) {
            return;
        }
        // hidden [rows, T, H]: run i (row i) starts at (firstRow + i)·S·H and has T·H units;
        // attention [rows, heads, T, T]: run r = (g = row·heads + head, q) starts at ((firstRow·heads + g)·S + q)·S
        long run = hidden ? shape[1] * shape[2] : shape[3];
        long queries = hidden ? 1 : shape[2];
        long firstGroup = hidden ? firstRow : firstRow * shape[1];
        long groupUnits = hidden ? stride * shape[2] : stride * stride;
        long queryUnits = hidden ? 0 : stride;
        java.nio.FloatBuffer out = mask.data().asNioFloat();
        boolean vector = org.sentence4j.graphs.eager.FastRoute.vectorKernels() && DropoutMaskKernel.supports(threshold);
        int capacity = (int) Math.min(8192, total);
        float[] block = new float[capacity];
        int used = 0;
        int written = 0;
        for (long r = 0, runs = total / run; r < runs; r++) {
            long e = (firstGroup + r / queries) * groupUnits + (r % queries) * queryUnits;
            // the units of the run that are drawn: all, or those of the row's real positions (the rest are 0)
            long live = run;
            if (lengths != null) {
                int n = lengths[(int) (hidden ? r : r / queries / shape[1])];
                live = hidden ? n * shape[2] : (r % queries < n ? n : 0);
            }
            for (long done = 0; done < run; ) {
                int len = (int) Math.min(run - done, capacity - used);
                int drawnUnits = (int) Math.max(0, Math.min(len, live - done));
                if (drawnUnits > 0 && vector) {
                    DropoutMaskKernel.fill(seed, e + done, threshold, keep, block, used, drawnUnits);
                } else if (drawnUnits > 0) {
                    fillScalar(seed, e + done, threshold, keep, block, used, drawnUnits);
                }
                if (drawnUnits < len) {
                    java.util.Arrays.fill(block, used + drawnUnits, used + len, 0f);
                }
                used += len;
                done += len;
                if (used == capacity) {
                    out.put(written, block, 0, used);
                    written += used;
                    used = 0;
                }
            }
        }
        if (used > 0) {
            out.put(written, block, 0, used);
        }
    }

    /** Canonical units [e, e + len) of a site into {@code block[off, off + len)}, one SplitMix64 draw per two units. */
    static void fillScalar(long seed, long e, long threshold, float keep, float[] block, int off, int len) {
        int i = 0;
        if ((e & 1) != 0 && len > 0) {
            block[off] = (mix(seed + ((e >> 1) + 1) * GOLDEN_GAMMA) & 0xFFFFFFFFL) < threshold ? 0f : keep;
            i = 1;
        }
        for (; i < len; i += 2) {
            long z = mix(seed + (((e + i) >> 1) + 1) * GOLDEN_GAMMA);
            block[off + i] = (z >>> 32) < threshold ? 0f : keep;
            if (i + 1 < len) {
                block[off + i + 1] = (z & 0xFFFFFFFFL) < threshold ? 0f : keep;
            }
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
