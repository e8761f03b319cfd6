package org.sentence4j.examples;

import java.io.IOException;
import java.util.List;

import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertInitializer;
import org.sentence4j.graphs.bert.EncoderArchitecture;
import org.sentence4j.graphs.bert.ModernBertSettings;
import org.sentence4j.graphs.io.DefaultModel;
import org.sentence4j.graphs.io.SentenceTransformerModelFiles;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.text.TokenizerJson;

/**
 * Randomly initialised models of each architecture at all-MiniLM-L6-v2's sizes (hidden 384, 6 layers, 12 heads,
 * feed-forward 1536, vocabulary 30522), mean pooling and Normalize, for {@code bench --architecture}: speed per
 * architecture at the benchmark's usual shapes, without downloading a checkpoint of each (the time of a step
 * does not depend on the weights' values).
 */
final class BenchModels {

    private BenchModels() {
    }

    static SentenceEncoder miniLmSized(String modelType) throws IOException {
        EncoderArchitecture arch = EncoderArchitecture.ofModelType(modelType).orElseThrow(() -> new UsageException(
                "--architecture must be one of " + String.join(", ", EncoderArchitecture.modelTypes()) + ", not '"
                        + modelType + "'"));
        BertConfig bert = new BertConfig(30522, 384, 6, 12, 1536, 514, 2, 1e-12, "gelu", 0.1, 0.1);
        BertConfig config = switch (arch) {
            case BERT -> bert;
            case ROBERTA, XLM_ROBERTA -> bert.withArchitecture(arch, 1, 0);
            case DISTILBERT -> bert.withArchitecture(arch, 0, 0);
            case MPNET -> bert.withArchitecture(arch, 1, 32);
            // ModernBERT-base's recipe at MiniLM's sizes: every third layer global, window 128, no dropout
            case MODERNBERT -> new BertConfig(30522, 384, 6, 12, 1536, 8192, 0, 1e-5, "gelu", 0.0, 0.0, arch, 0, 0, List.of(),
                    new ModernBertSettings(ModernBertSettings.everyNth(6, 3), 128, 160000.0, 10000.0));
        };
        byte[] tokenizer = TokenizerJson.parse(readTokenizer(), "tokenizer").withoutTruncationAndPadding();
        return SentenceEncoder.of(new SentenceTransformerModelFiles(config, BertInitializer.huggingFace(config, 1), tokenizer,
                PoolingConfig.of(384, PoolingMode.MEAN), true, Math.min(512, config.maxSequenceLength()), false));
    }

    private static byte[] readTokenizer() throws IOException {
        try (var in = BenchModels.class.getClassLoader().getResourceAsStream(DefaultModel.TOKENIZER_RESOURCE)) {
            if (in == null) {
                throw new IOException("the default model's tokenizer is not on the classpath");
            }
            return in.readAllBytes();
        }
    }
}
