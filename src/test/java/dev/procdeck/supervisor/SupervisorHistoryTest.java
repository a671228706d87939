package dev.procdeck.supervisor;

import dev.procdeck.procfile.RestartMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
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
    private Supervisor supervisor;

    private Project project(String procfile) {
        try {
            return new Project(Path.of("/tmp"), Path.of("/tmp/Procfile"), ProcfileParser.parse("Procfile", procfile),
                    Map.of(), List.of());
        } catch (dev.procdeck.procfile.ProjectFileException e) {
            throw new AssertionError(e);
        }
    }

    private Supervisor supervisor(String procfile, RestartPolicy policy) {
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(lines -> lines.forEach(l -> events.add(l.text())));
        SupervisorSettings settings = SupervisorSettings.defaults(5000).withStopTimeout(Duration.ofSeconds(5))
                .withDefaultPolicy(policy);
        supervisor = new Supervisor(project(procfile), settings, os, os, clock, bus, Map.of());
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
    void aTypeAddedByAReloadNeverGetsThePortBlockOfATypeStillRunning() {
        // Found on the desktop: removing clock (block 2) shifted flaky from block 3 to 2, and the new beat got
        // block 3, port 5300, while flaky.1 still ran on it.
        supervisor("web: a\nworker: b\nclock: c\nflaky: d\n", RestartPolicy.HEROKU);
        done(supervisor.start(Map.of("web", 1, "worker", 1, "clock", 1, "flaky", 1)));
        assertThat(os.last("flaky.1").spec.environment()).containsEntry("PORT", "5300");
        done(supervisor.reload(project("web: a\nworker: b\nflaky: d\nbeat: e\n")));
        clock.runDue();
        // Not 5300 (flaky runs there) nor 5200 (clock.1 may still be stopping on it).
        assertThat(os.last("beat.1").spec.environment()).containsEntry("PORT", "5400");
        os.last("flaky.1").exit(1, 0);
        clock.runDue();
        assertThat(os.last("flaky.1").spec.environment()).containsEntry("PORT", "5300");
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
        os.last("web.1").exit(127, 0);
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
        Supervisor.ReloadResult result = done(supervisor.reload(project("web: serve --new\nworker: work\nclock: tick\n")));
        clock.runDue();
        assertThat(result.added()).containsExactly("clock");
        assertThat(result.removed()).containsExactly("bad");
        assertThat(result.commandChanged()).containsExactly("web");
        assertThat(events).contains("reloaded Procfile: +clock, \u2212bad, web command changed \u2014 restart web to apply",
                "bad.1: type 'bad' was removed from the Procfile, stopping it");
        assertThat(os.signals).containsExactly("TERM bad.1");
        assertThat(removed).containsExactly("bad.1");
        assertThat(os.last("clock.1").spec.command()).isEqualTo("tick");
        assertThat(supervisor.scale()).containsExactly(Map.entry("web", 2), Map.entry("worker", 1), Map.entry("clock", 1));
        // Changed commands apply on the next start, and the table says so until then.
        assertThat(os.last("web.1").spec.command()).isEqualTo("serve");
        assertThat(state("web.1").restartToApply()).isTrue();
        assertThat(state("worker.1").restartToApply()).isFalse();
        done(supervisor.restartType("web"));
        clock.runDue();
        assertThat(os.last("web.1").spec.command()).isEqualTo("serve --new");
        assertThat(state("web.1").restartToApply()).isFalse();
    }

    @Test
    void reloadWhileStoppedAddsTypesAtZeroAndAnExplicitFormationWins() {
        supervisor("web: serve\n", RestartPolicy.HEROKU);
        Supervisor.ReloadResult r = done(supervisor.reload(project("web: serve\nworker: work\n")));
        assertThat(r.describe()).isEqualTo("+worker");
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
}
