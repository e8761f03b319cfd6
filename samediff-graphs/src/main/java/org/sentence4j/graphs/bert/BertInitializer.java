package org.sentence4j.graphs.bert;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Fresh parameters for an encoder that is trained from scratch or tested without a checkpoint. */
public final class BertInitializer {

    /** Hugging Face's {@code initializer_range} default. */
    public static final double HF_INITIALIZER_RANGE = 0.02;

    private BertInitializer() {
    }

    /**
     * Hugging Face's scheme ({@code BertPreTrainedModel._init_weights}): weights and embeddings from
     * N(0, 0.02), biases 0, LayerNorm gains 1. (The padding row of the word embeddings is not zeroed:
     * the config does not carry {@code pad_token_id}; padding never reaches a pooled output anyway.)
     */
    public static BertWeights huggingFace(BertConfig config, long seed) {
        return generate(config, seed, HF_INITIALIZER_RANGE, false);
    }

    /**
     * Every tensor, LayerNorm gains and biases included, from N(0, std) (gains from 1 + N(0, std)): for
     * gradient checks, where zero biases and unit gains would leave parts of the gradient untested.
     */
    public static BertWeights gaussian(BertConfig config, long seed, double std) {
        return generate(config, seed, std, true);
    }

    /**
     * A pooler as transformers initialises one it finds missing in a checkpoint ({@code _init_weights} of a Linear):
     * weight from N(0, {@code initializerRange}), bias 0, float32, under {@link BertTensorNames#poolerShapes}' names
     * (empty for an architecture without a pooler). The same seed gives the same bytes on every JVM.
     */
    public static Map<String, INDArray> pooler(BertConfig config, double initializerRange, long seed) {
        if (!(initializerRange >= 0) || Double.isInfinite(initializerRange)) {
            throw new IllegalArgumentException("initializer_range must be a finite number >= 0, not " + initializerRange);
        }
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : BertTensorNames.poolerShapes(config).entrySet()) {
            long[] shape = e.getValue();
            boolean bias = e.getKey().endsWith("bias");
            float[] values = new float[(int) Math.multiplyExact(shape[0], shape.length > 1 ? shape[1] : 1)];
            for (int k = 0; k < values.length && !bias; k++) {
                values[k] = (float) (initializerRange * gaussian(random));
            }
            tensors.put(e.getKey(), Nd4j.create(values, shape, DataType.FLOAT));
        }
        return tensors;
    }

    private static BertWeights generate(BertConfig config, long seed, double std, boolean everything) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : BertTensorNames.shapes(config).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            boolean gain = BertTensorNames.isLayerNorm(name) && name.endsWith("weight");
            boolean zero = !everything && (name.endsWith("bias") || gain);
            double[] values = new double[(int) Math.multiplyExact(shape[0], shape.length > 1 ? shape[1] : 1)];
            for (int k = 0; k < values.length; k++) {
                values[k] = (gain ? 1.0 : 0.0) + (zero ? 0.0 : std * gaussian(random));
            }
            tensors.put(name, Nd4j.create(values, shape, DataType.DOUBLE).castTo(DataType.FLOAT));
        }
        return new BertWeights(tensors);
    }

    /** A standard normal draw (Box-Muller), so that the same seed gives the same weights on every JVM. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
