package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcessProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code procdeck start} runs the schedules of procdeck.yml beside the formation, and stops them with it. */
class StartScheduleTest {
    @TempDir
    Path dir;

    @TempDir
    Path state;

    private final ProcessProbe probe = new ProcessProbe();
    private Process procdeck;

    @AfterEach
    void noOrphans() {
        if (procdeck != null) {
            procdeck.destroyForcibly();
        }
        Await.until(Duration.ofSeconds(15), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    @Test
    void aScheduledTypeRunsOnItsTicksAndStopsWithStart() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: exec sleep 1000\nreport: echo \"report on $DYNO\"\n");
        Files.writeString(dir.resolve("procdeck.yml"), "types:\n  report:\n    schedule: every 1s\n");
        ProcessBuilder pb = dev.procdeck.testing.ProcdeckProcess.builder(dir, probe, "start", "--no-timestamp", "-t", "2");
        pb.environment().put("XDG_STATE_HOME", state.toString());
        procdeck = pb.redirectErrorStream(true).start();
        List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>(); // read by the test while the reader adds
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(procdeck.getInputStream(),
                    StandardCharsets.UTF_8))) {
                r.lines().forEach(out::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                // procdeck ended
            }
        });
        reader.start();
        Await.until(Duration.ofSeconds(30), () -> out.stream().anyMatch(l -> l.matches("report\\.2 +\\| report on scheduler\\.2")),
                () -> "two runs of report, got " + out);
        assertThat(out).anyMatch(l -> l.matches("system +\\| report: next run at \\d\\d:\\d\\d:\\d\\d \\(schedule every 1s\\)"))
                .anyMatch(l -> l.matches("system +\\| report\\.1 started \\(schedule every 1s; pid \\d+, port \\d+, DYNO scheduler\\.1\\)"))
                .anyMatch(l -> l.matches("system +\\| report\\.1 exited 0 after \\d+ ms|system +\\| report\\.1 exited 0 after [\\d.]+ s"))
                .noneMatch(l -> l.startsWith("report.1 ") && l.contains("started")); // not an instance of the formation
        new ProcessBuilder("kill", "-TERM", Long.toString(procdeck.pid())).start().waitFor();
        assertThat(procdeck.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        assertThat(procdeck.exitValue()).isZero();
        assertThat(out).anyMatch(l -> l.matches("system +\\| report: schedule paused"));
    }
}
