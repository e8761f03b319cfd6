package org.sentence4j.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command: {@code --name value} pairs (a name may repeat, e.g. {@code --loss-option}),
 * checked against the names the command knows, with errors that say what is wrong.
 */
final class Options {

    private final String command;
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Options(String command) {
        this.command = command;
    }

    /** Parses {@code args}; every option takes a value; unknown names fail with the known ones. */
    static Options parse(String command, String[] args, Set<String> known) {
        Options o = new Options(command);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException(command + ": unexpected argument '" + a + "' (options start with --)");
            }
            String name = a.substring(2);
            if (!known.contains(name)) {
                throw new UsageException(command + ": unknown option --" + name + "; known: --" + String.join(", --", known));
            }
            if (i + 1 >= args.length) {
                throw new UsageException(command + ": option --" + name + " needs a value");
            }
            o.values.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
        }
        return o;
    }

    String get(String name, String dflt) {
        List<String> v = values.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    String require(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new UsageException(command + ": option --" + name + " is required");
        }
        return v;
    }

    int getInt(String name, int dflt) {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, not '" + v + "'");
        }
    }

    double getDouble(String name, double dflt) {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, not '" + v + "'");
        }
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** A wrong command line: the message is shown to the user as it is, without a stack trace. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
