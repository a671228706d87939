package dev.procdeck.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Procdeck as a separate process, the way a user starts it: its own JVM, stdin from /dev/null. */
public final class ProcdeckProcess {
    private ProcdeckProcess() {
    }

    /**
     * A builder for {@code procdeck ARGS} run in {@code dir}, with the probe's marker in its environment (so
     * every descendant can be found) and no PORT inherited from the test's environment.
     */
    public static ProcessBuilder builder(Path dir, ProcessProbe probe, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.procdeck.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put(probe.name, probe.value);
        pb.environment().remove("PORT");
        pb.redirectInput(new File("/dev/null"));
        return pb;
    }
}
