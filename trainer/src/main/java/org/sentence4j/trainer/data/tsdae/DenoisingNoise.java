package org.sentence4j.trainer.data.tsdae;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * TSDAE's input noise: sentence-transformers 6.0.1's {@code DenoisingAutoEncoderDataset.delete(text,
 * del_ratio=0.6)}, the default noise of its {@code DenoisingAutoEncoderDataset}. The text is split into words
 * with NLTK's tokenizer ({@link TreebankWordTokenizer}), each word is deleted with probability
 * {@code delRatio}, and the survivors are joined with NLTK's detokenizer ({@link TreebankWordDetokenizer}).
 *
 * <p>Exactly as upstream:
 * <ul>
 *   <li>A text with no words (empty, or only whitespace in Python's sense) is returned <em>unchanged</em>, not
 *       stripped, and no random number is drawn.</li>
 *   <li>One uniform number {@code u} in [0, 1) is drawn per word, in word order, and the word is kept when
 *       {@code u > delRatio} (strict), so {@code delRatio} is the deletion probability: 0.6 keeps 40 % of the
 *       words on average.</li>
 *   <li>When no word survives, one more draw picks a word uniformly and keeps it: at least one word always
 *       remains. The result is still detokenized, so a surviving {@code ``} or {@code ''} comes out as
 *       {@code "}. The expected number of kept words is {@code (1 - delRatio)·n + delRatio^n}.</li>
 * </ul>
 * The random numbers come from the caller's generator instead of NumPy's global state, so the draws are not
 * those of a Python run; only their distribution is the same. Given the same mask, the result is identical
 * ({@link #applyMask}).
 *
 * <p>Not reproduced: the tokenizer treats the text as one sentence (see {@link TreebankWordTokenizer}), and
 * upstream passes the kept words through a NumPy string array, which drops trailing U+0000 characters from
 * each word; here a word keeps them (only texts containing NUL are affected).
 *
 * <p>Not the noise of the {@code DenoisingAutoEncoderLoss} docstring ({@code noise_transform}, meant for
 * {@code dataset.set_transform}), in which {@code del_ratio} is the probability of <em>keeping</em> a word and
 * a lone fallback word is returned without detokenization.
 *
 * <p>Instances are immutable and thread-safe; the generator passed in is not shared by this class.
 */
public final class DenoisingNoise {

    /** sentence-transformers' default deletion ratio. */
    public static final double DEFAULT_DEL_RATIO = 0.6;

    private static final TreebankWordTokenizer TOKENIZER = new TreebankWordTokenizer();
    private static final TreebankWordDetokenizer DETOKENIZER = new TreebankWordDetokenizer();

    private final double delRatio;

    /**
     * Deletion noise with the given probability of deleting each word, in [0, 1]. (Upstream accepts any number:
     * below 0 it keeps every word, above 1 exactly one; such values are refused here as likely mistakes.)
     */
    public DenoisingNoise(double delRatio) {
        if (!(delRatio >= 0 && delRatio <= 1)) {
            throw new IllegalArgumentException("delRatio must be in [0, 1] (the probability of deleting a word), not "
                    + delRatio);
        }
        this.delRatio = delRatio;
    }

    /** The noise with sentence-transformers' default {@code del_ratio} of 0.6. */
    public static DenoisingNoise defaults() {
        return new DenoisingNoise(DEFAULT_DEL_RATIO);
    }

    /** The probability of deleting a word. */
    public double delRatio() {
        return delRatio;
    }

    /**
     * The damaged text: words deleted at random with draws from {@code random} as upstream (class comment).
     * A text without words comes back unchanged.
     */
    public String apply(String text, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        List<String> words = TOKENIZER.tokenize(text);
        if (words.isEmpty()) {
            return text;
        }
        return join(words, drawMask(words.size(), random));
    }

    /**
     * The keep-mask of {@code n} words as upstream draws it: {@code n} uniforms in word order, a word kept when
     * its uniform exceeds {@code delRatio}, and when none is kept, one more draw choosing the word to keep.
     */
    public boolean[] drawMask(int n, RandomGenerator random) {
        if (n <= 0) {
            throw new IllegalArgumentException("a mask needs at least one word, not " + n);
        }
        boolean[] keep = new boolean[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            keep[i] = random.nextDouble() > delRatio;
            any |= keep[i];
        }
        if (!any) {
            keep[random.nextInt(n)] = true;
        }
        return keep;
    }

    /**
     * The damaged text for a given keep-mask: the words of {@code text} ({@link TreebankWordTokenizer}) where
     * {@code keep} is true, in order, detokenized ({@link TreebankWordDetokenizer}). This is the noise with its
     * random part fixed, as the test vectors give it. A text without words comes back unchanged (and then
     * {@code keep} must be empty).
     *
     * @throws IllegalArgumentException if {@code keep} does not have one entry per word, or keeps no word
     *         (the noise always keeps one)
     */
    public static String applyMask(String text, boolean[] keep) {
        List<String> words = TOKENIZER.tokenize(text);
        if (keep.length != words.size()) {
            throw new IllegalArgumentException("the mask has " + keep.length + " entries, the text has " + words.size()
                    + " words: " + words);
        }
        if (words.isEmpty()) {
            return text;
        }
        boolean any = false;
        for (boolean k : keep) {
            any |= k;
        }
        if (!any) {
            throw new IllegalArgumentException("the mask keeps no word; the noise always keeps at least one");
        }
        return join(words, keep);
    }

    private static String join(List<String> words, boolean[] keep) {
        List<String> kept = new ArrayList<>(words.size());
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                kept.add(words.get(i));
            }
        }
        return DETOKENIZER.detokenize(kept);
    }

    @Override
    public String toString() {
        return "DenoisingNoise[delRatio=" + delRatio + "]";
    }
}
