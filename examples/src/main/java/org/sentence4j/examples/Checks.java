package org.sentence4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import org.sentence4j.graphs.io.HubCache;

/**
 * The checks a command runs on its options before it starts work: numbers in range, input files readable,
 * output locations writable or creatable, model sources that exist. Each failure is a {@link UsageException}
 * whose message names the option, the value and what is expected.
 */
final class Checks {

    /** Spark's size strings: a number of bytes, or with a unit (k, m, g, t, p; an optional b). */
    private static final Pattern SIZE = Pattern.compile("\\d+([kmgtp]b?|b)?", Pattern.CASE_INSENSITIVE);
    /** The master URLs Spark accepts: local forms, a standalone or cluster manager URL, yarn. */
    private static final Pattern MASTER = Pattern.compile(
            "local|local\\[(\\*|\\d+)(,\\d+)?]|local-cluster\\[\\d+,\\d+,\\d+]|(spark|k8s|mesos)://\\S+|yarn");

    private Checks() {
    }

    static int positive(String option, int value) {
        if (value <= 0) {
            throw new UsageException(option + " must be > 0, not " + value);
        }
        return value;
    }

    static long positive(String option, long value) {
        if (value <= 0) {
            throw new UsageException(option + " must be > 0, not " + value);
        }
        return value;
    }

    static int atLeast(String option, int value, int min) {
        if (value < min) {
            throw new UsageException(option + " must be >= " + min + ", not " + value);
        }
        return value;
    }

    static double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new UsageException(option + " must be a number > 0, not " + value);
        }
        return value;
    }

    static double nonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new UsageException(option + " must be a number >= 0, not " + value);
        }
        return value;
    }

    static double ratio(String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new UsageException(option + " must be in [0, 1], not " + value);
        }
        return value;
    }

    static String notBlank(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new UsageException(option + " must not be empty");
        }
        return value;
    }

    static void exclusive(String a, boolean hasA, String b, boolean hasB) {
        if (hasA && hasB) {
            throw new UsageException("give " + a + " or " + b + ", not both");
        }
    }

    /** An existing, readable regular file. */
    static Path inputFile(String option, Path file) {
        notBlank(option, file.toString());
        if (Files.isDirectory(file)) {
            throw new UsageException(option + " " + file + " is a folder; expected a file");
        }
        if (!Files.exists(file)) {
            throw new UsageException(option + " " + file + ": file not found");
        }
        if (!Files.isReadable(file)) {
            throw new UsageException(option + " " + file + " cannot be read (permissions)");
        }
        return file;
    }

    /** An input file with one of {@code extensions} (lower case, with the dot). */
    static Path inputFile(String option, Path file, String... extensions) {
        inputFile(option, file);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : extensions) {
            if (name.endsWith(e)) {
                return file;
            }
        }
        throw new UsageException(option + " " + file + ": unsupported file type; expected " + String.join(", ", extensions));
    }

    /** An existing, readable file or folder. */
    static Path inputPath(String option, Path path) {
        notBlank(option, path.toString());
        if (!Files.exists(path)) {
            throw new UsageException(option + " " + path + ": not found");
        }
        if (!Files.isReadable(path)) {
            throw new UsageException(option + " " + path + " cannot be read (permissions)");
        }
        return path;
    }

    /** A file that can be written: an existing writable file, or a new one in a folder that exists or can be made. */
    static Path outputFile(String option, Path file) {
        notBlank(option, file.toString());
        if (Files.isDirectory(file)) {
            throw new UsageException(option + " " + file + " is a folder; expected a file name");
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new UsageException(option + " " + file + " cannot be written (permissions)");
        }
        creatable(option, file);
        return file;
    }

    /** A folder that can be written: an existing writable folder, or one that can be made. */
    static Path outputFolder(String option, Path folder) {
        notBlank(option, folder.toString());
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UsageException(option + " " + folder + " is a file; expected a folder");
        }
        if (Files.isDirectory(folder) && !Files.isWritable(folder)) {
            throw new UsageException(option + " " + folder + " cannot be written (permissions)");
        }
        creatable(option, folder);
        return folder;
    }

    /** A folder that does not exist yet, or is empty, and can be made. */
    static Path newOrEmptyFolder(String option, Path folder) {
        outputFolder(option, folder);
        if (Files.isDirectory(folder)) {
            try (var entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException(option + " " + folder + " exists and is not an empty folder");
                }
            } catch (java.io.IOException e) {
                throw new UsageException(option + " " + folder + " cannot be listed: " + e.getMessage());
            }
        }
        return folder;
    }

    /** The nearest existing ancestor of {@code path} must be a writable folder (what creating it needs). */
    private static void creatable(String option, Path path) {
        Path p = path.toAbsolutePath().normalize().getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            throw new UsageException(option + " " + path + " cannot be created: no existing parent folder");
        }
        if (!Files.isDirectory(p)) {
            throw new UsageException(option + " " + path + " cannot be created: " + p + " is a file, not a folder");
        }
        if (!Files.isWritable(p)) {
            throw new UsageException(option + " " + path + " cannot be created: " + p + " is not writable");
        }
    }

    /**
     * A model source: an existing model folder, or a Hugging Face name ({@code org/name}) to be found in the
     * local cache or downloaded; a path that is neither is refused before anything loads.
     */
    static String model(String option, String value) {
        notBlank(option, value);
        Path p = Path.of(value);
        if (Files.isDirectory(p)) {
            return value;
        }
        if (Files.exists(p)) {
            throw new UsageException(option + " " + value + " is a file; expected a model folder or a Hugging Face model name");
        }
        if (!HubCache.isRepoId(value)) {
            throw new UsageException(option + " " + value + ": no such model folder (nor a Hugging Face name such as"
                    + " sentence-transformers/all-MiniLM-L6-v2)");
        }
        return value;
    }

    /** A Spark master URL: local, local[N], local[*], local-cluster[W,C,M], spark://, k8s://, mesos://, yarn. */
    static String sparkMaster(String option, String value) {
        if (value == null || !MASTER.matcher(value).matches()) {
            throw new UsageException(option + " '" + value + "' is not a Spark master URL; expected local[*], local[N],"
                    + " local-cluster[W,C,MB], spark://host:port, k8s://..., yarn");
        }
        return value;
    }

    /** A memory size as Spark reads it, e.g. 512m, 4g, 4G. */
    static String size(String option, String value) {
        if (value == null || !SIZE.matcher(value).matches() || value.matches("0+\\D*")) {
            throw new UsageException(option + " '" + value + "' is not a memory size; expected e.g. 512m or 4G");
        }
        return value;
    }

    /** A character set by its Java name (UTF-8, ISO-8859-1, windows-1252, ...), with an error that says so. */
    static final class CharsetName implements picocli.CommandLine.ITypeConverter<java.nio.charset.Charset> {
        @Override
        public java.nio.charset.Charset convert(String value) {
            try {
                return java.nio.charset.Charset.forName(value.strip());
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a character set Java knows;"
                        + " e.g. UTF-8, ISO-8859-1, windows-1252");
            }
        }
    }
}
