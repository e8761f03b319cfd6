package org.sentence4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;

import picocli.CommandLine;

/**
 * How a failed command reports: one line on standard error that names the command and the problem, an exit
 * code (2 for a command line or input the user can fix, 1 for anything else), and the stack trace only with
 * {@code --debug}. The library's own input errors ({@code LossInputException}, {@code DatasetException},
 * {@code ModelFormatException}) already name the file, column or option, so their messages are shown as they are.
 */
final class CommandErrors {

    static final int USAGE = 2;
    static final int FAILURE = 1;

    private CommandErrors() {
    }

    /** A command line picocli could not parse: unknown option, missing value, a value of the wrong type. */
    static int usage(CommandLine.ParameterException e, String[] args, boolean debug) {
        CommandLine cl = e.getCommandLine();
        if (e instanceof CommandLine.MissingParameterException) {
            // picocli checks required options before unknown ones; a misspelt required option is the real problem
            String unknown = unknownOption(cl, args);
            if (unknown != null) {
                e = new CommandLine.UnmatchedArgumentException(cl, List.of(unknown));
            }
        }
        String command = cl.getCommandName();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "" : unmatched.get(0);
            boolean top = cl.getParent() == null;
            message = (top && !first.startsWith("-") ? "unknown command '" + first + "'"
                    : first.startsWith("-") ? "unknown option '" + first + "'" : "unexpected argument '" + first + "'");
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += " (did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?)";
            }
        }
        String help = cl.getParent() == null ? "./sentence4j help" : "./sentence4j " + command + " --help";
        cl.getErr().println(command + ": " + oneLine(message) + "; see " + help);
        if (debug) {
            e.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return USAGE;
    }

    /** The first argument that looks like an option (--name or --name=value) that the command does not have. */
    private static String unknownOption(CommandLine cl, String[] args) {
        var options = cl.getCommandSpec().optionsMap();
        for (String a : args) {
            if (a.matches("--?[A-Za-z].*")) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if (!options.containsKey(name)) {
                    return a;
                }
            }
        }
        return null;
    }

    /** A command that failed while it ran. */
    static int failure(Exception e, String command, boolean debug) {
        int code;
        String message;
        Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (cause instanceof UsageException || cause instanceof IllegalArgumentException) {
            // a refused command line, or bad input named by the library (LossInputException, DatasetException)
            code = USAGE;
            message = cause.getMessage();
        } else if (cause instanceof NoSuchFileException f) {
            code = USAGE;
            message = f.getMessage() != null && f.getMessage().contains(" ") ? f.getMessage() : "file not found: " + f.getFile();
        } else if (cause instanceof AccessDeniedException f) {
            code = USAGE;
            message = "permission denied: " + f.getFile();
        } else if (cause instanceof FileSystemException f) {
            code = FAILURE;
            message = (f.getFile() != null ? f.getFile() + ": " : "") + (f.getReason() != null ? f.getReason() : f.getMessage());
        } else if (cause instanceof IOException) {
            code = FAILURE;
            message = "error: " + cause.getMessage();
        } else {
            code = FAILURE;
            message = "failed: " + cause.getClass().getSimpleName() + (cause.getMessage() != null ? ": " + cause.getMessage() : "")
                    + (debug ? "" : " (--debug shows where)");
        }
        String line = oneLine(message);
        System.err.println(line.startsWith(command + ":") ? line : command + ": " + line);
        if (debug) {
            e.printStackTrace(System.err);
        }
        System.err.flush();
        return code;
    }

    /** The first line of a message (library messages are one line; a stray multi-line one is cut). */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "failed without a message";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
