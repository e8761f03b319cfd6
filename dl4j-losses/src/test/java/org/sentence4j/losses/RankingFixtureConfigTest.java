package org.sentence4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The reported configuration of every ranking-family fixture case equals the fixture's constructor
 * configuration minus the keys upstream does not report (reference 3.3: {@code show_progress_bar},
 * {@code use_mini_batched_version}), in the same order, with {@code guide} first for the GIST losses and the
 * fixed MNRL options of the symmetric losses after {@code gather_across_devices}; and the
 * {@code defaults...} cases give the same configuration when built without their optional options.
 */
class RankingFixtureConfigTest {

    private static final List<String> FILES = List.of("MultipleNegativesRankingLoss", "MultipleNegativesSymmetricRankingLoss",
            "CachedMultipleNegativesRankingLoss", "CachedMultipleNegativesSymmetricRankingLoss", "GISTEmbedLoss",
            "CachedGISTEmbedLoss", "MegaBatchMarginLoss");
    private static final Set<String> NOT_REPORTED = Set.of("show_progress_bar", "use_mini_batched_version");

    @TestFactory
    Stream<DynamicTest> reportedConfigMatchesFixture() throws IOException {
        LossRegistry registry = LossRegistry.defaults();
        List<DynamicTest> tests = new ArrayList<>();
        for (String f : FILES) {
            for (FixtureCase c : FixtureCase.read(new File(TestData.lossFixtures().toFile(), f + ".json"))) {
                tests.add(DynamicTest.dynamicTest(c.toString(), () -> {
                    Map<String, Object> expected = expectedConfig(c);
                    Map<String, Object> actual = registry.create(c.spec()).config();
                    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()), c + ": keys");
                    assertEquals(expected, actual, c + ": values");
                    if (c.name.startsWith("defaults")) {
                        Map<String, Object> minimal = new LinkedHashMap<>();
                        if (f.startsWith("Cached")) {
                            minimal.put("mini_batch_size", c.spec().config().get("mini_batch_size"));
                        }
                        assertEquals(expected, registry.create(c.loss, minimal).config(), c + ": defaults");
                    }
                }));
            }
        }
        return tests.stream();
    }

    private static Map<String, Object> expectedConfig(FixtureCase c) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (c.loss.contains("GIST")) {
            out.put("guide", null);
        }
        c.spec().config().forEach((k, v) -> {
            if (!NOT_REPORTED.contains(k)) {
                out.put(k, v instanceof Number n && !(v instanceof Integer) ? (Object) n.doubleValue() : v);
            }
            if (k.equals("gather_across_devices") && c.loss.contains("Symmetric")) {
                // the deprecated symmetric losses report MNRL's configuration with their fixed values (3.3)
                out.put("directions", List.of("query_to_doc", "doc_to_query"));
                out.put("partition_mode", "per_direction");
                out.put("hardness_mode", null);
                out.put("hardness_strength", 0.0);
            }
        });
        return out;
    }
}
