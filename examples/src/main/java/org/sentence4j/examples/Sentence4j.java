package org.sentence4j.examples;

import java.io.PrintWriter;
import java.util.Arrays;

import org.sentence4j.graphs.sd.SameDiffOutput;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line behind the {@code ./sentence4j} launcher: {@code ./sentence4j <command> [options]}.
 *
 * <p>Parsing is picocli's (typed options, unknown-option suggestions, generated help); each command then checks
 * its values ({@link Checks}) before it starts work. Every failure ends as one line on standard error and a
 * non-zero exit code, never a stack trace unless {@code --debug} asks for it ({@link CommandErrors}).
 */
@Command(name = "sentence4j", synopsisSubcommandLabel = "<command>",
        description = "Train and use sentence-embedding models on the JVM (DL4J/ND4J), no Python.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "./sentence4j <command> --help shows a command's options. Build once first: mvn -B install -DskipTests"},
        subcommands = {QuickstartCommand.class, TrainCommand.class, EncodeCommand.class, SaveModelCommand.class,
                ExampleCommand.class, LossDemo.Command.class, Sentence4j.LossesCommand.class, SparkEncodeCommand.class,
                SparkTrainCommand.class, SparkBenchCommand.class, BenchCommand.class, Sentence4j.HelpCommand.class})
public final class Sentence4j implements Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = CommandLine.ScopeType.INHERIT,
            description = "Show this help and exit.")
    boolean help;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, print its stack trace as well as the one-line message.")
    boolean debug;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        SameDiffOutput.quiet();
        int code;
        try {
            code = execute(args);
        } catch (RuntimeException | Error e) {
            // outside any command (the parser's own set-up): still one line, the trace only on request
            boolean debug = Arrays.asList(args).contains("--debug");
            System.err.println("sentence4j: failed: " + e + (debug ? "" : " (--debug shows where)"));
            if (debug) {
                e.printStackTrace();
            }
            code = CommandErrors.FAILURE;
        }
        if (org.sentence4j.graphs.eager.SectionTimer.enabled()) {
            System.err.println("time per section (-Dsentence4j.eager.profile=true):");
            System.err.print(org.sentence4j.graphs.eager.SectionTimer.summary());
        }
        System.exit(code);
    }

    /**
     * Runs one command line in this process and returns its exit code (0 success, 2 a refused command line or
     * input, 1 any other failure); errors go to standard error as one line.
     */
    public static int execute(String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine cl = new CommandLine(new Sentence4j());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(110);
        // "Usage: sentence4j train [OPTIONS]": the options are listed below it, one per line
        cl.getSubcommands().values().forEach(c -> c.getCommandSpec().usageMessage().abbreviateSynopsis(true));
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        cl.setParameterExceptionHandler((e, a) -> CommandErrors.usage(e, a, debug));
        cl.setExecutionExceptionHandler((e, command, parsed) -> CommandErrors.failure(e, command.getCommandName(), debug));
        return cl.execute(args);
    }

    /** {@code ./sentence4j help [<command>]}: the overview, or one command's options. */
    @Command(name = "help", description = "Show the commands, or one command's options: help <command>.")
    static final class HelpCommand implements Runnable {

        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "<command>", description = "The command to explain.")
        String command;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            CommandLine top = spec.commandLine().getParent();
            if (command == null) {
                top.usage(System.out);
                return;
            }
            CommandLine sub = top.getSubcommands().get(command);
            if (sub == null) {
                throw new UsageException("unknown command '" + command + "'; commands: " + String.join(", ", top.getSubcommands().keySet()));
            }
            sub.usage(System.out);
        }
    }

    /** {@code ./sentence4j losses}: the loss table and the registered losses. */
    @Command(name = "losses", description = "List the losses and the data formats they suit (the loss table).")
    static final class LossesCommand implements Runnable {
        @Override
        public void run() {
            System.out.println("Loss table (inputs -> labels -> losses):");
            for (org.sentence4j.losses.table.LossTable.Row row : org.sentence4j.losses.table.LossTable.rows()) {
                System.out.printf("  %-50s %-8s %s%n", row.inputs(), row.labels().name().toLowerCase(), String.join(", ", row.losses()));
            }
            System.out.println("  any format: " + String.join(", ", org.sentence4j.losses.table.LossTable.MODIFIERS)
                    + " (wrapping a loss that fits)");
            System.out.println("  any format, labels ignored: " + String.join(", ", org.sentence4j.losses.table.LossTable.REGULARIZERS)
                    + " (beside a primary loss)");
            System.out.println();
            java.util.Collection<String> names = org.sentence4j.losses.LossRegistry.defaults().names();
            System.out.println("Registered losses (" + names.size() + "): " + String.join(", ", names));
        }
    }
}
