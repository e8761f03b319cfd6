package org.sentence4j.graphs.pooling;

import java.util.Arrays;
import java.util.stream.Collectors;

/** sentence-transformers' pooling modes, under the names its {@code 1_Pooling/config.json} uses. */
public enum PoolingMode {
    /** The first token's ([CLS]) embedding. */
    CLS("cls"),
    /** Element-wise maximum over real tokens. */
    MAX("max"),
    /** Mean over real tokens. */
    MEAN("mean"),
    /** Sum over real tokens divided by the square root of their count. */
    MEAN_SQRT_LEN_TOKENS("mean_sqrt_len_tokens"),
    /** Mean weighted by position (1, 2, ..., n) over real tokens. */
    WEIGHTED_MEAN("weightedmean"),
    /** The last real token's embedding. */
    LAST_TOKEN("lasttoken");

    private final String configName;

    PoolingMode(String configName) {
        this.configName = configName;
    }

    /** The name in {@code pooling_mode}. */
    public String configName() {
        return configName;
    }

    public static PoolingMode fromConfigName(String name) {
        for (PoolingMode m : values()) {
            if (m.configName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown pooling mode '" + name + "'. Supported: "
                + Arrays.stream(values()).map(PoolingMode::configName).collect(Collectors.joining(", ")) + ".");
    }
}
