package dev.procdeck.supervisor;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Launches {@code setsid /bin/sh -c COMMAND}: the shell expands $PORT itself, and setsid makes the child the
 * leader of a new session and process group (Java 17 cannot), so one signal to the group reaches every
 * descendant that did not deliberately leave it. Stdin is /dev/null.
 */
public final class PosixProcessLauncher implements ProcessLauncher {
    private static final File DEV_NULL = new File("/dev/null");
    private final String setsid;

    public PosixProcessLauncher() {
        this.setsid = Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid"
                : Files.isExecutable(Path.of("/bin/setsid")) ? "/bin/setsid" : "setsid";
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
        ProcessBuilder builder = new ProcessBuilder(setsid, "/bin/sh", "-c", spec.command())
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        Process process = builder.start();
        return new PosixProcess(process);
    }

    private static final class PosixProcess implements LaunchedProcess {
        private final Process process;
        private final CompletableFuture<ExitStatus> exit;

        PosixProcess(Process process) {
            this.process = process;
            this.exit = process.onExit().thenApply(p -> new ExitStatus(p.exitValue()));
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
            return process.getErrorStream();
        }

        @Override
        public CompletableFuture<ExitStatus> onExit() {
            return exit;
        }

        @Override
        public void signalGroup(Signal signal) {
            if (!PosixSignals.signalGroup(process.pid(), signal.number) && process.isAlive()) {
                // Signalled in the instant between fork and setsid: the group does not exist yet.
                if (signal == Signal.KILL) {
                    process.destroyForcibly();
                } else {
                    process.destroy();
                }
            }
        }

        @Override
        public boolean groupAlive() {
            return PosixSignals.groupAlive(process.pid());
        }
    }
}
