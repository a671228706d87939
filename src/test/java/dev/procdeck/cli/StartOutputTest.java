package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcessProbe;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code procdeck start} with a standard output that does not take what it is given. A separate JVM each. */
class StartOutputTest {
    @TempDir
    Path dir;

    /** Procdeck's state folder (session logs) for this test alone. */
    @TempDir
    Path state;

    private final ProcessProbe probe = new ProcessProbe();
    private Process procdeck;

    private ProcessBuilder builder(String... args) throws IOException {
        ProcessBuilder pb = dev.procdeck.testing.ProcdeckProcess.builder(dir, probe, args);
        pb.environment().put("XDG_STATE_HOME", state.toString());
        return pb;
    }

    @AfterEach
    void noOrphans() {
        if (procdeck != null) {
            procdeck.destroyForcibly();
        }
        Await.until(Duration.ofSeconds(15), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    private long sessionLogBytes() {
        Path sessions = state.resolve("procdeck");
        if (!Files.isDirectory(sessions)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(sessions)) {
            return walk.filter(p -> p.getFileName().toString().matches("output-\\d+\\.log"))
                    .mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // a file rotated away meanwhile
        }
    }

    @Test
    void sigtermStopsEverythingWhileNobodyReadsStdout() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "chatty: yes 'a chatty line that nobody will ever read on stdout'\n");
        // Stdout is a pipe that this test never reads (like `procdeck start | sleep 60`).
        procdeck = builder("start", "-t", "2", "--no-timestamp").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // The session log takes the lines that the terminal cannot: once it holds far more than the 64 KB pipe,
        // the terminal is certainly stalled and the chatty child held back by it.
        Await.until(Duration.ofSeconds(30), () -> sessionLogBytes() > 2 * 1024 * 1024,
                () -> "session log grows past 2 MiB (" + sessionLogBytes() + ")");
        assertThat(probe.livePids()).isNotEmpty();
        new ProcessBuilder("kill", "-TERM", Long.toString(procdeck.pid())).start().waitFor();
        // Stop timeout 2 s, plus a margin for the JVM: the old code never exited at all.
        assertThat(procdeck.waitFor(15, TimeUnit.SECONDS)).as("procdeck exits although stdout never drains").isTrue();
        Await.until(Duration.ofSeconds(5), () -> probe.livePids().isEmpty(), () -> "child gone: " + probe.livePids());
    }

    @Test
    void aFullDiskBehindStdoutIsReportedAndFailsTheRun() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: echo hello; exec sleep 1000\n");
        procdeck = builder("start", "--no-timestamp").redirectOutput(new File("/dev/full")).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(procdeck.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(procdeck.waitFor(30, TimeUnit.SECONDS)).as("procdeck ends when stdout cannot be written").isTrue();
        assertThat(procdeck.exitValue()).isNotZero();
        assertThat(err.get(10, TimeUnit.SECONDS)).contains("procdeck: cannot write to standard output: No space left on device")
                // where the missed lines are: the session folder in the state folder, as an absolute path (it was
                // relative to the project folder, "../../…", which means nothing from another working folder)
                .contains("; they are in " + state + "/procdeck/");
    }
}
