package org.sentence4j.trainer.data.tsdae;

import java.util.ArrayList;
import java.util.List;

/**
 * Python 3.11's notion of whitespace, word characters and digits, for the NLTK port. NLTK's rules are written
 * for Python's {@code re} on {@code str}, whose classes are Unicode-wide and differ from Java's defaults; each
 * Java rule of {@link TreebankWordTokenizer} and {@link TreebankWordDetokenizer} uses the fragments below in
 * place of Python's {@code \s}, {@code \w} and {@code \d}, and {@link #split} and {@link #strip} replace
 * {@code str.split()} and {@code str.strip()}.
 *
 * <ul>
 *   <li><b>Whitespace</b> ({@code \s}, {@code str.isspace()}, {@code split()}, {@code strip()}): 29 code points.
 *       Java's {@code \s} is ASCII only; {@code UNICODE_CHARACTER_CLASS} lacks U+001C..U+001F;
 *       {@link Character#isWhitespace} and {@link String#strip()} lack NBSP, U+2007, U+202F and U+0085;
 *       {@link String#trim()} strips everything up to U+0020. So the set is spelled out. ZWSP (U+200B), the
 *       BOM (U+FEFF) and U+180E are not whitespace in Python either.</li>
 *   <li><b>Word characters</b> ({@code \w}): {@code str.isalnum()} or {@code _}, which in Python 3.11 is
 *       {@code [\p{L}\p{N}_]}: letters and every number ({@code ²}, {@code ½}, {@code Ⅲ} included) but no
 *       combining mark. Java's {@code \w} is ASCII; with {@code UNICODE_CHARACTER_CLASS} it adds marks,
 *       connector punctuation and ZWJ and lacks the {@code No} numbers.</li>
 *   <li><b>Digits</b> ({@code \d}): Unicode {@code Nd}, so {@code ١} and {@code १} are digits and {@code ²}
 *       and {@code Ⅲ} are not. Java's {@code \d} is ASCII.</li>
 * </ul>
 *
 * <p>Known limit: CPython 3.11 uses Unicode 14.0, Java 17 Unicode 13.0. The 525 word characters (10 of them
 * digits) that Unicode 14 added (Vithkuqi, Toto, Tangsa, new CJK ideographs...) are unassigned for Java 17 and
 * so not word characters here. A newer JDK follows its own, newer Unicode version.
 */
final class PythonText {

    /** The inside of a character class matching Python's whitespace (without the brackets, to combine). */
    static final String WHITESPACE_SET =
            "\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    /** Python's {@code \s}. */
    static final String WHITESPACE = "[" + WHITESPACE_SET + "]";
    /** Python's {@code \w}. */
    static final String WORD = "[\\p{L}\\p{N}_]";
    /** Python's {@code \d}. */
    static final String DIGIT = "\\p{Nd}";

    private PythonText() {
    }

    /** Whether {@code cp} is whitespace for Python ({@code str.isspace()}, the regex {@code \s}). */
    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                    0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Whether {@code cp} is a word character for Python's {@code re} ({@code \w}: a letter, a number or {@code _}). */
    static boolean isWord(int cp) {
        if (cp == '_') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /** {@code text.split()}: the runs of non-whitespace, in order; no empty strings. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (isWhitespace(cp)) {
                if (start >= 0) {
                    out.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** {@code text.strip()}: without leading and trailing Python whitespace (all of it is in the BMP). */
    static String strip(String text) {
        int begin = 0;
        int end = text.length();
        while (begin < end && isWhitespace(text.charAt(begin))) {
            begin++;
        }
        while (end > begin && isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(begin, end);
    }
}
