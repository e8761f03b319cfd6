package org.sentence4j.consumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java blocks of a Markdown file, each with the directive in the HTML comment just above its fence, which
 * says how the consumer check treats it (the comment does not show on a rendered page):
 *
 * <ul>
 *   <li>{@code <!-- check: run; expect: REGEX; files: NAME=REPO/PATH[:LINES] ... -->}: the block is the body of a
 *       {@code main} method, run in a plain JVM in an empty folder holding the named files (the first LINES lines
 *       of each, when given); its whole standard output must match REGEX;</li>
 *   <li>{@code <!-- check: compile; given: DECLARATIONS -->}: compiled as a method body after DECLARATIONS (the
 *       variables the fragment assumes);</li>
 *   <li>{@code <!-- check: compile; in: CLASS HEADER -->}: compiled as members of that class;</li>
 *   <li>{@code <!-- check: class -->}: a whole top-level class;</li>
 *   <li>{@code <!-- check: skip: REASON -->}: not checked, for that reason.</li>
 * </ul>
 */
final class ReadmeSnippets {

    /** One Java block: where it starts (1-based line of its first code line), its directive and its code. */
    record Snippet(int line, String kind, Map<String, String> options, String code) {

        String option(String name) {
            return options.get(name);
        }
    }

    private static final Pattern DIRECTIVE = Pattern.compile("<!--\\s*check:\\s*(.*?)\\s*-->");

    private ReadmeSnippets() {
    }

    /** Every {@code ```java} block of the file; a block without a directive has kind {@code null}. */
    static List<Snippet> read(Path markdown) throws IOException {
        List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.equals("```java")) {
                continue;
            }
            int indent = lines.get(i).indexOf('`');
            String directive = null;
            for (int k = i - 1; k >= 0 && k >= i - 2; k--) {
                Matcher m = DIRECTIVE.matcher(lines.get(k));
                if (m.find()) {
                    directive = m.group(1);
                    break;
                }
                if (!lines.get(k).isBlank()) {
                    break;
                }
            }
            StringBuilder code = new StringBuilder();
            int j = i + 1;
            for (; j < lines.size() && !lines.get(j).strip().equals("```"); j++) {
                String l = lines.get(j);
                code.append(l.length() >= indent && l.substring(0, indent).isBlank() ? l.substring(indent) : l.strip()).append('\n');
            }
            out.add(parse(i + 2, directive, code.toString()));
            i = j;
        }
        return out;
    }

    private static Snippet parse(int line, String directive, String code) {
        if (directive == null) {
            return new Snippet(line, null, Map.of(), code);
        }
        Map<String, String> options = new LinkedHashMap<>();
        String[] parts = directive.split(";\\s*(?=[a-z]+:)");
        String kind = parts[0].strip();
        if (kind.startsWith("skip:")) {
            options.put("reason", kind.substring(5).strip());
            kind = "skip";
        }
        for (int p = 1; p < parts.length; p++) {
            int colon = parts[p].indexOf(':');
            options.put(parts[p].substring(0, colon).strip(), parts[p].substring(colon + 1).strip());
        }
        return new Snippet(line, kind, options, code);
    }
}
