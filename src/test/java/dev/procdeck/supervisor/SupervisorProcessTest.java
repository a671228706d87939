package dev.procdeck.supervisor;

import dev.procdeck.procfile.RestartMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcessProbe;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor with real processes: fixtures are small sh programs. */
class SupervisorProcessTest {
    /**
     * A base port of the tests' own: events are checked in order, and another program on 5000 (another procdeck's
     * demo) adds a port-in-use line first.
     */
    private static final int BASE = 20000 + new java.util.Random().nextInt(400) * 100;

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();
    private final List<LogLine> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<InstanceLifecycle.Transition> transitions = Collections.synchronizedList(new ArrayList<>());
    private Supervisor supervisor;

    private Supervisor supervisor(String procfile, SupervisorSettings settings) throws Exception {
        return supervisor(procfile, settings, Map.of());
    }

    /** With procdeck.yml settings per type, as its parser would give them. */
    private Supervisor supervisor(String procfile, SupervisorSettings settings, Map<String, TypeConfig> types)
            throws Exception {
        Project project = new Project(dir, dir.resolve("Procfile"), ProcfileParser.parse("Procfile", procfile),
                Map.of(probe.name, probe.value), List.of(),
                new ProjectConfig(dir.resolve("procdeck.yml"), Map.of(), types, List.of()));
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(dev.procdeck.logs.LogListener.ofLines(lines::addAll));
        supervisor = new Supervisor(project, settings, new PosixProcessLauncher(), bus, Clock.systemUTC(), System.getenv());
        supervisor.addListener((snapshot, t) -> {
            if (t != null) {
                transitions.add(t);
            }
        });
        return supervisor;
    }

    private static SupervisorSettings settings() {
        return SupervisorSettings.defaults(BASE).withStopTimeout(Duration.ofSeconds(2));
    }

    /** Fixtures that run to completion: no restarts. */
    private static SupervisorSettings runOnce() {
        return settings().withDefaultPolicy(RestartPolicy.of(RestartMode.NEVER));
    }

    private List<String> texts(String instance, LogStream stream) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.instance().equals(instance) && l.stream() == stream)
                    .map(LogLine::text).collect(Collectors.toList());
        }
    }

    private InstanceSnapshot snapshot(String name) {
        return supervisor.snapshots().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    private void awaitState(String name, InstanceState state) {
        Await.until(WAIT, () -> snapshot(name) != null && snapshot(name).state() == state,
                () -> name + " to be " + state + " but is " + snapshot(name));
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (supervisor != null) {
            supervisor.close();
        }
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "no fixture process left, but " + probe.livePids());
    }

    @Test
    void instancesGetPortPsDynoAndTheirOutputIsAttributed() throws Exception {
        supervisor("web: echo \"port=$PORT ps=$PS dyno=$DYNO\"; echo err >&2; exec sleep 1000\n"
                + "worker: echo \"port=$PORT\"; exec sleep 1000\n", settings());
        supervisor.start(Map.of("web", 2, "worker", 1)).get();
        Await.until(WAIT, () -> texts("worker.1", LogStream.STDOUT).size() == 1
                && texts("web.2", LogStream.STDERR).size() == 1 && texts("web.1", LogStream.STDOUT).size() == 1, "output");
        assertThat(texts("web.1", LogStream.STDOUT)).containsExactly("port=" + BASE + " ps=web.1 dyno=web.1");
        assertThat(texts("web.2", LogStream.STDOUT)).containsExactly("port=" + (BASE + 1) + " ps=web.2 dyno=web.2");
        assertThat(texts("worker.1", LogStream.STDOUT)).containsExactly("port=" + (BASE + 100));
        assertThat(texts("web.1", LogStream.STDERR)).containsExactly("err");
        assertThat(texts("web.1", LogStream.SYSTEM).get(0)).matches("web\\.1 started \\(pid \\d+, port " + BASE + "\\)");
        assertThat(supervisor.snapshots()).extracting(InstanceSnapshot::name).containsExactly("web.1", "web.2", "worker.1");
    }

    @Test
    void crashRestartsAtOnceThenAfterOneSecond() throws Exception {
        supervisor("flaky: echo run; exit 3\n", settings());
        supervisor.start(Map.of("flaky", 1)).get();
        Await.until(WAIT, () -> snapshot("flaky.1").restarts() >= 2, "two restarts");
        List<String> events = texts("flaky.1", LogStream.SYSTEM);
        assertThat(events.get(1)).isEqualTo("flaky.1 crashed with exit code 3, restarting now");
        assertThat(events.get(3)).isEqualTo("flaky.1 crashed with exit code 3, restarting in 1 s");
        supervisor.stopAll().get(5, TimeUnit.SECONDS);
        assertThat(snapshot("flaky.1").state()).isEqualTo(InstanceState.STOPPED);
    }

    @Test
    void stopReachesTheWholeTreeIncludingDoubleForkedGrandchildren() throws Exception {
        supervisor("tree: sleep 1000 & (sleep 1000 &) ; sh -c 'sleep 1000 & wait' & echo spawned; wait\n", settings());
        supervisor.start(Map.of("tree", 1)).get();
        Await.until(WAIT, () -> probe.livePids().size() >= 5, () -> "the tree, got " + probe.livePids());
        supervisor.stopAll().get(5, TimeUnit.SECONDS);
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "the tree to be gone, left " + probe.livePids());
        assertThat(snapshot("tree.1").state()).isEqualTo(InstanceState.STOPPED);
    }

    @Test
    void stoppedMeansTheGroupIsEmptyEvenWhenAChildIgnoringTermHoldsNoPipe() throws Exception {
        // The finding: "web.1 stopped" while `sleep 98` (TERM ignored, pipes closed) lived on.
        supervisor("web: sh -c 'trap \"\" TERM; exec sleep 98' >/dev/null 2>&1 & echo started; exec sleep 1000\n",
                SupervisorSettings.defaults(BASE).withStopTimeout(Duration.ofMillis(500)));
        supervisor.start(Map.of("web", 1)).get();
        // Only once `sleep 98` runs has its shell set the trap (earlier, SIGTERM would simply kill that shell).
        Await.until(WAIT, () -> probe.livePids().stream().anyMatch(pid -> commandLine(pid).startsWith("sleep\u000098")),
                () -> "sleep 98 running, got " + probe.livePids());
        supervisor.stopAll().get(5, TimeUnit.SECONDS);
        assertThat(probe.livePids()).isEmpty();
        assertThat(snapshot("web.1").state()).isEqualTo(InstanceState.STOPPED);
        assertThat(texts("web.1", LogStream.SYSTEM))
                .contains("web.1 did not stop within 500 ms, sending SIGKILL to its process group");
    }

    private static String commandLine(long pid) {
        try {
            return java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void aMainProcessExitingOnItsOwnDoesNotEndTheRunWhileItsGroupLives() throws Exception {
        supervisor("web: sh -c 'trap \"\" TERM; exec sleep 97' >/dev/null 2>&1 & echo started\n",
                runOnce().withStopTimeout(Duration.ofMillis(300)));
        supervisor.start(Map.of("web", 1)).get();
        awaitState("web.1", InstanceState.EXITED);
        assertThat(probe.livePids()).isEmpty();
        assertThat(texts("web.1", LogStream.SYSTEM)).anyMatch(t -> t.contains("left processes in its group"));
    }

    /** prctl(2) and waitpid(2), to play a subreaper that adopts orphans and does not reap them at once. */
    public static final class Libc {
        static {
            com.sun.jna.Native.register(Libc.class, "c");
        }

        static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        static native int waitpid(int pid, int[] status, int options);
    }

    @Test
    void aStopEndsWhenOnlyZombiesAreLeftWaitingForASubreaperThatDoesNotReap() throws Exception {
        // The benchmark harness adopts orphans and reaps them only at the end: after a stop, the killed
        // grandchildren stay zombies in the group, and kill(-pgid, 0) keeps succeeding. Before, procdeck waited
        // for them for ever; zombies run nothing, so the stop is over.
        final int prSetChildSubreaper = 36;
        assertThat(Libc.prctl(prSetChildSubreaper, 1, 0, 0, 0)).isZero();
        List<Long> grandchildren = new ArrayList<>();
        try {
            supervisor("tree: sh -c 'sleep 1000 & wait'\n", SupervisorSettings.defaults(BASE).withStopTimeout(Duration.ofSeconds(2)));
            supervisor.start(Map.of("tree", 1)).get();
            Await.until(WAIT, () -> probe.livePids().size() >= 2, () -> "sh and sleep, got " + probe.livePids());
            long leader = snapshot("tree.1").pid();
            grandchildren.addAll(probe.livePids().stream().filter(pid -> pid != leader).toList());
            supervisor.stopAll().get(5, TimeUnit.SECONDS);
            assertThat(snapshot("tree.1").state()).isEqualTo(InstanceState.STOPPED);
            assertThat(texts("tree.1", LogStream.SYSTEM)).noneMatch(t -> t.contains("SIGKILL"));
        } finally {
            Libc.prctl(prSetChildSubreaper, 0, 0, 0, 0);
            for (long pid : grandchildren) {
                Libc.waitpid((int) pid, new int[1], 0); // reap only the orphans this test adopted
            }
        }
    }

    @Test
    void linesOfProcessesLeftInTheGroupAfterTheMainOneExitedAreAllRead() throws Exception {
        // The JDK closes its own pipe of a process as soon as that process exits: a member of the group still
        // writing (here a shell cleaning up on SIGTERM) lost its lines and got EPIPE ("echo: I/O error").
        // Procdeck's own pipes stay open until every process of the group is done with them.
        supervisor("web: sh -c 'trap \"sleep 0.2; echo one; sleep 0.2; echo two; sleep 0.2; echo three; exit 0\" TERM;"
                + " echo ready;"
                + " while :; do sleep 0.05; done' & exec sleep 1000\n", settings().withStopTimeout(Duration.ofSeconds(5)));
        supervisor.start(Map.of("web", 1)).get();
        Await.until(WAIT, () -> texts("web.1", LogStream.STDOUT).contains("ready"), "ready");
        supervisor.stopAll().get(10, TimeUnit.SECONDS);
        assertThat(texts("web.1", LogStream.STDOUT)).containsExactly("ready", "one", "two", "three");
        assertThat(texts("web.1", LogStream.STDERR)).noneMatch(t -> t.contains("I/O error"));
        assertThat(texts("web.1", LogStream.SYSTEM)).noneMatch(t -> t.contains("SIGKILL"));
    }

    @Test
    void aProcessIgnoringSigtermIsKilledAfterTheTimeout() throws Exception {
        supervisor("stubborn: trap '' TERM; echo ready; while true; do sleep 0.05; done\n",
                SupervisorSettings.defaults(BASE).withStopTimeout(Duration.ofMillis(300)));
        supervisor.start(Map.of("stubborn", 1)).get();
        Await.until(WAIT, () -> texts("stubborn.1", LogStream.STDOUT).contains("ready"), "ready");
        supervisor.stopAll().get(5, TimeUnit.SECONDS);
        assertThat(texts("stubborn.1", LogStream.SYSTEM))
                .contains("stubborn.1 did not stop within 300 ms, sending SIGKILL to its process group");
        assertThat(snapshot("stubborn.1").lastExit().signal()).isEqualTo(9);
        assertThat(probe.livePids()).isEmpty();
    }

    @Test
    void lastLinesComeBeforeTheExitEventEvenWithoutFinalNewline() throws Exception {
        supervisor("once: printf 'a\\nb\\nno-newline'; exit 2\n",
                runOnce());
        supervisor.start(Map.of("once", 1)).get();
        awaitState("once.1", InstanceState.CRASHED);
        List<LogLine> mine;
        synchronized (lines) {
            mine = lines.stream().filter(l -> l.instance().equals("once.1")).toList();
        }
        assertThat(mine).extracting(LogLine::text).containsSubsequence("a", "b", "no-newline",
                "once.1 crashed with exit code 2 (restart policy: never)");
    }

    @Test
    void scalingUpStartsAndScalingDownStopsTheHighestNumbers() throws Exception {
        supervisor("web: exec sleep 1000\n", settings());
        supervisor.start(Map.of("web", 1)).get();
        awaitState("web.1", InstanceState.UP);
        long pid1 = snapshot("web.1").pid();
        supervisor.scale("web", 3).get();
        awaitState("web.3", InstanceState.UP);
        Await.until(WAIT, () -> probe.livePids().size() == 3, "three processes");
        supervisor.scale("web", 1).get();
        Await.until(WAIT, () -> supervisor.snapshots().size() == 1, "two instances removed");
        assertThat(snapshot("web.1").pid()).isEqualTo(pid1);
        Await.until(WAIT, () -> probe.livePids().equals(List.of(pid1)), "only web.1 left");
        assertThat(supervisor.scale()).containsEntry("web", 1);
    }

    @Test
    void restartGivesANewPid() throws Exception {
        supervisor("web: exec sleep 1000\n", settings());
        supervisor.start(Map.of("web", 1)).get();
        awaitState("web.1", InstanceState.UP);
        long before = snapshot("web.1").pid();
        supervisor.restartInstance(InstanceId.parse("web.1")).get();
        Await.until(WAIT, () -> snapshot("web.1").state() == InstanceState.UP && snapshot("web.1").pid() != before,
                "a new pid");
        assertThat(snapshot("web.1").restarts()).isZero();
        assertThat(probe.livePids()).doesNotContain(before);
    }

    @Test
    void leftoversOfAnExitedLeaderAreStoppedToo() throws Exception {
        supervisor("leaky: sleep 1000 & echo leaked; exit 1\n",
                runOnce());
        supervisor.start(Map.of("leaky", 1)).get();
        awaitState("leaky.1", InstanceState.CRASHED);
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "leftover sleep to die, left " + probe.livePids());
    }

    @Test
    void missingCommandIsReportedAsExit127AndSettles() throws Exception {
        List<Boolean> settled = Collections.synchronizedList(new ArrayList<>());
        supervisor("nope: no-such-command-procdeck\n",
                runOnce());
        supervisor.addListener(new SupervisorListener() {
            @Override
            public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
            }

            @Override
            public void settled() {
                settled.add(true);
            }
        });
        supervisor.start(Map.of("nope", 1)).get();
        awaitState("nope.1", InstanceState.FAILED);
        assertThat(texts("nope.1", LogStream.SYSTEM)).contains("nope.1 exited 127: command not found:"
                + " no-such-command-procdeck; not retried: fix the command, then start it again");
        assertThat(texts("nope.1", LogStream.STDERR)).anyMatch(l -> l.contains("not found"));
        Await.until(WAIT, () -> !settled.isEmpty(), "settled");
    }

    @Test
    void aTakenPortIsNamedWithItsInstanceAndType() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            supervisor("api: exec sleep 1000\n", SupervisorSettings.defaults(taken.getLocalPort()));
            supervisor.start(Map.of("api", 1)).get();
            awaitState("api.1", InstanceState.UP);
            // And by whom (this test's JVM), found off the supervision thread: the line follows.
            String prefix = "api.1: port " + taken.getLocalPort() + " (its $PORT, from the api type's port block) is"
                    + " already in use by another program (pid " + ProcessHandle.current().pid() + " (";
            Await.until(WAIT, () -> texts("api.1", LogStream.SYSTEM).stream()
                    .anyMatch(l -> l.startsWith(prefix) && l.endsWith("); it may fail to listen")),
                    () -> "the port-in-use line, got " + texts("api.1", LogStream.SYSTEM));
        }
    }

    @Test
    void twoHundredChildrenAreAllStopped() throws Exception {
        supervisor("forker: i=0; while [ $i -lt 200 ]; do sleep 1000 & i=$((i+1)); done; echo forked; wait\n", settings());
        supervisor.start(Map.of("forker", 1)).get();
        Await.until(WAIT, () -> probe.livePids().size() >= 201, () -> "201 processes, got " + probe.livePids().size());
        supervisor.stopAll().get(10, TimeUnit.SECONDS);
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "all gone, left " + probe.livePids().size());
    }

    @Test
    void tenMegabyteLinesAndBinaryGarbageAreSurvived() throws Exception {
        supervisor("noise: head -c 10485760 /dev/zero | tr '\\0' y; echo; printf 'bin\\377\\376ary\\n';"
                + " head -c 200000 /dev/urandom; echo; echo still-here\n",
                runOnce());
        supervisor.start(Map.of("noise", 1)).get();
        awaitState("noise.1", InstanceState.EXITED);
        List<String> out = texts("noise.1", LogStream.STDOUT);
        assertThat(out.get(out.size() - 1)).isEqualTo("still-here");
        assertThat(out.stream().filter(l -> l.startsWith("yyyy")).count()).isEqualTo(160);
        assertThat(out.subList(0, 160).stream().mapToInt(l -> l.replace(dev.procdeck.logs.LineSplitter.CONTINUED, "")
                .length()).sum()).isEqualTo(10 * 1024 * 1024);
        assertThat(out.get(160)).isEqualTo("bin\uFFFD\uFFFDary");
        assertThat(out).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(
                dev.procdeck.logs.LineSplitter.DEFAULT_MAX_LINE_BYTES + dev.procdeck.logs.LineSplitter.CONTINUED.length()));
        assertThat(out).allSatisfy(l -> assertThat(dev.procdeck.logs.AnsiText.isPlain(
                dev.procdeck.logs.AnsiText.strip(l))).isTrue());
    }

    @Test
    void unusableWorkingFolderFailsTheInstanceWithAReason() throws Exception {
        supervisor("web: true\n", settings());
        java.nio.file.Files.delete(dir);
        supervisor.start(Map.of("web", 1)).get();
        awaitState("web.1", InstanceState.FAILED);
        assertThat(snapshot("web.1").message()).startsWith("failed to start: working folder").endsWith("does not exist");
        java.nio.file.Files.createDirectories(dir);
    }

    // ---- procdeck.yml per type, with real processes ---------------------------------------------------------

    private static TypeConfig typeConfig(String stopSignal, Readiness ready, List<String> dependsOn) {
        return TypeConfig.DEFAULTS.withStopSignal(stopSignal).withReady(ready).withDependsOn(dependsOn).withLine(1);
    }

    /** A base port nothing listens on now, so that no other program answers a readiness check in its place. */
    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A command serving HTTP on $PORT: python3's http.server, else a small Java server from the test resources. */
    private static String httpServerCommand() throws Exception {
        boolean python;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import http.server").redirectErrorStream(true).start();
            python = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            python = false;
        }
        if (python) {
            return "exec python3 -m http.server $PORT --bind 127.0.0.1";
        }
        Path source = Path.of(SupervisorProcessTest.class.getResource("TinyHttpServer.java").toURI());
        return "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' '" + source + "' $PORT";
    }

    @Test
    void anInstanceIsStartingUntilARealHttpServerAnswersItsReadinessCheck() throws Exception {
        supervisor("web: sleep 1; " + httpServerCommand() + "\n", SupervisorSettings.defaults(freePort())
                        .withStopTimeout(Duration.ofSeconds(5)).withDefaultPolicy(RestartPolicy.of(RestartMode.NEVER)),
                Map.of("web", typeConfig(null, new Readiness(Readiness.Kind.HTTP, "/", Duration.ofSeconds(60)), List.of())));
        supervisor.start(Map.of("web", 1)).get();
        // During the sleep: a process, but not up.
        Await.until(WAIT, () -> snapshot("web.1") != null && snapshot("web.1").pid() > 0, "web.1 spawned");
        InstanceSnapshot waiting = snapshot("web.1");
        assertThat(waiting.state()).isEqualTo(InstanceState.STARTING);
        assertThat(waiting.waitingFor()).isEqualTo("http /");
        Await.until(Duration.ofSeconds(60), () -> snapshot("web.1").state() == InstanceState.UP,
                () -> "web.1 to be ready, but " + snapshot("web.1") + "; " + texts("web.1", LogStream.SYSTEM));
        assertThat(texts("web.1", LogStream.SYSTEM)).anyMatch(t ->
                t.matches("web\\.1 ready \\(http / answered 200 after \\d+\\.\\d s\\)"));
    }

    @Test
    void aDependentStartsAfterItsDependencyIsReadyAndStopsBeforeIt() throws Exception {
        // Each writes a nanosecond timestamp when it is ready or started, and when it gets the stop signal.
        supervisor("web: trap 'date +%s%N > web.stopped; exit 0' TERM; date +%s%N > web.started;"
                        + " while :; do sleep 0.05; done\n"
                        + "db: trap 'date +%s%N > db.stopped; exit 0' TERM; sleep 0.3; date +%s%N > db.ready;"
                        + " echo accepting connections; while :; do sleep 0.05; done\n",
                settings().withStopTimeout(Duration.ofSeconds(5)),
                Map.of("web", typeConfig(null, null, List.of("db")),
                        "db", typeConfig(null, new Readiness(Readiness.Kind.LOG, "accepting conn", Duration.ofSeconds(30)),
                                List.of())));
        supervisor.start(Map.of("web", 1, "db", 1)).get();
        Await.until(WAIT, () -> snapshot("web.1").state() == InstanceState.UP, () -> "web.1 up, but " + snapshot("web.1"));
        // Up means spawned (web has no readiness check): stop only once it has written its start.
        Await.until(WAIT, () -> dir.resolve("web.started").toFile().length() > 1, "web.started written");
        supervisor.stopAll().get(20, TimeUnit.SECONDS);
        assertThat(stamp("db.ready")).isLessThan(stamp("web.started"));
        assertThat(stamp("web.stopped")).isLessThan(stamp("db.stopped"));
        assertThat(texts("web.1", LogStream.SYSTEM)).first().isEqualTo("web.1 waiting for db");
        assertThat(texts("db.1", LogStream.SYSTEM)).noneMatch(t -> t.contains("SIGKILL"));
    }

    private long stamp(String file) throws java.io.IOException {
        return Long.parseLong(java.nio.file.Files.readString(dir.resolve(file)).trim());
    }

    @Test
    void aTypeWhoseStopSignalIsIntIsStoppedWithSigint() throws Exception {
        String ignored = java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0").substring(7).trim();
        org.junit.jupiter.api.Assumptions.assumeTrue((Long.parseLong(ignored, 16) & 0x2) == 0,
                "SIGINT is ignored by this JVM (started in the background), so a child shell cannot trap it");
        // SIGTERM would end this shell with 143; only SIGINT runs its trap and makes it exit 0.
        supervisor("web: trap 'echo got INT; exit 0' INT; echo ready; while :; do sleep 0.05; done\n",
                settings().withStopTimeout(Duration.ofSeconds(5)),
                Map.of("web", typeConfig("INT", null, List.of())));
        supervisor.start(Map.of("web", 1)).get();
        Await.until(WAIT, () -> texts("web.1", LogStream.STDOUT).contains("ready"), "ready");
        supervisor.stopAll().get(10, TimeUnit.SECONDS);
        assertThat(texts("web.1", LogStream.STDOUT)).contains("got INT");
        assertThat(snapshot("web.1").lastExit()).isEqualTo(new ExitStatus(0));
        assertThat(texts("web.1", LogStream.SYSTEM)).contains("web.1 stopped, exit code 0");
    }
}
