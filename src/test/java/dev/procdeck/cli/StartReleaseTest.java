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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code procdeck start} runs the Procfile's release type once before the formation, as Heroku's release phase. */
class StartReleaseTest {
    /** A base port of the test's own: nothing here may assume 5000 is free. */
    private static final int BASE = 30000 + new java.util.Random().nextInt(300) * 100;

    @TempDir
    Path dir;

    @TempDir
    Path state;

    private final ProcessProbe probe = new ProcessProbe();
    private final List<String> out = new CopyOnWriteArrayList<>(); // read by the test while the reader adds
    private Process procdeck;

    @AfterEach
    void noOrphans() {
        if (procdeck != null) {
            procdeck.destroyForcibly();
        }
        Await.until(Duration.ofSeconds(15), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    private void start(String... args) throws IOException {
        List<String> all = new java.util.ArrayList<>(List.of("start", "--no-timestamp", "-t", "2", "-p",
                Integer.toString(BASE)));
        all.addAll(List.of(args));
        ProcessBuilder pb = dev.procdeck.testing.ProcdeckProcess.builder(dir, probe, all.toArray(String[]::new));
        pb.environment().put("XDG_STATE_HOME", state.toString());
        procdeck = pb.redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(procdeck.getInputStream(),
                    StandardCharsets.UTF_8))) {
                r.lines().forEach(out::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                // procdeck ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    private int stop() throws Exception {
        new ProcessBuilder("kill", "-TERM", Long.toString(procdeck.pid())).start().waitFor();
        assertThat(procdeck.waitFor(20, TimeUnit.SECONDS)).as("procdeck ends after SIGTERM").isTrue();
        return procdeck.exitValue();
    }

    @Test
    void aFailingReleaseStartsNothingAndStartExitsWithItsCodeAndMessage() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "release: echo migrating; exit 3\nweb: touch web-ran; exec sleep 1000\n");
        start();
        assertThat(procdeck.waitFor(30, TimeUnit.SECONDS)).as("start ends on its own: " + out).isTrue();
        Await.until(Duration.ofSeconds(5), () -> out.stream().anyMatch(l -> l.startsWith("procdeck: release phase")),
                () -> "the failure on stderr, got " + out);
        assertThat(procdeck.exitValue()).isEqualTo(3);
        assertThat(out).anyMatch(l -> l.matches("release\\.1 +\\| migrating"))
                .anyMatch(l -> l.matches("procdeck: release phase failed: release\\.1 exited 3 after .*; nothing was"
                        + " started \\(--skip-release starts without it\\)"))
                .noneMatch(l -> l.startsWith("web.1"));
        assertThat(dir.resolve("web-ran")).as("no instance of the formation ever ran").doesNotExist();
    }

    @Test
    void theReleaseRunsOnceWithItsOwnDynoNameBeforeTheFormationStarts() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: test -e migrated && echo after-release; exec sleep 1000\n"
                + "release: echo \"release on $PS\"; touch migrated\n");
        start();
        Await.until(Duration.ofSeconds(30), () -> out.stream().anyMatch(l -> l.matches("web\\.1 +\\| after-release")),
                () -> "web.1 after the release, got " + out);
        assertThat(out).anyMatch(l -> l.matches("release\\.1 +\\| release on release\\.1"));
        assertThat(out.stream().filter(l -> l.matches("release\\.1 +\\| release on .*")).count()).isEqualTo(1);
        assertThat(stop()).isZero();
    }

    @Test
    void skipReleaseStartsTheFormationWithoutIt() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "release: echo migrating; exit 3\nweb: echo up; exec sleep 1000\n");
        start("--skip-release");
        Await.until(Duration.ofSeconds(30), () -> out.stream().anyMatch(l -> l.matches("web\\.1 +\\| up")),
                () -> "web.1 up, got " + out);
        assertThat(out).noneMatch(l -> l.startsWith("release.1"));
        assertThat(stop()).isZero();
    }
}
