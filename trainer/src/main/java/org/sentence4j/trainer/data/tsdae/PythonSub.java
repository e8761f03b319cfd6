package org.sentence4j.trainer.data.tsdae;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code re.sub(pattern, replacement, text)} of NLTK's rules, written in Java's regex syntax: every
 * non-overlapping match, left to right, replaced by the template. None of the patterns can match the empty
 * string, so the scan simply continues at the end of each match, as in Python.
 *
 * <p>Translation points handled here rather than in the patterns:
 * <ul>
 *   <li><b>Group references.</b> Python writes {@code \1}, {@code \g<0>} and {@code \g<1>}; the templates here
 *       use {@code $0}..{@code $9} (one digit), expanded by this class. Every other character, a backslash
 *       included, is literal: no replacement of NLTK contains a literal {@code $}.</li>
 *   <li><b>A word boundary or {@code (?<!\w)} at the start of the pattern</b> ({@link #afterNonWord}).
 *       Java's lookbehind of a character class looks back one {@code char}, so it cannot see a supplementary
 *       letter before the match ({@code 𝐀} is a surrogate pair; JDK 17 reads its low surrogate, which is no
 *       letter, and {@code (?<![\p{L}])'} matches in {@code 𝐀'x}). Python's lookbehind sees code points. So
 *       such rules leave the lookbehind out of the pattern, and a match is accepted only when the code point
 *       before it ({@link String#codePointBefore}) is not a word character; a rejected start is retried one
 *       position further, exactly what the regex engine would do with the lookbehind failing there. Every
 *       such pattern starts with a BMP character, so no match starts inside a surrogate pair.</li>
 *   <li><b>Case-insensitive rules</b> compile with {@code CASE_INSENSITIVE | UNICODE_CASE}: Python's
 *       {@code re.IGNORECASE} on {@code str} folds Unicode ({@code ſ} matches {@code s}, {@code ı} and
 *       {@code İ} match {@code i}, the Kelvin sign matches {@code k}), Java's flag alone folds ASCII only. For
 *       every letter in NLTK's case-insensitive patterns the two engines then accept the same code points
 *       (checked over all of Unicode).</li>
 * </ul>
 */
final class PythonSub {

    private final String name;
    private final Pattern pattern;
    private final boolean afterNonWord;
    private final List<Object> template; // String literals and Integer group numbers

    private PythonSub(String name, Pattern pattern, String replacement, boolean afterNonWord) {
        this.name = name;
        this.pattern = pattern;
        this.afterNonWord = afterNonWord;
        this.template = parse(replacement);
        for (Object part : template) {
            if (part instanceof Integer g && g > pattern.matcher("").groupCount()) {
                throw new IllegalArgumentException(name + ": the replacement refers to group " + g
                        + ", the pattern has " + pattern.matcher("").groupCount());
            }
        }
    }

    /** A case-sensitive rule. */
    static PythonSub of(String name, String regex, String replacement) {
        return new PythonSub(name, Pattern.compile(regex), replacement, false);
    }

    /** A rule compiled like Python's {@code re.IGNORECASE}. */
    static PythonSub ignoringCase(String name, String regex, String replacement) {
        return new PythonSub(name, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                replacement, false);
    }

    /**
     * A case-insensitive rule whose Python pattern starts with {@code \b} or {@code (?<!\w)} before a word
     * character: the match must not follow a word character (see the class comment).
     */
    static PythonSub ignoringCaseAfterNonWord(String name, String regex, String replacement) {
        return new PythonSub(name, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                replacement, true);
    }

    /** The rule's name (NLTK's list and position), for messages. */
    String name() {
        return name;
    }

    /** {@code re.sub} of this rule on {@code text}. */
    String apply(String text) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        int from = 0;
        // find(int) resets the matcher to the whole input, so anchors and lookarounds still see all of it
        while (from <= text.length() && m.find(from)) {
            int start = m.start();
            if (afterNonWord && start > 0 && PythonText.isWord(text.codePointBefore(start))) {
                from = start + 1;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16);
            }
            out.append(text, copied, start);
            for (Object part : template) {
                if (part instanceof Integer g) {
                    String group = m.group(g);
                    if (group != null) { // an unmatched group is "" in Python 3.5+
                        out.append(group);
                    }
                } else {
                    out.append((String) part);
                }
            }
            copied = m.end();
            from = m.end();
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static List<Object> parse(String replacement) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '$') {
                if (i + 1 >= replacement.length() || replacement.charAt(i + 1) < '0' || replacement.charAt(i + 1) > '9') {
                    throw new IllegalArgumentException("'$' without a group number in \"" + replacement + "\"");
                }
                if (lit.length() > 0) {
                    parts.add(lit.toString());
                    lit.setLength(0);
                }
                parts.add(replacement.charAt(++i) - '0');
            } else {
                lit.append(c);
            }
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        return List.copyOf(parts);
    }

    @Override
    public String toString() {
        return name + ": " + pattern.pattern();
    }
}
