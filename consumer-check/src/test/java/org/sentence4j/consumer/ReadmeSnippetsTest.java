package org.sentence4j.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippets, taken from README.md itself, compiled against the library as a user's project
 * sees it (this module depends on {@code trainer} only) and, where marked, run in a plain {@code java} process:
 * no JVM flags, none of the launcher's environment. So the README cannot drift from the code, and the run shows
 * what a library user gets: standard output holds exactly what the snippet prints (nothing from the library or
 * ND4J), standard error nothing (everything goes through SLF4J, here to a file), and the one-line hint about the
 * missing vector module appears once in the log, and not at all once the flag is added.
 */
class ReadmeSnippetsTest {

    /** Environment the launcher and the test runner set, removed so that the runs see a user's plain JVM. */
    private static final List<String> OURS = List.of("OPENBLAS_CORETYPE", "OPENBLAS_THREAD_TIMEOUT", "OMP_WAIT_POLICY",
            "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS");
    private static final String HINT = "--add-modules jdk.incubator.vector";

    private static Path root;
    private static List<ReadmeSnippets.Snippet> snippets;
    private static Path classes;

    @BeforeAll
    static void compileTheReadme(@TempDir Path dir) throws IOException {
        root = Path.of(System.getProperty("sentence4j.root", "..")).toAbsolutePath().normalize();
        snippets = ReadmeSnippets.read(root.resolve("README.md"));
        classes = Files.createDirectories(dir.resolve("classes"));
        Path sources = Files.createDirectories(dir.resolve("src"));
        String imports = imports();
        List<Path> files = new ArrayList<>();
        for (ReadmeSnippets.Snippet s : snippets) {
            String source = source(s, imports);
            if (source != null) {
                files.add(Files.writeString(sources.resolve(className(s) + ".java"), source));
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, fm, diagnostics, List.of("-classpath", System.getProperty("java.class.path"),
                    "-d", classes.toString(), "-proc:none", "-nowarn"), null, fm.getJavaFileObjectsFromPaths(files)).call();
            String errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> where(d) + ": " + d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n"));
            assertTrue(ok, "README snippets do not compile:\n" + errors);
        }
    }

    @Test
    void everyJavaBlockIsCheckedOrSaysWhyNot() {
        assertTrue(snippets.size() >= 7, "Java blocks found: " + snippets.size());
        for (ReadmeSnippets.Snippet s : snippets) {
            assertTrue(s.kind() != null, "README.md line " + s.line() + ": a Java block without a <!-- check: ... --> directive");
            assertTrue(Set.of("run", "compile", "class", "skip").contains(s.kind()), "README.md line " + s.line() + ": " + s.kind());
            if (s.kind().equals("skip")) {
                assertFalse(s.option("reason").isBlank(), "README.md line " + s.line() + ": skip needs a reason");
            }
        }
        assertTrue(snippets.stream().filter(s -> "run".equals(s.kind())).count() >= 2, "at least two snippets run");
    }

    /** Each runnable snippet in a plain JVM: its output exactly, no stack trace, the hint at most once. */
    @Test
    void runnableSnippetsRunInAPlainJvm(@TempDir Path dir) throws Exception {
        for (ReadmeSnippets.Snippet s : snippets) {
            if (!"run".equals(s.kind())) {
                continue;
            }
            Run r = run(s, dir.resolve("run-" + s.line()), List.of());
            String what = "README.md line " + s.line() + "\n" + r;
            System.out.println(what); // the test's report file: what a plain-JVM user sees, and how long it took
            assertEquals(0, r.exitCode(), what);
            assertTrue(Pattern.compile(s.option("expect"), Pattern.DOTALL).matcher(r.out()).matches(),
                    "standard output is exactly what the snippet prints (" + s.option("expect") + "): " + what);
            assertEquals("", r.err(), "nothing on standard error but through SLF4J: " + what);
            assertEquals(1, count(r.log(), HINT), "the vector-module hint, once: " + what);
        }
    }

    /** The first runnable snippet again with the vector module: the same output and no hint. */
    @Test
    void theHintGoesAwayWithTheFlag(@TempDir Path dir) throws Exception {
        ReadmeSnippets.Snippet s = snippets.stream().filter(x -> "run".equals(x.kind())).findFirst().orElseThrow();
        Run r = run(s, dir, List.of("--add-modules", "jdk.incubator.vector"));
        String what = "README.md line " + s.line() + "\n" + r;
        assertEquals(0, r.exitCode(), what);
        assertTrue(Pattern.compile(s.option("expect"), Pattern.DOTALL).matcher(r.out()).matches(), what);
        assertEquals(List.of("WARNING: Using incubator modules: jdk.incubator.vector"), r.err().lines().toList(),
                "only the JVM's own notice of the module: " + what);
        assertEquals(0, count(r.log(), HINT), "no hint once the flag is given: " + what);
    }

    /** A finished run: exit code, standard output and error, and what went through SLF4J (its own file). */
    private record Run(int exitCode, String out, String err, String log, double seconds) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + seconds + " s\n--- stdout:\n" + out + "\n--- stderr:\n" + err
                    + "\n--- SLF4J:\n" + log;
        }
    }

    private static Run run(ReadmeSnippets.Snippet s, Path work, List<String> jvmOptions) throws Exception {
        Files.createDirectories(work);
        String files = s.option("files");
        if (files != null) {
            for (String f : files.split("\\s+")) {
                String[] nameSource = f.split("=", 2);
                String[] pathLines = nameSource[1].split(":", 2);
                List<String> lines = Files.readAllLines(root.resolve(pathLines[0]), StandardCharsets.UTF_8);
                int n = pathLines.length > 1 ? Math.min(lines.size(), Integer.parseInt(pathLines[1])) : lines.size();
                Files.write(work.resolve(nameSource[0]), lines.subList(0, n), StandardCharsets.UTF_8);
            }
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // SLF4J (the binding a user would choose) writes to its own file, so that standard error shows whatever
        // reached the terminal by any other way
        command.add("-Dorg.slf4j.simpleLogger.logFile=" + work.resolve("slf4j.log"));
        command.addAll(List.of("-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), className(s)));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(work.resolve("stderr.txt").toFile());
        OURS.forEach(pb.environment()::remove);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        Path log = work.resolve("slf4j.log");
        return new Run(p.exitValue(), Files.readString(work.resolve("stdout.txt")), Files.readString(work.resolve("stderr.txt")),
                Files.exists(log) ? Files.readString(log) : "", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private static String className(ReadmeSnippets.Snippet s) {
        if ("class".equals(s.kind())) {
            var m = Pattern.compile("\\bclass\\s+(\\w+)").matcher(s.code());
            if (m.find()) {
                return m.group(1);
            }
        }
        return "Readme" + s.kind().substring(0, 1).toUpperCase(Locale.ROOT) + s.kind().substring(1) + "Line" + s.line();
    }

    /** The snippet as a compilation unit, or null for one that is skipped (or has no directive). */
    private static String source(ReadmeSnippets.Snippet s, String imports) {
        if (s.kind() == null || s.kind().equals("skip")) {
            return null;
        }
        String header = imports + "\n// README.md line " + s.line() + "\n";
        return switch (s.kind()) {
            case "class" -> header + s.code();
            case "run" -> header + "public final class " + className(s) + " {\n    public static void main(String[] mainArguments) throws Exception {\n"
                    + s.code() + "\n    }\n}\n";
            case "compile" -> s.option("in") != null
                    ? header + s.option("in").replaceFirst("\\bclass\\s+\\w+", "class " + className(s)) + " {\n" + s.code() + "\n}\n"
                    : header + "final class " + className(s) + " {\n    void snippet() throws Exception {\n"
                    + (s.option("given") != null ? s.option("given") + "\n" : "") + s.code() + "\n    }\n}\n";
            default -> throw new IllegalArgumentException("README.md line " + s.line() + ": unknown check '" + s.kind() + "'");
        };
    }

    /**
     * Imports a user would write, generously: every public package of sentence4j on the class path, the JDK's
     * collections, streams and files, and the ND4J types the API exposes.
     */
    private static String imports() throws IOException {
        Set<String> packages = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.walk(p)) {
                    files.map(f -> p.relativize(f).toString().replace(File.separatorChar, '/'))
                            .forEach(n -> addPackage(packages, n));
                }
            } else if (Files.isRegularFile(p) && entry.endsWith(".jar")) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    jar.stream().forEach(e -> addPackage(packages, e.getName()));
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String pkg : packages) {
            sb.append("import ").append(pkg).append(".*;\n");
        }
        for (String pkg : List.of("java.util", "java.util.stream", "java.nio.file")) {
            sb.append("import ").append(pkg).append(".*;\n");
        }
        for (String type : List.of("org.nd4j.linalg.api.ndarray.INDArray", "org.nd4j.linalg.api.buffer.DataType",
                "org.nd4j.linalg.factory.Nd4j", "org.nd4j.autodiff.samediff.SameDiff", "org.nd4j.autodiff.samediff.SDVariable")) {
            sb.append("import ").append(type).append(";\n");
        }
        return sb.toString();
    }

    private static void addPackage(Set<String> packages, String entry) {
        if (entry.startsWith("org/sentence4j/") && entry.endsWith(".class") && !entry.contains("$")
                && !entry.startsWith("org/sentence4j/consumer/")) {
            packages.add(entry.substring(0, entry.lastIndexOf('/')).replace('/', '.'));
        }
    }

    private static String where(Diagnostic<? extends JavaFileObject> d) {
        return (d.getSource() != null ? Path.of(d.getSource().toUri()).getFileName() : "?") + ":" + d.getLineNumber();
    }
}
