package dev.procdeck.export;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real validators (systemd-analyze, supervisord's parser, the Kubernetes schema) from tests. */
final class ExternalTool {
    private ExternalTool() {
    }

    record Result(int code, String output) {
    }

    /** The path of {@code name} on PATH; the test is skipped (not failed) when the tool is not installed. */
    static Path require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        assumeTrue(false, name + " is not installed");
        return null;
    }

    /** Runs a command to its end (stdout and stderr together), failing the test after {@code timeoutSeconds}. */
    static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "cannot read output: " + e;
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), out.join());
    }
}
