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
import dev.procdeck.procfile.Schedule;
import dev.procdeck.procfile.TypeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The supervisor without real processes: scripted histories of launches, exits and signals replayed on a fake
 * clock in milliseconds, as honcho's tests do. Real-process behaviour is in {@link SupervisorProcessTest}.
 */
class SupervisorHistoryTest {
    private final FakeScheduler clock = new FakeScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeProcesses os = new FakeProcesses();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> removed = new ArrayList<>();
    private final Map<String, TypeConfig> types = new java.util.HashMap<>();
    private final java.util.Deque<ReadinessProbe.Answer> answers = new java.util.ArrayDeque<>();
    private final List<String> probes = new ArrayList<>();
    private LogBus bus;
    private Supervisor supervisor;

    private Project project(String procfile) {
        return project(procfile, Map.of("FROM_DOTENV", "dotenv", "SHARED", "dotenv"));
    }

    private Project project(String procfile, Map<String, String> dotEnv) {
        try {
            return new Project(Path.of("/tmp"), Path.of("/tmp/Procfile"), ProcfileParser.parse("Procfile", procfile),
                    dotEnv, List.of(), new ProjectConfig(Path.of("/tmp/procdeck.yml"), Map.of(), types, List.of()));
        } catch (dev.procdeck.procfile.ProjectFileException e) {
            throw new AssertionError(e);
        }
    }

    /** procdeck.yml settings of one type, as its parser would give them. */
    private static TypeConfig type(RestartMode restart, Integer maxRestarts, String stopSignal, Duration stopTimeout,
                                   Readiness ready, List<String> dependsOn, Map<String, String> env) {
        return TypeConfig.DEFAULTS.withRestart(restart).withMaxRestarts(maxRestarts).withStopSignal(stopSignal).withStopTimeout(stopTimeout).withReady(ready).withDependsOn(dependsOn).withEnv(env).withLine(1);
    }

    private static TypeConfig ready(Readiness ready, String... dependsOn) {
        return type(null, null, null, null, ready, List.of(dependsOn), Map.of());
    }

    private static TypeConfig dependsOn(String... types) {
        return type(null, null, null, null, null, List.of(types), Map.of());
    }

    private static Readiness http(String path, int timeoutSeconds) {
        return new Readiness(Readiness.Kind.HTTP, path, Duration.ofSeconds(timeoutSeconds));
    }

    /** The scripted probe answers "not ready" unless an answer was queued. */
    private void answer(boolean ready, String detail) {
        answers.add(new ReadinessProbe.Answer(ready, detail));
    }

    private Supervisor supervisor(String procfile, RestartPolicy policy) {
        return supervisor(procfile, policy, false);
    }

    private Supervisor supervisor(String procfile, RestartPolicy policy, boolean router) {
        bus = new LogBus(Clock.systemUTC());
        bus.addListener(dev.procdeck.logs.LogListener.ofLines(lines -> lines.forEach(l -> {
            if (l.stream() == LogStream.SYSTEM) {
                events.add(l.text());
            }
        })));
        SupervisorSettings settings = SupervisorSettings.defaults(5000).withStopTimeout(Duration.ofSeconds(5))
                .withDefaultPolicy(policy).withRouter(router);
        supervisor = new Supervisor(project(procfile), settings, os, os, clock, bus, Map.of("SHARED", "parent"));
        supervisor.setReadinessProbe((readiness, port, pgid) -> {
            probes.add(readiness.describe() + " on " + port + " at " + clock.now().toEpochMilli() % 100_000);
            ReadinessProbe.Answer next = answers.poll();
            return next != null ? next : new ReadinessProbe.Answer(false, readiness.describe() + " refused the connection");
        });
        supervisor.addListener(new SupervisorListener() {
            @Override
            public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
            }

            @Override
            public void instanceRemoved(InstanceId id) {
                removed.add(id.name());
            }
        });
        return supervisor;
    }

    private <T> T done(CompletableFuture<T> future) {
        clock.runDue();
        assertThat(future).isDone();
        return future.join();
    }

    private InstanceSnapshot state(String name) {
        return supervisor.snapshots().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    void scalingUpStartsAndScalingDownStopsTheHighestNumbersThenRemovesThem() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 3)));
        assertThat(os.launched).extracting(p -> p.spec.name()).containsExactly("web.1", "web.2", "web.3");
        assertThat(os.last("web.2").spec.environment()).containsEntry("PORT", "5001").containsEntry("DYNO", "web.2")
                .containsEntry(Supervisor.MARK_VARIABLE, supervisor.marker());
        done(supervisor.scale("web", 1));
        clock.runDue();
        assertThat(os.signals).containsExactly("TERM web.2", "TERM web.3");
        assertThat(removed).containsExactly("web.2", "web.3");
        assertThat(supervisor.snapshots()).extracting(InstanceSnapshot::name).containsExactly("web.1");
        assertThat(supervisor.scale()).containsEntry("web", 1);
    }

    @Test
    void behindTheRouterARestartStartsTheReplacementFirstAndDrainsTheOldOneOnlyOnceItIsReady() {
        types.put("web", ready(http("/", 30)));
        supervisor("web: serve\nworker: work\n", RestartPolicy.HEROKU, true);
        List<String> drains = new ArrayList<>();
        CompletableFuture<Void> drained = new CompletableFuture<>();
        supervisor.setStopGate((id, port) -> {
            drains.add(id.name() + " on " + port);
            return drained;
        });
        answer(true, "http / answered 200");
        done(supervisor.start(Map.of("web", 1, "worker", 1)));
        clock.advance(Duration.ofMillis(200));
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(state("web.1").port()).as("one up: the router has the base port").isEqualTo(5001);
        assertThat(state("worker.1").port()).isEqualTo(5100);
        long oldPid = state("web.1").pid();

        done(supervisor.restartType("web"));
        assertThat(os.launches("web.1")).as("the replacement is launched while the old one serves").isEqualTo(2);
        assertThat(os.last("web.1").spec.environment()).containsEntry("PORT", "5051").containsEntry("DYNO", "web.1");
        assertThat(state("web.1").pid()).isEqualTo(oldPid);
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(os.signals).isEmpty();
        assertThat(drains).isEmpty();

        answer(true, "http / answered 200");
        clock.advance(Duration.ofMillis(200));
        assertThat(state("web.1").pid()).as("the replacement is web.1 now").isNotEqualTo(oldPid);
        assertThat(state("web.1").port()).isEqualTo(5051);
        assertThat(drains).containsExactly("web.1 on 5001");
        assertThat(os.signals).as("no signal while the old one drains").isEmpty();

        drained.complete(null);
        clock.runDue();
        assertThat(os.signals).containsExactly("TERM web.1");
        clock.runDue();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(events).anyMatch(e -> e.startsWith("web.1 previous process stopped"));
        assertThat(removed).as("the instance itself stays").isEmpty();

        // The next restart goes back to the instance's own port.
        drains.clear();
        answer(true, "http / answered 200");
        done(supervisor.restartInstance(new InstanceId("web", 1)));
        assertThat(os.last("web.1").spec.environment()).containsEntry("PORT", "5001");
    }

    @Test
    void theSecondPrebootRestartDrainsTheProcessTheFirstOneStartedBeforeItsStopSignal() {
        types.put("web", ready(http("/", 30)));
        supervisor("web: serve\n", RestartPolicy.HEROKU, true);
        List<String> drains = new ArrayList<>();
        List<CompletableFuture<Void>> gates = new ArrayList<>();
        supervisor.setStopGate((id, port) -> {
            drains.add(id.name() + " on " + port);
            CompletableFuture<Void> gate = new CompletableFuture<>();
            gates.add(gate);
            return gate;
        });
        answer(true, "http / answered 200");
        done(supervisor.start(Map.of("web", 1)));
        clock.advance(Duration.ofMillis(200));
        done(supervisor.restartType("web"));
        answer(true, "http / answered 200");
        clock.advance(Duration.ofMillis(200));
        gates.get(0).complete(null);
        clock.runDue();
        clock.runDue();
        assertThat(os.signals).containsExactly("TERM web.1");
        long firstReplacement = state("web.1").pid();
        assertThat(state("web.1").port()).isEqualTo(5051);

        // The process the first preboot started serves now; the second preboot must drain it like the first.
        drains.clear();
        os.signals.clear();
        done(supervisor.restartType("web"));
        answer(true, "http / answered 200");
        clock.advance(Duration.ofMillis(200));
        assertThat(state("web.1").pid()).as("the second replacement is web.1 now").isNotEqualTo(firstReplacement);
        assertThat(drains).as("the first replacement is drained before its stop signal").containsExactly("web.1 on 5051");
        assertThat(os.signals).as("no signal while it drains").isEmpty();
        gates.get(1).complete(null);
        clock.runDue();
        assertThat(os.signals).containsExactly("TERM web.1");
    }

    @Test
    void aReplacementThatNeverBecomesReadyLeavesTheOldProcessServing() {
        types.put("web", ready(http("/", 2)));
        supervisor("web: serve\n", RestartPolicy.HEROKU, true);
        supervisor.setStopGate((id, port) -> CompletableFuture.completedFuture(null));
        answer(true, "http / answered 200");
        done(supervisor.start(Map.of("web", 1)));
        clock.advance(Duration.ofMillis(200));
        long oldPid = state("web.1").pid();
        done(supervisor.restartType("web"));
        clock.advance(Duration.ofSeconds(3)); // the replacement's readiness times out
        clock.advance(Duration.ofSeconds(6));
        assertThat(state("web.1").pid()).isEqualTo(oldPid);
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(os.signals).containsExactly("TERM web.1").as("only the replacement was stopped");
        assertThat(events).anyMatch(e -> e.contains("its replacement did not become ready; the running process keeps serving"));
        assertThat(os.launches("web.1")).as("and not retried").isEqualTo(2);
    }

    @Test
    void withoutTheRouterARestartStopsThenStartsAsBefore() {
        supervisor("web: serve\n", RestartPolicy.HEROKU, false);
        done(supervisor.start(Map.of("web", 1)));
        assertThat(state("web.1").port()).isEqualTo(5000);
        done(supervisor.restartType("web"));
        assertThat(os.signals).containsExactly("TERM web.1");
        assertThat(events).noneMatch(e -> e.contains("preboot"));
        assertThat(state("web.1").port()).isEqualTo(5000);
    }

    @Test
    void aGroupThatIgnoresTermIsKilledAfterTheTimeoutAndOnlyThenStopped() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        os.last("web.1").ignoresTerm = true;
        CompletableFuture<Void> stopped = supervisor.stopAll();
        clock.advance(Duration.ofMillis(4900));
        assertThat(stopped).isNotDone();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPING);
        assertThat(state("web.1").stopPhase()).isEqualTo(InstanceLifecycle.StopPhase.SIGNAL_SENT);
        clock.advance(Duration.ofMillis(200));
        assertThat(os.signals).containsExactly("TERM web.1", "KILL web.1");
        assertThat(events).contains("web.1 did not stop within 5 s, sending SIGKILL to its process group");
        clock.runDue();
        assertThat(stopped).isDone();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPED);
    }

    @Test
    void aStopIsNotOverWhileTheGroupHasProcessesEvenAfterTheLeaderIsReaped() {
        // The finding: `sh -c 'trap "" TERM; exec sleep 98' & exec sleep 1000` left sleep 98 running after "stopped".
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        FakeProcesses.Proc web = os.last("web.1");
        web.ignoresTerm = true;
        CompletableFuture<Void> stopped = supervisor.stopAll();
        clock.runDue();
        web.exit(143, 1); // the leader dies of SIGTERM, a member that ignores it stays
        clock.advance(Duration.ofSeconds(1));
        assertThat(stopped).isNotDone();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPING);
        clock.advance(Duration.ofSeconds(5));
        assertThat(os.signals).containsExactly("TERM web.1", "KILL web.1");
        assertThat(stopped).isDone();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPED);
    }

    @Test
    void aLeaderExitingOnItsOwnWithNeverPolicyStopsWhatItLeftBehindBeforeTheRunEnds() {
        supervisor("web: serve\n", RestartPolicy.of(RestartMode.NEVER));
        done(supervisor.start(Map.of("web", 1)));
        FakeProcesses.Proc web = os.last("web.1");
        web.ignoresTerm = true;
        web.exit(0, 2);
        clock.runDue();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPING);
        assertThat(state("web.1").stopIntent()).isEqualTo(StopIntent.LINGER);
        assertThat(os.signals).containsExactly("TERM web.1");
        clock.advance(Duration.ofSeconds(6));
        assertThat(os.signals).containsExactly("TERM web.1", "KILL web.1");
        assertThat(state("web.1").state()).isEqualTo(InstanceState.EXITED);
        assertThat(state("web.1").lastExit()).isEqualTo(new ExitStatus(0));
    }

    @Test
    void restartWhileStoppingStartsAgainOnceTheGroupIsGone() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        os.last("web.1").ignoresTerm = true;
        supervisor.stopInstance(new InstanceId("web", 1));
        clock.runDue();
        done(supervisor.restartInstance(new InstanceId("web", 1)));
        assertThat(state("web.1").stopIntent()).isEqualTo(StopIntent.RESTART);
        assertThat(os.launches("web.1")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        assertThat(os.launches("web.1")).isEqualTo(2);
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(events.stream().filter(e -> e.contains("starting again"))).as("announced once").hasSize(1);
    }

    @Test
    void aTypeAddedByAReloadGetsThePortProcdeckStartGivesIt() {
        // Found on the desktop: bad (block 4) removed and beat added in its place got 5500, where a fresh
        // procdeck start gives the type at position 4 the port 5400.
        supervisor("web: a\nworker: b\nclock: c\nflaky: d\nbad: e\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "worker", 1, "clock", 1, "flaky", 1, "bad", 1)));
        os.last("bad.1").ignoresTerm = true; // it takes its stop timeout to go
        done(supervisor.reload(project("web: a\nworker: b\nclock: c\nflaky: d\nbeat: f\n")));
        clock.runDue();
        // bad.1 still stops on 5400: beat.1 waits for it rather than share it, then takes it.
        assertThat(os.launches("beat.1")).isZero();
        assertThat(state("beat.1").waitingFor()).startsWith("port 5400 (bad.1 still runs on it");
        clock.advance(Duration.ofSeconds(6));
        assertThat(removed).contains("bad.1");
        assertThat(os.last("beat.1").spec.environment()).containsEntry("PORT",
                Integer.toString(Ports.port(5000, 4, 1)));
        assertThat(state("beat.1").port()).isEqualTo(5400);
    }

    @Test
    void aTypeMovedInTheProcfileKeepsItsPortUntilRestartedAndNeverSharesIt() {
        supervisor("web: a\nworker: b\nclock: c\nflaky: d\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "worker", 1, "clock", 1, "flaky", 1)));
        assertThat(os.last("flaky.1").spec.environment()).containsEntry("PORT", "5300");
        // clock removed: flaky moves to position 2 (5200), the new beat takes position 3 (5300).
        done(supervisor.reload(project("web: a\nworker: b\nflaky: d\nbeat: e\n")));
        clock.runDue();
        assertThat(state("flaky.1").restartToApply()).as("its port moved").isTrue();
        assertThat(state("worker.1").restartToApply()).isFalse();
        assertThat(events).contains("reloaded Procfile: +beat, \u2212clock, flaky moved to ports from 5200 (was 5300)"
                + " \u2014 restart flaky to apply");
        assertThat(os.launches("beat.1")).as("flaky.1 runs on 5300").isZero();
        done(supervisor.restartType("flaky"));
        clock.advance(Duration.ofSeconds(6));
        assertThat(os.last("flaky.1").spec.environment()).containsEntry("PORT", "5200");
        assertThat(state("flaky.1").restartToApply()).isFalse();
        assertThat(os.last("beat.1").spec.environment()).containsEntry("PORT", "5300");
    }

    @Test
    void editingDotEnvMarksTheInstancesThatSeeItAndARestartGivesThemTheNewValues() {
        // Found: editing .env while running said "no change to the process types", marked nothing, and the
        // instances kept the old values.
        types.put("worker", type(null, null, null, null, null, List.of(), Map.of("API_TOKEN", "own")));
        supervisor("web: serve\nworker: work\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 2, "worker", 1)));
        Map<String, String> edited = Map.of("FROM_DOTENV", "dotenv", "SHARED", "dotenv", "SECRET_KEY", "s3cr3t-value",
                "API_TOKEN", "t0ken-value");
        done(supervisor.reload(project("web: serve\nworker: work\n", edited)));
        clock.runDue();
        assertThat(events).contains("reloaded .env: API_TOKEN added (web), SECRET_KEY added (web, worker)"
                + " \u2014 restart web, worker to apply");
        assertThat(String.join("\n", events)).doesNotContain("s3cr3t").doesNotContain("t0ken");
        assertThat(state("web.1").restartToApply()).isTrue();
        assertThat(state("web.2").restartToApply()).isTrue();
        assertThat(state("worker.1").restartToApply()).isTrue();
        // The Environment view shows what the run was started with, not the edited file.
        assertThat(supervisor.launchEnvironment(new InstanceId("web", 1)).orElseThrow()).doesNotContainKey("SECRET_KEY")
                .containsEntry("SHARED", "dotenv").containsEntry("PORT", "5000").doesNotContainKey(Supervisor.MARK_VARIABLE);
        done(supervisor.restartInstance(new InstanceId("web", 1)));
        clock.advance(Duration.ofSeconds(6));
        assertThat(os.last("web.1").spec.environment()).containsEntry("SECRET_KEY", "s3cr3t-value")
                .containsEntry("API_TOKEN", "t0ken-value");
        assertThat(supervisor.launchEnvironment(new InstanceId("web", 1)).orElseThrow())
                .containsEntry("SECRET_KEY", "s3cr3t-value");
        assertThat(supervisor.launchEnvironment(new InstanceId("web", 2)).orElseThrow()).doesNotContainKey("SECRET_KEY");
        assertThat(state("web.1").restartToApply()).isFalse();
        assertThat(state("web.2").restartToApply()).isTrue();
        // Changing it back: what web.2 and worker.1 run is what a start gives again, so they are no longer marked.
        done(supervisor.reload(project("web: serve\nworker: work\n", Map.of("FROM_DOTENV", "dotenv", "SHARED", "dotenv"))));
        assertThat(state("web.2").restartToApply()).isFalse();
        assertThat(state("worker.1").restartToApply()).isFalse();
        assertThat(state("web.1").restartToApply()).isTrue();
        assertThat(events.get(events.size() - 1)).isEqualTo("reloaded .env: API_TOKEN removed (web), SECRET_KEY"
                + " removed (web, worker) \u2014 restart web to apply");
    }

    @Test
    void editingATypesEnvInProcdeckYmlMarksItsInstancesAndNothingElse() {
        supervisor("web: serve\nworker: work\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "worker", 1)));
        types.put("worker", type(null, null, null, Duration.ofSeconds(9), null, List.of(), Map.of("DB_URL", "x")));
        done(supervisor.reload(project("web: serve\nworker: work\n")));
        assertThat(events).contains("reloaded procdeck.yml: worker: stop_timeout changed, env DB_URL added"
                + " \u2014 restart worker to apply");
        assertThat(state("worker.1").restartToApply()).isTrue();
        assertThat(state("web.1").restartToApply()).isFalse();
        done(supervisor.reload(project("web: serve\nworker: work\n")));
        assertThat(events.get(events.size() - 1)).isEqualTo("reloaded Procfile, .env and procdeck.yml: no change");
    }

    @Test
    void stopDuringBackOffCancelsTheRestartForGood() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        os.last("web.1").exit(1, 0);
        clock.runDue(); // first restart is immediate
        os.last("web.1").exit(1, 0);
        clock.runDue();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.BACKING_OFF);
        done(supervisor.stopInstance(new InstanceId("web", 1)));
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPED);
        clock.advance(Duration.ofMinutes(10));
        assertThat(os.launches("web.1")).isEqualTo(2);
    }

    @Test
    void aPolicyChosenWhileRunningAppliesToTheNextExitAndToInstancesAddedLater() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        done(supervisor.setPolicy("web", RestartPolicy.of(RestartMode.NEVER)));
        assertThat(supervisor.policyFor("web").mode()).isEqualTo(RestartMode.NEVER);
        os.last("web.1").exit(3, 0);
        clock.advance(Duration.ofMinutes(1));
        assertThat(state("web.1").state()).isEqualTo(InstanceState.CRASHED);
        assertThat(os.launches("web.1")).isEqualTo(1);
        done(supervisor.scale("web", 2));
        os.last("web.2").exit(1, 0);
        clock.advance(Duration.ofMinutes(1));
        assertThat(os.launches("web.2")).isEqualTo(1);
    }

    @Test
    void crashLoopBacksOffOneTwoFourSeconds() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        List<Long> launchedAt = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long before = os.launches("web.1");
            long start = clock.now().toEpochMilli();
            os.last("web.1").exit(1, 0);
            clock.runDue();
            while (os.launches("web.1") == before) {
                clock.advance(Duration.ofMillis(100));
            }
            launchedAt.add(clock.now().toEpochMilli() - start);
        }
        assertThat(launchedAt).containsExactly(0L, 1000L, 2000L, 4000L);
        assertThat(state("web.1").restarts()).isEqualTo(4);
    }

    @Test
    void reloadThatDropsARunningTypeStopsItGracefullyAddsNewTypesAndMarksChangedCommands() {
        supervisor("web: serve\nbad: crash\nworker: work\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 2, "bad", 1, "worker", 1)));
        ReloadPlan result = done(supervisor.reload(project("web: serve --new\nworker: work\nclock: tick\n")));
        clock.runDue();
        assertThat(result.added()).containsExactly("clock");
        assertThat(result.removed()).containsExactly("bad");
        assertThat(result.commandChanged()).containsExactly("web");
        assertThat(events).contains("reloaded Procfile: +clock, \u2212bad, web command changed, worker moved to ports from"
                        + " 5100 (was 5200) \u2014 restart web, worker to apply",
                "bad.1: type 'bad' was removed from the Procfile, stopping it");
        assertThat(os.signals).containsExactly("TERM bad.1");
        assertThat(removed).containsExactly("bad.1");
        assertThat(supervisor.scale()).containsExactly(Map.entry("web", 2), Map.entry("worker", 1), Map.entry("clock", 1));
        // clock's port (5200) is worker.1's until worker restarts onto its own.
        assertThat(os.launches("clock.1")).isZero();
        // Changed commands apply on the next start, and the table says so until then.
        assertThat(os.last("web.1").spec.command()).isEqualTo("serve");
        assertThat(state("web.1").restartToApply()).isTrue();
        assertThat(state("worker.1").restartToApply()).isTrue();
        done(supervisor.restartType("web"));
        done(supervisor.restartType("worker"));
        clock.runDue();
        assertThat(os.last("web.1").spec.command()).isEqualTo("serve --new");
        assertThat(state("web.1").restartToApply()).isFalse();
        assertThat(os.last("worker.1").spec.environment()).containsEntry("PORT", "5100");
        assertThat(os.last("clock.1").spec.command()).isEqualTo("tick");
        assertThat(os.last("clock.1").spec.environment()).containsEntry("PORT", "5200");
    }

    @Test
    void reloadWhileStoppedAddsTypesAtZeroAndAnExplicitFormationWins() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        ReloadPlan r = done(supervisor.reload(project("web: serve\nworker: work\n")));
        assertThat(r.added()).containsExactly("worker");
        assertThat(events).contains("reloaded Procfile: +worker");
        assertThat(supervisor.scale()).containsEntry("worker", 0);
        done(supervisor.reload(project("web: serve\nworker: work\nclock: tick\n"), Map.of("clock", 2)));
        assertThat(supervisor.scale()).containsEntry("clock", 2);
        assertThat(os.launched).isEmpty();
    }

    @Test
    void scalingBackUpWhileRetiringKeepsTheInstance() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 2)));
        os.last("web.2").ignoresTerm = true;
        done(supervisor.scale("web", 1));
        assertThat(state("web.2").stopIntent()).isEqualTo(StopIntent.RETIRE);
        done(supervisor.scale("web", 2));
        assertThat(state("web.2").stopIntent()).isEqualTo(StopIntent.RESTART);
        clock.advance(Duration.ofSeconds(6));
        assertThat(removed).isEmpty();
        assertThat(state("web.2").state()).isEqualTo(InstanceState.UP);
        assertThat(os.launches("web.2")).isEqualTo(2);
    }

    @Test
    void aFailedLaunchIsFailedAndTheFormationSettles() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        os.failLaunches = true;
        boolean[] settled = {false};
        supervisor.addListener(new SupervisorListener() {
            @Override
            public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
            }

            @Override
            public void settled() {
                settled[0] = true;
            }
        });
        done(supervisor.start(Map.of("web", 1)));
        assertThat(state("web.1").state()).isEqualTo(InstanceState.FAILED);
        assertThat(settled[0]).isTrue();
        assertThat(events).contains("web.1 failed to start: cannot run");
    }

    @Test
    void unknownTypesAreRefusedUpFrontWithTheValidNames() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> supervisor.scale("nope", 1))
                .hasMessage("unknown process type 'nope'; the Procfile has web");
        assertThat(LogLine.PROCDECK).isEqualTo("procdeck");
    }

    @Test
    void everyStartIsRecordedWithItsMarkerRestartsIncludedAndEveryEndForgotten() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        List<String> groups = new ArrayList<>();
        supervisor.setGroupListener(new GroupListener() {
            @Override
            public void groupStarted(long pgid, long startTime, String marker) {
                groups.add("+" + pgid + " " + marker);
            }

            @Override
            public void groupEnded(long pgid) {
                groups.add("-" + pgid);
            }
        });
        done(supervisor.start(Map.of("web", 1)));
        long first = os.last("web.1").pid;
        os.last("web.1").exit(1, 0);
        clock.runDue();
        long second = os.last("web.1").pid;
        done(supervisor.restartInstance(new InstanceId("web", 1)));
        clock.runDue();
        long third = os.last("web.1").pid;
        String m = supervisor.marker();
        assertThat(groups).containsExactly("+" + first + " " + m, "-" + first, "+" + second + " " + m, "-" + second,
                "+" + third + " " + m);
    }

    @Test
    void aStopThatArrivesWhileTheSpawnIsUnderWayStopsTheProcessOnceItExists() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        supervisor.start(Map.of("web", 1));
        CompletableFuture<Void> stopped = supervisor.stopAll(); // queued before the spawn's outcome comes back
        clock.runDue();
        assertThat(os.signals).containsExactly("TERM web.1");
        assertThat(stopped).isDone();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPED);
    }

    // ---- procdeck.yml per type ----------------------------------------------------------------------------

    @Test
    void maxRestartsEndsTheCrashLoopInFailedAndTheFormationSettles() {
        types.put("web", type(null, 3, null, null, null, List.of(), Map.of()));
        supervisor("web: serve\nworker: work\n", RestartPolicy.HEROKU);
        boolean[] settled = {false};
        supervisor.addListener(new SupervisorListener() {
            @Override
            public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
            }

            @Override
            public void settled() {
                settled[0] = true;
            }
        });
        done(supervisor.start(Map.of("web", 1)));
        for (int i = 0; i < 3; i++) {
            os.last("web.1").exit(1, 0);
            clock.advance(Duration.ofSeconds(10)); // past any back-off, far from the 60 s that count as healthy
        }
        assertThat(os.launches("web.1")).isEqualTo(4);
        os.last("web.1").exit(1, 0);
        clock.advance(Duration.ofMinutes(10));
        assertThat(os.launches("web.1")).as("not retried").isEqualTo(4);
        assertThat(state("web.1").state()).isEqualTo(InstanceState.FAILED);
        assertThat(state("web.1").lastExit()).isEqualTo(new ExitStatus(1));
        assertThat(events).contains("web.1 failed: restarted 3 times, not retrying (max_restarts in procdeck.yml)");
        assertThat(settled[0]).isTrue();
        // A person starting it again gets a fresh streak.
        done(supervisor.startInstance(new InstanceId("web", 1)));
        assertThat(os.launches("web.1")).isEqualTo(5);
    }

    @Test
    void aTypesRestartSettingWinsOverTheDefaultWhichStillAppliesToTheOthers() {
        types.put("once", type(RestartMode.NEVER, null, null, null, null, List.of(), Map.of()));
        types.put("job", type(RestartMode.ON_FAILURE, null, null, null, null, List.of(), Map.of()));
        supervisor("web: serve\nonce: run\njob: work\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "once", 1, "job", 1)));
        os.last("web.1").exit(0, 0);
        os.last("once.1").exit(1, 0);
        os.last("job.1").exit(2, 0);
        clock.runDue();
        assertThat(os.launches("web.1")).as("--restart always").isEqualTo(2);
        assertThat(state("once.1").state()).isEqualTo(InstanceState.CRASHED);
        assertThat(events).contains("once.1 crashed with exit code 1 (restart policy: never)");
        assertThat(os.launches("job.1")).as("on-failure after exit 2").isEqualTo(2);
        os.last("job.1").exit(0, 0);
        clock.runDue();
        assertThat(state("job.1").state()).isEqualTo(InstanceState.EXITED);
        assertThat(events).contains("job.1 exited with exit code 0 (restart policy: on-failure)");
    }

    @Test
    void exitCode127NamesTheMissingCommandAndFailsWithoutRetrying() {
        supervisor("web: FOO=1 exec no-such-server --port $PORT\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        os.last("web.1").exit(127, 0);
        clock.runDue();
        assertThat(events).contains("web.1 exited 127: command not found: no-such-server; not retried: fix the"
                + " command, then start it again");
        assertThat(state("web.1").state()).isEqualTo(InstanceState.FAILED);
        clock.advance(Duration.ofMinutes(10));
        assertThat(os.launched).hasSize(1);
        // Started again by hand (after fixing the command), it runs.
        done(supervisor.startInstance(new InstanceId("web", 1)));
        assertThat(os.launched).hasSize(2);
    }

    @Test
    void aTypesStopSignalAndTimeoutAreWhatTheTerminatorUses() {
        types.put("web", type(null, null, "INT", Duration.ofSeconds(2), null, List.of(), Map.of()));
        supervisor("web: serve\nworker: work\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "worker", 1)));
        os.last("web.1").ignoresTerm = true; // the fake ignores every signal but KILL
        os.last("worker.1").ignoresTerm = true;
        CompletableFuture<Void> stopped = supervisor.stopAll();
        clock.advance(Duration.ofMillis(1900));
        assertThat(os.signals).containsExactlyInAnyOrder("INT web.1", "TERM worker.1");
        clock.advance(Duration.ofMillis(200));
        assertThat(os.signals).containsExactlyInAnyOrder("INT web.1", "TERM worker.1", "KILL web.1");
        assertThat(events).contains("web.1 did not stop within 2 s, sending SIGKILL to its process group");
        clock.advance(Duration.ofSeconds(3));
        assertThat(os.signals).contains("KILL worker.1");
        assertThat(events).contains("worker.1 did not stop within 5 s, sending SIGKILL to its process group");
        assertThat(stopped).isDone();
    }

    @Test
    void aTypesEnvComesOnTopOfDotEnvForThatTypeOnlyAndPortStaysProcdecks() {
        types.put("web", type(null, null, null, null, null, List.of(),
                Map.of("SHARED", "web", "ONLY_WEB", "yes", "PORT", "1")));
        supervisor("web: serve\nworker: work\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "worker", 1)));
        assertThat(os.last("web.1").spec.environment()).containsEntry("SHARED", "web").containsEntry("ONLY_WEB", "yes")
                .containsEntry("FROM_DOTENV", "dotenv").containsEntry("PORT", "5000");
        assertThat(os.last("worker.1").spec.environment()).containsEntry("SHARED", "dotenv")
                .doesNotContainKey("ONLY_WEB");
    }

    @Test
    void aScheduledTypeIsNeverStartedAsALongRunningInstance() {
        Schedule everyMinute = new Schedule() {
            @Override
            public String text() {
                return "every 1m";
            }

            @Override
            public java.time.ZonedDateTime next(java.time.ZonedDateTime after) {
                return after.plusMinutes(1);
            }
        };
        types.put("report", TypeConfig.DEFAULTS.withSchedule(everyMinute).withLine(1));
        supervisor("web: serve\nreport: make-report\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "report", 1)));
        done(supervisor.scale("report", 2));
        done(supervisor.startAll());
        assertThat(os.launched).extracting(p -> p.spec.name()).containsExactly("web.1");
        // Its count only turns its schedule on (ScheduledJobs), and stays in the formation for a saved formation.
        assertThat(supervisor.scale()).containsEntry("report", 2);
        assertThat(supervisor.snapshots()).extracting(InstanceSnapshot::name).containsExactly("web.1");
        assertThat(supervisor.jobs().status("report").orElseThrow().enabled()).isTrue();
    }

    // ---- readiness ----------------------------------------------------------------------------------------

    @Test
    void anInstanceIsStartingUntilItsHttpCheckAnswersThenUpWithHowLongItTook() {
        types.put("web", ready(http("/health", 60)));
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STARTING);
        assertThat(state("web.1").waitingFor()).isEqualTo("http /health");
        assertThat(state("web.1").pid()).isEqualTo(os.last("web.1").pid);
        assertThat(state("web.1").hasProcess()).isTrue();
        assertThat(events).contains("web.1 started (pid " + os.last("web.1").pid + ", port 5000), waiting for http /health");
        clock.advance(Duration.ofMillis(1100)); // checks at 100, 300, 700 ms: refused
        assertThat(probes).containsExactly("http /health on 5000 at 100", "http /health on 5000 at 300",
                "http /health on 5000 at 700");
        answer(true, "http /health answered 200");
        clock.advance(Duration.ofMillis(500)); // the next check, at 1 500 ms
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(state("web.1").waitingFor()).isNull();
        assertThat(events).contains("web.1 ready (http /health answered 200 after 1.5 s)");
        clock.advance(Duration.ofMinutes(5));
        assertThat(probes).as("no checks once ready").hasSize(4);
    }

    @Test
    void notReadyInTimeIsHerokusR10TheGroupIsStoppedAndTheRestartPolicyApplies() {
        types.put("web", ready(http("/health", 10)));
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        answer(false, "http /health answered 503");
        clock.advance(Duration.ofMillis(9999));
        assertThat(os.signals).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(events).contains("web.1 not ready after 10 s (http /health refused the connection), stopping it");
        assertThat(os.signals).containsExactly("TERM web.1");
        clock.runDue();
        // Restarted at once as after a first crash; a second miss backs off 1 s, like any crash loop.
        assertThat(os.launches("web.1")).isEqualTo(2);
        assertThat(events).contains("web.1 not ready, then ended with SIGTERM (exit code 143), restarting now");
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STARTING);
        clock.advance(Duration.ofSeconds(10));
        assertThat(state("web.1").state()).isEqualTo(InstanceState.BACKING_OFF);
        assertThat(events).contains("web.1 not ready, then ended with SIGTERM (exit code 143), restarting in 1 s");
        clock.advance(Duration.ofSeconds(1));
        answer(true, "http /health answered 204");
        clock.advance(Duration.ofMillis(100));
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(os.launches("web.1")).isEqualTo(3);
    }

    @Test
    void notReadyIsAFailureEvenWhenTheProcessExitsZeroOnTheStopSignal() {
        types.put("web", type(RestartMode.ON_FAILURE, 1, null, null, http("/", 5), List.of(), Map.of()));
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        os.last("web.1").ignoresTerm = true;
        clock.advance(Duration.ofSeconds(5));
        os.last("web.1").exit(0, 0); // a graceful exit on SIGTERM
        clock.runDue();
        assertThat(os.launches("web.1")).isEqualTo(2);
        clock.advance(Duration.ofSeconds(5));
        clock.runDue();
        clock.advance(Duration.ofSeconds(6));
        assertThat(state("web.1").state()).isEqualTo(InstanceState.FAILED);
        assertThat(events).contains("web.1 failed: restarted once, not retrying (max_restarts in procdeck.yml)");
    }

    @Test
    void aLogCheckMatchesOnlyTheInstancesOwnOutputAndStopsMatchingOnceReady() {
        types.put("web", ready(new Readiness(Readiness.Kind.LOG, "Listening on \\d+", Duration.ofSeconds(30))));
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 2)));
        assertThat(state("web.1").waitingFor()).isEqualTo("log /Listening on \\d+/");
        clock.advance(Duration.ofMillis(1200));
        bus.publish("web.2", LogStream.STDOUT, List.of("Listening on 5001"));
        bus.event("web.1", "Listening on 1 (an event, not output)");
        bus.publish("web.1", LogStream.STDOUT, List.of("booting", "\u001b[32mListening\u001b[0m on 5000"));
        clock.runDue();
        assertThat(state("web.1").state()).as("colours do not hide the match").isEqualTo(InstanceState.UP);
        assertThat(events).contains("web.1 ready (log /Listening on \\d+/ matched after 1.2 s)");
        assertThat(state("web.2").state()).isEqualTo(InstanceState.UP);
        assertThat(probes).as("a log check is not probed").isEmpty();
        // A process that dies before it is ready is restarted and watched again.
        os.last("web.1").exit(1, 0);
        clock.runDue();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STARTING);
        bus.publish("web.1", LogStream.STDERR, List.of("Listening on 5000"));
        clock.runDue();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
    }

    @Test
    void stoppingAnInstanceThatIsNotReadyYetEndsItsChecks() {
        types.put("web", ready(http("/health", 60)));
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1)));
        clock.advance(Duration.ofMillis(400));
        int checks = probes.size();
        done(supervisor.stopAll());
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPED);
        clock.advance(Duration.ofMinutes(2));
        assertThat(probes).hasSize(checks);
        assertThat(events).noneMatch(e -> e.contains("not ready"));
    }

    // ---- depends_on ---------------------------------------------------------------------------------------

    @Test
    void aDependentStartsOnlyOnceEveryInstanceOfItsDependenciesIsReady() {
        types.put("db", ready(new Readiness(Readiness.Kind.PORT, "", Duration.ofSeconds(30))));
        types.put("web", dependsOn("db", "worker"));
        supervisor("web: serve\nworker: work\ndb: postgres\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 2, "worker", 1, "db", 2)));
        assertThat(os.launched).extracting(p -> p.spec.name()).containsExactly("db.1", "db.2", "worker.1");
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STARTING);
        assertThat(state("web.1").waitingFor()).isEqualTo("db");
        assertThat(state("web.1").hasProcess()).isFalse();
        assertThat(events).containsSubsequence("web.1 waiting for db, worker", "web.1 waiting for db");
        answer(true, "port 5200 accepted a connection");
        clock.advance(Duration.ofMillis(100));
        assertThat(state("db.1").state()).isEqualTo(InstanceState.UP);
        assertThat(state("db.2").state()).as("the second check got the default 'refused'").isEqualTo(InstanceState.STARTING);
        assertThat(os.launches("web.1")).isZero();
        answer(true, "port 5201 accepted a connection");
        clock.advance(Duration.ofMillis(200));
        assertThat(os.launched).extracting(p -> p.spec.name()).containsExactly("db.1", "db.2", "worker.1", "web.1", "web.2");
        clock.runDue();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(state("web.1").waitingFor()).isNull();
    }

    @Test
    void restartingOrScalingADependencyLeavesItsDependentsAloneAndZeroInstancesHoldNothingBack() {
        types.put("db", ready(new Readiness(Readiness.Kind.PORT, "", Duration.ofSeconds(30))));
        types.put("web", dependsOn("db"));
        supervisor("web: serve\ndb: postgres\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "db", 1)));
        answer(true, "port 5100 accepted a connection");
        clock.advance(Duration.ofMillis(100));
        clock.runDue();
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
        done(supervisor.restartType("db"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(os.signals).containsExactly("TERM db.1");
        assertThat(os.launches("web.1")).isEqualTo(1);
        // A dependent started while its dependency is not ready waits; scaling the dependency to 0 lets it go.
        done(supervisor.restartType("web"));
        clock.runDue();
        assertThat(state("web.1").waitingFor()).isEqualTo("db");
        done(supervisor.scale("db", 0));
        clock.runDue();
        assertThat(os.launches("web.1")).isEqualTo(2);
        assertThat(state("web.1").state()).isEqualTo(InstanceState.UP);
    }

    @Test
    void stopAllStopsDependentsFirstAndTheirDependenciesOnlyOnceTheyAreDown() {
        types.put("web", dependsOn("api"));
        types.put("api", dependsOn("db"));
        supervisor("web: serve\napi: api\ndb: postgres\nlone: other\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "api", 1, "db", 1, "lone", 1)));
        assertThat(os.launched).extracting(p -> p.spec.name()).containsExactly("db.1", "lone.1", "api.1", "web.1");
        os.last("web.1").ignoresTerm = true;
        CompletableFuture<Void> stopped = supervisor.stopAll();
        clock.advance(Duration.ofSeconds(4));
        assertThat(os.signals).containsExactlyInAnyOrder("TERM web.1", "TERM lone.1");
        assertThat(state("api.1").state()).isEqualTo(InstanceState.UP);
        assertThat(events).contains("stopping dependents first; api, db stop once the types that depend on them"
                + " (depends_on) are down");
        clock.advance(Duration.ofSeconds(2)); // web.1 is killed after 5 s; then api, then db
        assertThat(os.signals).containsSubsequence("TERM web.1", "KILL web.1", "TERM api.1", "TERM db.1");
        assertThat(stopped).isDone();
        assertThat(supervisor.snapshots()).allMatch(s -> s.state() == InstanceState.STOPPED);
    }

    @Test
    void aDependentWaitingForADependencyThatGaveUpLetsTheFormationSettle() {
        types.put("db", type(RestartMode.NEVER, null, null, null, http("/", 30), List.of(), Map.of()));
        types.put("web", dependsOn("db"));
        supervisor("web: serve\ndb: postgres\n", RestartPolicy.HEROKU);
        boolean[] settled = {false};
        supervisor.addListener(new SupervisorListener() {
            @Override
            public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
            }

            @Override
            public void settled() {
                settled[0] = true;
            }
        });
        done(supervisor.start(Map.of("web", 1, "db", 1)));
        clock.runDue();
        assertThat(settled[0]).isFalse();
        os.last("db.1").exit(1, 0);
        clock.runDue();
        assertThat(state("db.1").state()).isEqualTo(InstanceState.CRASHED);
        assertThat(settled[0]).isTrue();
        assertThat(state("web.1").waitingFor()).isEqualTo("db");
        done(supervisor.stopAll());
        assertThat(state("web.1").state()).isEqualTo(InstanceState.STOPPED);
        assertThat(events).contains("web.1 stopped (was waiting for db)");
    }

    @Test
    void aDependencyCycleIsReportedAndIgnoredRatherThanWaitedOnForEver() {
        types.put("a", dependsOn("b"));
        types.put("b", dependsOn("a"));
        supervisor("a: x\nb: y\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("a", 1, "b", 1)));
        assertThat(events).contains("depends_on in procdeck.yml has a cycle; ignoring b \u2192 a");
        assertThat(os.launched).extracting(p -> p.spec.name()).containsExactly("b.1", "a.1");
    }
}
