package dev.procdeck.supervisor;

import dev.procdeck.os.Pipe;
import dev.procdeck.os.PosixSignals;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Launches {@code setsid /bin/sh -c COMMAND} (or {@code setsid PROGRAM ARGS} when no shell is needed, see
 * {@link #directArgv}): the shell expands $PORT itself, and setsid makes the child the
 * leader of a new session and process group (Java 17 cannot), so one signal to the group reaches every
 * descendant that did not deliberately leave it. Stdin is /dev/null. A {@link LaunchSpec#tty() tty} spec runs
 * in a pseudo-terminal instead ({@link PtyProcessLauncher}).
 */
public final class PosixProcessLauncher implements ProcessLauncher {
    private static final File DEV_NULL = new File("/dev/null");
    private final String setsid;

    public PosixProcessLauncher() {
        this.setsid = Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid"
                : Files.isExecutable(Path.of("/bin/setsid")) ? "/bin/setsid" : "setsid";
        PosixSignals.nativeAvailable();
    }

    @Override
    public LaunchedProcess launch(LaunchSpec spec) throws IOException {
        Path dir = spec.workingDirectory();
        if (!Files.isDirectory(dir)) {
            throw new IOException("working folder " + dir + " does not exist");
        }
        if (!Files.isExecutable(dir)) {
            throw new IOException("working folder " + dir + " is not accessible (permission denied)");
        }
        List<String> program = directArgv(spec.command(), spec.environment().get("PATH"), dir);
        if (program == null) {
            program = List.of("/bin/sh", "-c", spec.command());
        }
        if (spec.tty()) {
            return PtyProcessLauncher.launch(spec, program);
        }
        List<String> argv = new ArrayList<>();
        argv.add(setsid);
        argv.addAll(program);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        if (!Pipe.supported()) {
            Process process = builder.start();
            return new PosixProcess(process, process.getInputStream(), process.getErrorStream());
        }
        Pipe out = Pipe.open();
        Pipe err;
        try {
            err = Pipe.open();
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        try {
            builder.redirectOutput(out.writeEnd()).redirectError(err.writeEnd());
            Process process = builder.start();
            return new PosixProcess(process, out.input(), err.input());
        } catch (IOException | RuntimeException e) {
            out.close();
            err.close();
            throw e;
        } finally {
            out.afterSpawn();
            err.afterSpawn();
        }
    }

    private static final Pattern SIMPLE = Pattern.compile("[A-Za-z0-9_./:,+@%-]+( +[A-Za-z0-9_./=:,+@%-]+)*");
    private static final Set<String> SHELL_WORDS = Set.of("cd", "exec", "export", "set", "unset", "ulimit", "umask",
            "trap", "wait", "eval", "source", ".", "read", "exit", "return", "shift", "times", "alias", "if", "then",
            "else", "for", "while", "until", "case", "do", "done", "fi", "esac", "readonly", "local", "command",
            "type", "hash", "getopts", "break", "continue");

    /**
     * The argument vector for a command that needs no shell (no quotes, variables, globs, redirections or
     * builtins) and whose program exists; null otherwise. Running such a command without {@code sh -c} means
     * the same to it and saves a process per instance, and a millisecond on every (re)start. Commands the
     * shell must see keep going through {@code /bin/sh -c}, so {@code $PORT} always expands.
     */
    static List<String> directArgv(String command, String path, Path dir) {
        String trimmed = command.strip();
        if (!SIMPLE.matcher(trimmed).matches()) {
            return null;
        }
        List<String> words = List.of(trimmed.split(" +"));
        String program = words.get(0);
        if (SHELL_WORDS.contains(program)) {
            return null;
        }
        if (program.contains("/")) {
            return Files.isExecutable(dir.resolve(program)) && !Files.isDirectory(dir.resolve(program)) ? words : null;
        }
        for (String entry : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            Path candidate = (entry.isEmpty() ? dir : dir.resolve(entry)).resolve(program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return words;
            }
        }
        return null;
    }

    private static final class PosixProcess implements LaunchedProcess {
        private final Process process;
        private final InputStream stdout;
        private final InputStream stderr;
        private final CompletableFuture<ExitStatus> exit;

        PosixProcess(Process process, InputStream stdout, InputStream stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.exit = process.onExit().thenApply(p -> new ExitStatus(p.exitValue()));
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public InputStream stdout() {
            return stdout;
        }

        @Override
        public InputStream stderr() {
            return stderr;
        }

        @Override
        public CompletableFuture<ExitStatus> onExit() {
            return exit;
        }
    }
}
