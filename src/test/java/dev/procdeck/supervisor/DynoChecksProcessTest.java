package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.procfile.Liveness;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcessProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory quota (R14, R15) and liveness restarts with real processes. */
class DynoChecksProcessTest {
    private static final int BASE = 20000 + new java.util.Random().nextInt(400) * 100;
    /** Memory is sampled every 2 s; a busy machine gets a good margin on top. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();
    private final List<LogLine> lines = Collections.synchronizedList(new ArrayList<>());
    private Supervisor supervisor;

    private void supervise(String procfile, String type, TypeConfig config) throws Exception {
        Project project = new Project(dir, dir.resolve("Procfile"), ProcfileParser.parse("Procfile", procfile),
                Map.of(probe.name, probe.value), List.of(),
                new ProjectConfig(dir.resolve("procdeck.yml"), Map.of(), Map.of(type, config), List.of()));
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(dev.procdeck.logs.LogListener.ofLines(lines::addAll));
        supervisor = new Supervisor(project, SupervisorSettings.defaults(BASE).withStopTimeout(Duration.ofSeconds(2)),
                new PosixProcessLauncher(), bus, Clock.systemUTC(), System.getenv());
    }

    private List<String> events(String instance) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.instance().equals(instance) && l.stream() == LogStream.SYSTEM)
                    .map(LogLine::text).toList();
        }
    }

    private boolean said(String instance, String start) {
        return events(instance).stream().anyMatch(l -> l.startsWith(start));
    }

    private InstanceSnapshot snapshot(String name) {
        return supervisor.snapshots().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @AfterEach
    void stopEverything() {
        if (supervisor != null) {
            supervisor.close();
        }
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().isEmpty(),
                () -> "no process left (exec checks included), but " + probe.livePids());
    }

    @Test
    void aChildPastItsQuotaGetsR14AndAtTwiceItR15AndARestart() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) || which("python3"),
                "python3 allocates the memory");
        // 40 MiB on top of the interpreter passes a 32 MiB quota; once "grow" exists, 40 MiB more pass twice it.
        Files.writeString(dir.resolve("hog.py"), """
                import os, sys, time
                a = b'a' * (40 << 20)
                print('allocated', flush=True)
                while not os.path.exists('grow'):
                    time.sleep(0.05)
                os.remove('grow')
                b = b'b' * (40 << 20)
                print('grew', flush=True)
                time.sleep(1000)
                """);
        supervise("hog: exec python3 hog.py\n", "hog", TypeConfig.DEFAULTS.withMemory(32L << 20));
        supervisor.start(Map.of("hog", 1)).get();
        Await.until(WAIT, () -> said("hog.1", "hog.1: Error R14 (Memory quota exceeded): "),
                () -> "R14 for hog.1, but its events are " + events("hog.1"));
        long firstPid = snapshot("hog.1").pid();
        assertThat(events("hog.1")).noneMatch(l -> l.contains("R15"));

        Files.writeString(dir.resolve("grow"), "");
        Await.until(WAIT, () -> said("hog.1", "hog.1 Error R15 (Memory quota vastly exceeded): "),
                () -> "R15 for hog.1, but its events are " + events("hog.1"));
        assertThat(events("hog.1")).filteredOn(l -> l.contains("R15")).first().asString()
                .matches("hog\\.1 Error R15 \\(Memory quota vastly exceeded\\): [0-9.]+ MiB of 32 MiB quota, restarting");
        Await.until(WAIT, () -> snapshot("hog.1").restarts() == 1 && snapshot("hog.1").pid() > 0
                        && snapshot("hog.1").pid() != firstPid,
                () -> "hog.1 restarted, but it is " + snapshot("hog.1"));
        assertThat(events("hog.1")).anyMatch(l -> l.startsWith("hog.1 stopped (R15), "));
    }

    @Test
    void aFailingLivenessCheckRestartsTheInstanceWithTheReason() throws Exception {
        Path alive = Files.createFile(dir.resolve("alive"));
        supervise("web: exec sleep 1000\n", "web", TypeConfig.DEFAULTS.withLiveness(new Liveness(Liveness.Kind.EXEC,
                "test -e alive || { echo gone; exit 3; }", Duration.ofMillis(100), 2, Duration.ofSeconds(5), null)));
        supervisor.start(Map.of("web", 1)).get();
        Await.until(WAIT, () -> snapshot("web.1").state() == InstanceState.UP, "web.1 up");
        long firstPid = snapshot("web.1").pid();

        Files.delete(alive);
        Await.until(WAIT, () -> said("web.1", "web.1 liveness check"),
                () -> "a liveness restart, but the events are " + events("web.1"));
        assertThat(events("web.1")).filteredOn(l -> l.contains("liveness")).first().asString().isEqualTo(
                "web.1 liveness check exec \"test -e alive || { echo gone; exit 3; }\" failed 2 times in a row"
                        + " (exited with exit code 3: gone), restarting");
        Await.until(WAIT, () -> snapshot("web.1").restarts() == 1 && snapshot("web.1").pid() != firstPid,
                () -> "web.1 restarted, but it is " + snapshot("web.1"));
    }

    @Test
    void anExecCheckPastItsTimeoutIsKilledWithItsGroupAndCountsAsAFailure() throws Exception {
        supervise("web: exec sleep 1000\n", "web", TypeConfig.DEFAULTS.withLiveness(new Liveness(Liveness.Kind.EXEC,
                "test -e first || exit 0; rm first; sleep 1000 & sleep 1000", Duration.ofMillis(100), 1,
                Duration.ofMillis(300), null)));
        Files.createFile(dir.resolve("first"));
        supervisor.start(Map.of("web", 1)).get();
        Await.until(WAIT, () -> said("web.1", "web.1 liveness check"),
                () -> "a liveness restart, but the events are " + events("web.1"));
        assertThat(events("web.1")).filteredOn(l -> l.contains("liveness")).first().asString()
                .endsWith("failed once (did not end within 300 ms), restarting");
        // The check's own group (both sleeps) is gone; the instance's new run is the only process left.
        Await.until(WAIT, () -> probe.livePids().size() == 1 && snapshot("web.1").restarts() >= 1,
                () -> "only the restarted web.1 left, but " + probe.livePids() + ", " + snapshot("web.1"));
    }

    private static boolean which(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
