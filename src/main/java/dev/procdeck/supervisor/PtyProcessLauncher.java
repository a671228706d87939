package dev.procdeck.supervisor;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.unix.UnixPtyProcess;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Launches a {@code tty: true} instance in a pseudo-terminal (pty4j): the child calls setsid and takes the
 * terminal's slave as its controlling terminal and as stdin, stdout and stderr, so it is the leader of a new
 * session and process group, as {@code setsid} makes piped children, and everything procdeck does to groups
 * (stop, TERM then KILL, the watchdog) works the same. What it prints, stdout and stderr together, is read from
 * the master as its stdout; input goes through its {@link InstanceTerminal}.
 */
final class PtyProcessLauncher {
    /** Where a program looks up its terminal's abilities; most colour their output only with one set. */
    static final String DEFAULT_TERM = "xterm-256color";
    static final int INITIAL_COLUMNS = 120;
    static final int INITIAL_ROWS = 40;

    static {
        // pty4j logs through SLF4J, which prints a warning on stderr when no logging backend is present. Procdeck
        // prints only in its cli package: choose SLF4J's no-op backend, unless someone chose one.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private PtyProcessLauncher() {
    }

    /** Starts {@code argv} (a program and its arguments, no setsid: the terminal's child does that itself). */
    static LaunchedProcess launch(LaunchSpec spec, List<String> argv) throws IOException {
        Map<String, String> env = new HashMap<>(spec.environment());
        env.putIfAbsent("TERM", DEFAULT_TERM);
        PtyProcess process;
        try {
            process = new PtyProcessBuilder(argv.toArray(String[]::new))
                    .setEnvironment(env)
                    .setDirectory(spec.workingDirectory().toString())
                    .setRedirectErrorStream(true)
                    .setInitialColumns(INITIAL_COLUMNS)
                    .setInitialRows(INITIAL_ROWS)
                    .setConsole(false)
                    .start();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("cannot open a terminal for " + spec.name() + " (tty: true): " + e.getMessage(), e);
        }
        if (!(process instanceof UnixPtyProcess unix)) {
            process.destroyForcibly();
            throw new IOException("terminals (tty: true) need a Unix pseudo-terminal, got " + process.getClass());
        }
        PtyTerminal terminal = new PtyTerminal(spec.name(), unix);
        terminal.resize(INITIAL_COLUMNS, INITIAL_ROWS);
        return new PtyProcessHandle(unix, terminal);
    }

    private static final class PtyProcessHandle implements LaunchedProcess {
        private final UnixPtyProcess process;
        private final PtyTerminal terminal;
        private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

        PtyProcessHandle(UnixPtyProcess process, PtyTerminal terminal) {
            this.process = process;
            this.terminal = terminal;
            // pty4j reaps the child on a thread of its own; this one only waits for that and passes the status on.
            Thread waiter = new Thread(() -> {
                try {
                    exit.complete(new ExitStatus(process.waitFor()));
                } catch (InterruptedException e) {
                    exit.complete(new ExitStatus(-1));
                }
            }, terminal.name() + "-exit");
            waiter.setDaemon(true);
            waiter.start();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public InputStream stderr() {
            return null; // one stream: the terminal
        }

        @Override
        public CompletableFuture<ExitStatus> onExit() {
            return exit;
        }

        @Override
        public Optional<InstanceTerminal> terminal() {
            return Optional.of(terminal);
        }

        @Override
        public void release() {
            terminal.close();
        }
    }
}
