package org.sentence4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;

/**
 * Embeds a text column of a Spark {@code Dataset<Row>} on the executors: the same rows come back, in the same
 * partitions and order, with every input column (keys included) and one more, {@code embedding}
 * ({@code array<float>}), the sentence embedding of the row's text.
 *
 * <p>Each executor JVM loads the model once ({@link ExecutorModels}) and its task threads share it. A
 * partition is read in blocks of {@link Builder#rowsPerBlock} rows; within a block the texts are sorted by
 * length and embedded in batches of {@link Builder#batchSize} ({@link SentenceEncoder#encode}), so batches
 * carry little padding, then the rows are written back in their input order. A block at a time is in memory,
 * never the whole partition. The embeddings equal {@code ./sentence4j encode}'s for the same texts (up to the
 * last bits of float32 rounding: a text's embedding does not depend on the other texts of its batch).
 *
 * <pre>{@code
 * Dataset<Row> passages = spark.read().parquet("passages/");
 * Dataset<Row> embedded = SparkEncoder.builder(ModelSource.defaultModel()).textColumn("text").build()
 *         .encode(passages);
 * embedded.write().parquet("passages-embedded/");
 * }</pre>
 */
public final class SparkEncoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ModelSource source;
    private final String textColumn;
    private final String embeddingColumn;
    private final int batchSize;
    private final int rowsPerBlock;
    private final int truncateDim;

    private SparkEncoder(Builder b) {
        this.source = b.source;
        this.textColumn = b.textColumn;
        this.embeddingColumn = b.embeddingColumn;
        this.batchSize = b.batchSize;
        this.rowsPerBlock = b.rowsPerBlock;
        this.truncateDim = b.truncateDim;
    }

    public static Builder builder(ModelSource source) {
        return new Builder(source);
    }

    /**
     * The input rows with an {@code embedding} column added (lazily: Spark runs it when the result is used).
     *
     * @throws IllegalArgumentException when the text column is missing or not a string column, or the
     *                                  embedding column's name is taken
     */
    public Dataset<Row> encode(Dataset<Row> input) {
        StructType schema = input.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(textColumn)) {
            throw new IllegalArgumentException("no text column '" + textColumn + "' in the input; its columns are " + names);
        }
        StructField text = schema.apply(textColumn);
        if (!text.dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + textColumn + "' holds " + text.dataType().simpleString()
                    + ", not strings");
        }
        if (names.contains(embeddingColumn)) {
            throw new IllegalArgumentException("the input already has a column '" + embeddingColumn
                    + "'; choose another name with embeddingColumn(...)");
        }
        int textIndex = schema.fieldIndex(textColumn);
        StructType out = schema.add(embeddingColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        JavaRDD<Row> rows = input.toJavaRDD().mapPartitions(new EncodePartition(this, textIndex));
        return input.sparkSession().createDataFrame(rows, out);
    }

    /** Embeds one partition block by block. */
    private static final class EncodePartition implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final SparkEncoder encoder;
        private final int textIndex;

        EncodePartition(SparkEncoder encoder, int textIndex) {
            this.encoder = encoder;
            this.textIndex = textIndex;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Iterator<>() {
                private List<Row> block = List.of();
                private int next;

                @Override
                public boolean hasNext() {
                    if (next < block.size()) {
                        return true;
                    }
                    if (!rows.hasNext()) {
                        return false;
                    }
                    block = encoder.encodeBlock(rows, textIndex);
                    next = 0;
                    return !block.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return block.get(next++);
                }
            };
        }
    }

    private List<Row> encodeBlock(Iterator<Row> rows, int textIndex) {
        List<Row> in = new ArrayList<>(rowsPerBlock);
        List<String> texts = new ArrayList<>(rowsPerBlock);
        while (rows.hasNext() && in.size() < rowsPerBlock) {
            Row r = rows.next();
            if (r.isNullAt(textIndex)) {
                throw new IllegalArgumentException("a row has no text (null in column '" + textColumn + "'): " + r);
            }
            in.add(r);
            texts.add(r.getString(textIndex));
        }
        SentenceEncoder model = ExecutorModels.get(source);
        INDArray emb = model.encode(texts, EncodeOptions.defaults().withBatchSize(batchSize).withTruncateDim(truncateDim)
                .withProgress(false));
        int dim = (int) emb.size(1);
        float[] all = emb.data().asFloat();
        List<Row> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Row r = in.get(i);
            Object[] values = new Object[r.length() + 1];
            for (int c = 0; c < r.length(); c++) {
                values[c] = r.get(c);
            }
            values[r.length()] = Arrays.copyOfRange(all, i * dim, (i + 1) * dim);
            out.add(RowFactory.create(values));
        }
        return out;
    }

    /** Options of a {@link SparkEncoder}. */
    public static final class Builder {
        private final ModelSource source;
        private String textColumn = "text";
        private String embeddingColumn = "embedding";
        private int batchSize = 32;
        private int rowsPerBlock = 4096;
        private int truncateDim = 0;

        private Builder(ModelSource source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /** The column holding the texts ({@code text} by default). */
        public Builder textColumn(String name) {
            this.textColumn = Objects.requireNonNull(name, "textColumn");
            return this;
        }

        /** The name of the added column ({@code embedding} by default). */
        public Builder embeddingColumn(String name) {
            this.embeddingColumn = Objects.requireNonNull(name, "embeddingColumn");
            return this;
        }

        /** Texts per forward pass (32 by default, as {@code encode}). */
        public Builder batchSize(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("batch size must be > 0, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /** Rows sorted by length together (and held in memory at once per task): 4096 by default. */
        public Builder rowsPerBlock(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("rows per block must be > 0, got " + n);
            }
            this.rowsPerBlock = n;
            return this;
        }

        /** Keeps the first {@code k} dimensions of each embedding (Matryoshka models); 0 keeps all. */
        public Builder truncateDim(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("truncate dim must be >= 0, got " + k);
            }
            this.truncateDim = k;
            return this;
        }

        public SparkEncoder build() {
            return new SparkEncoder(this);
        }
    }
}
