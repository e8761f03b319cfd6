package org.sentence4j.graphs.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code config_sentence_transformers.json} says about using a model: its named prompts (e.g.
 * {@code "query" -> "query: "}), the prompt applied when a caller names none ({@code default_prompt_name}), and
 * the similarity function its embeddings are meant for ({@code similarity_fn_name}).
 *
 * @param prompts           prompt name to the text put before each input, in the file's order
 * @param defaultPromptName the prompt used when none is given, or null
 * @param similarityFnName  {@code cosine}, {@code dot}, {@code euclidean} or {@code manhattan}, or null (cosine)
 */
public record PromptConfig(Map<String, String> prompts, String defaultPromptName, String similarityFnName) {

    /** The similarity functions sentence-transformers knows. */
    public static final List<String> SIMILARITY_FUNCTIONS = List.of("cosine", "dot", "euclidean", "manhattan");

    public PromptConfig {
        Objects.requireNonNull(prompts, "prompts");
        prompts = Collections.unmodifiableMap(new LinkedHashMap<>(prompts));
        if (defaultPromptName != null && !prompts.containsKey(defaultPromptName)) {
            throw new IllegalArgumentException("default_prompt_name '" + defaultPromptName + "' is not one of the prompts "
                    + prompts.keySet());
        }
        if (similarityFnName != null && !SIMILARITY_FUNCTIONS.contains(similarityFnName)) {
            throw new IllegalArgumentException("similarity_fn_name '" + similarityFnName + "' is not one of "
                    + SIMILARITY_FUNCTIONS);
        }
    }

    /** What sentence-transformers writes for a model saved without prompts: empty query and document prompts. */
    public static PromptConfig defaults() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("document", "");
        p.put("query", "");
        return new PromptConfig(p, null, null);
    }

    /** The similarity function, {@code cosine} when the file names none. */
    public String similarityFunction() {
        return similarityFnName == null ? "cosine" : similarityFnName;
    }

    /**
     * The text to put before each input: {@code prompt} when given, else the prompt named {@code promptName}, else
     * the default prompt, else none ("").
     *
     * @throws IllegalArgumentException for a name that is not one of the prompts (the message lists them)
     */
    public String resolve(String prompt, String promptName) {
        if (prompt != null) {
            return prompt;
        }
        String name = promptName != null ? promptName : defaultPromptName;
        if (name == null) {
            return "";
        }
        String p = prompts.get(name);
        if (p == null) {
            throw new IllegalArgumentException("prompt name '" + name + "' is not one of the model's prompts " + prompts.keySet());
        }
        return p;
    }
}
