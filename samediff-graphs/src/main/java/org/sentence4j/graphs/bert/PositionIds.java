package org.sentence4j.graphs.bert;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The position details in which the BERT family differs: RoBERTa-style position ids that count real tokens past
 * the padding id, and MPNet's bucketed relative-position bias.
 */
public final class PositionIds {

    private PositionIds() {
    }

    /**
     * RoBERTa's position ids ({@code create_position_ids_from_input_ids}): in each row, a token whose id is not the
     * padding id gets {@code pad + k}, k = 1, 2, ... counting such tokens; a padding id, wherever it stands (also a
     * literal pad token inside the text, which is attended to), gets {@code pad} and does not advance the count.
     * Why from the ids and not the attention mask: that is what transformers does, and the two differ exactly for
     * such literal pad tokens.
     *
     * @param ids row-major [batch, seq]
     */
    public static long[] paddingOffset(long[] ids, int batch, int seq, int pad) {
        long[] out = new long[ids.length];
        for (int r = 0; r < batch; r++) {
            long count = 0;
            for (int t = 0; t < seq; t++) {
                int i = r * seq + t;
                if (ids[i] != pad) {
                    count++;
                    out[i] = pad + count;
                } else {
                    out[i] = pad;
                }
            }
        }
        return out;
    }

    /**
     * MPNet's bucket of a key at distance {@code j - i} from the query (T5-style, bidirectional): 16 buckets per
     * direction, distances below 8 exact, larger ones on a log scale up to 128, beyond that the last bucket.
     */
    public static int relativeBucket(int query, int key) {
        int half = EncoderArchitecture.MPNET_NUM_BUCKETS / 2;
        int n = query - key;
        int bucket = n < 0 ? half : 0;
        n = Math.abs(n);
        int maxExact = half / 2;
        if (n < maxExact) {
            return bucket + n;
        }
        int large = maxExact + (int) (Math.log((double) n / maxExact)
                / Math.log((double) EncoderArchitecture.MPNET_MAX_DISTANCE / maxExact) * (half - maxExact));
        return bucket + Math.min(large, half - 1);
    }

    /** The bucket of every (query, key) pair of a sequence of length seq, row-major [seq, seq]. */
    public static int[] relativeBuckets(int seq) {
        int[] out = new int[seq * seq];
        for (int i = 0; i < seq; i++) {
            for (int j = 0; j < seq; j++) {
                out[i * seq + j] = relativeBucket(i, j);
            }
        }
        return out;
    }

    /** The bias [heads, seq, seq] added to every layer's scaled scores: {@code table[bucket(i, j), h]}. */
    public static INDArray relativeBias(INDArray table, int[] buckets, int seq, DataType dataType) {
        int heads = (int) table.size(1);
        double[][] t = table.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] bias = new double[heads * seq * seq];
        for (int h = 0; h < heads; h++) {
            int base = h * seq * seq;
            for (int k = 0; k < seq * seq; k++) {
                bias[base + k] = t[buckets[k]][h];
            }
        }
        return Nd4j.createFromArray(bias).reshape(heads, seq, seq).castTo(dataType);
    }

    /**
     * Adds the gradient of the relative-position bias [heads, seq, seq] (summed over the batch) into the table's
     * gradient [buckets, heads], bucket by bucket.
     */
    public static void addRelativeBiasGradient(INDArray dBias, int[] buckets, int seq, INDArray tableGradient) {
        int heads = (int) tableGradient.size(1);
        double[] d = dBias.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] sums = new double[(int) tableGradient.size(0) * heads];
        for (int h = 0; h < heads; h++) {
            int base = h * seq * seq;
            for (int k = 0; k < seq * seq; k++) {
                sums[buckets[k] * heads + h] += d[base + k];
            }
        }
        tableGradient.addi(Nd4j.createFromArray(sums).reshape(tableGradient.shape()).castTo(tableGradient.dataType()));
    }
}
