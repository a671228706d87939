package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.os.ProcStat;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.RestartPolicy;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorSettings;
import dev.procdeck.testing.Await;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
    @TempDir
    Path dir;

    @Test
    void aMillionLinesAllReachTheSessionLogInOrderPerInstanceAcrossRotations() throws Exception {
        int perType = 250_000;
        StringBuilder procfile = new StringBuilder();
        for (int k = 1; k <= 4; k++) {
            procfile.append("p").append(k).append(": awk 'BEGIN{for(i=1;i<=").append(perType)
                    .append(";i++) print \"line\", i}'\n");
        }
        Project project = new Project(dir, dir.resolve("Procfile"), ProcfileParser.parse("Procfile", procfile.toString()),
                Map.of(), List.of());
        LogBus bus = new LogBus(Clock.systemUTC());
        Path sessionDir = dir.resolve("session");
        SessionLog log = new SessionLog(sessionDir, 8 * 1024 * 1024, 1000);
        bus.addListener(log);
        try (Supervisor s = new Supervisor(project, SupervisorSettings.defaults(5000)
                .withDefaultPolicy(RestartPolicy.of(RestartPolicy.Mode.NEVER)), new PosixProcessLauncher(), bus,
                Clock.systemUTC(), System.getenv())) {
            s.start(Map.of("p1", 1, "p2", 1, "p3", 1, "p4", 1)).get();
            Await.until(Duration.ofSeconds(60), () -> s.snapshots().stream()
                    .allMatch(i -> i.state() == InstanceState.EXITED), "all four to finish");
        }
        log.close();
        List<Path> files = SessionLog.files(sessionDir);
        assertThat(files.size()).as("rotated by size").isGreaterThan(5);
        Map<String, Integer> last = new HashMap<>();
        long lines = 0;
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    int bar = line.indexOf(" | line ");
                    if (bar < 0) {
                        continue; // lifecycle events
                    }
                    String instance = line.substring(line.lastIndexOf(' ', bar - 1) + 1, bar);
                    int n = Integer.parseInt(line.substring(bar + 8));
                    int expected = last.getOrDefault(instance, 0) + 1;
                    assertThat(n).as("line of %s in %s", instance, f.getFileName()).isEqualTo(expected);
                    last.put(instance, n);
                    lines++;
                }
            }
        }
        assertThat(lines).isEqualTo(4L * perType);
        assertThat(last).containsEntry("p1.1", perType).containsEntry("p4.1", perType);
    }

    @Test
    void oldestLogFilesOfARunawaySessionAreDropped() throws Exception {
        SessionLog log = new SessionLog(dir, 100, 3);
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(log);
        for (int i = 0; i < 50; i++) {
            bus.publish("web.1", dev.procdeck.logs.LogStream.STDOUT, List.of("a line of some forty characters " + i));
        }
        log.close();
        List<Path> files = SessionLog.files(dir);
        assertThat(files).hasSize(3);
        assertThat(Files.readString(files.get(2))).contains("characters 49");
    }

    @Test
    void leftoversAreFoundByPidAndStartTimeAndStopped() throws Exception {
        Process leftover = new ProcessBuilder("setsid", "sh", "-c", "sleep 1000 & wait")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long pgid = leftover.pid();
        Await.until(Duration.ofSeconds(5), () -> ProcStat.startTime(pgid).isPresent()
                && dev.procdeck.os.PosixSignals.groupAlive(pgid), "the leftover to run");
        Process reused = new ProcessBuilder("setsid", "sleep", "1000").start();
        Path old = dir.resolve(Session.FOLDER).resolve("sessions").resolve("20200101-000000-1");
        Files.createDirectories(old);
        Files.writeString(old.resolve("owner"), "1 1\n"); // pid 1 never has start time 1: a dead owner
        Files.writeString(old.resolve("groups"), pgid + " " + ProcStat.startTime(pgid).getAsLong() + "\n"
                + reused.pid() + " 12345\n");
        List<Session.Leftover> found = Session.leftovers(dir);
        assertThat(found).extracting(Session.Leftover::pgid).containsExactly(pgid);
        Session.stop(found, Duration.ofSeconds(2));
        assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).isTrue();
        Await.until(Duration.ofSeconds(5), () -> !dev.procdeck.os.PosixSignals.groupAlive(pgid), "group gone");
        assertThat(reused.isAlive()).as("a reused pid is never killed").isTrue();
        reused.destroy();
        assertThat(Session.leftovers(dir)).isEmpty();
    }

    @Test
    void theWatchdogStopsRecordedGroupsWhenItsPipeCloses() throws Exception {
        Session session = Session.open(dir, Duration.ofSeconds(1));
        Process child = new ProcessBuilder("setsid", "sh", "-c", "trap '' TERM; sleep 1000 & sleep 1000 & wait")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        child.toHandle(); // keep a reference
        Await.until(Duration.ofSeconds(5), () -> ProcStat.startTime(child.pid()).isPresent(), "child");
        session.groupStarted(child.pid());
        // Simulate procdeck's sudden death: the pipe closes while groups are still recorded.
        var pipe = Session.class.getDeclaredField("watchdogPipe");
        pipe.setAccessible(true);
        ((java.io.OutputStream) pipe.get(session)).close();
        Await.until(Duration.ofSeconds(10), () -> !dev.procdeck.os.PosixSignals.groupAlive(child.pid()),
                "the watchdog to stop the group (SIGKILL after ignoring SIGTERM)");
        session.close();
    }

    @Test
    void sessionsArePrunedToTheMostRecent() throws Exception {
        Path sessions = dir.resolve(Session.FOLDER).resolve("sessions");
        for (int i = 0; i < 15; i++) {
            Path d = sessions.resolve(String.format("20200101-0000%02d-1", i));
            Files.createDirectories(d);
            Files.writeString(d.resolve("owner"), "1 1\n");
        }
        Session s = Session.open(dir, Duration.ofSeconds(1));
        s.close();
        try (var list = Files.list(sessions)) {
            assertThat(list.count()).isEqualTo(Session.KEEP_SESSIONS);
        }
        assertThat(Files.readString(dir.resolve(Session.FOLDER).resolve(".gitignore"))).contains("*");
    }
}
