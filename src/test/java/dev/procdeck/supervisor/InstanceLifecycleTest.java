package dev.procdeck.supervisor;

import dev.procdeck.procfile.RestartMode;
import static dev.procdeck.supervisor.InstanceState.BACKING_OFF;
import static dev.procdeck.supervisor.InstanceState.CRASHED;
import static dev.procdeck.supervisor.InstanceState.EXITED;
import static dev.procdeck.supervisor.InstanceState.FAILED;
import static dev.procdeck.supervisor.InstanceState.STARTING;
import static dev.procdeck.supervisor.InstanceState.STOPPED;
import static dev.procdeck.supervisor.InstanceState.STOPPING;
import static dev.procdeck.supervisor.InstanceState.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replays scripted histories of launch/exit/stop events against a fake clock, as honcho's tests do. */
class InstanceLifecycleTest {
    private final FakeScheduler clock = new FakeScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstanceLifecycle web = new InstanceLifecycle(new InstanceId("web", 1), 5000, RestartPolicy.HEROKU,
            new SchedulerClock(clock));

    private InstanceLifecycle.Transition crashAfter(Duration uptime) {
        web.launched(42);
        clock.advance(uptime);
        return web.leaderExited(new ExitStatus(1), true).orElseThrow();
    }

    @Test
    void crashLoopBacksOffImmediatelyThenOneTwoFourSecondsCappedAtFiveMinutes() {
        web.requestStart(5000);
        List<String> waits = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            InstanceLifecycle.Transition t = crashAfter(Duration.ofMillis(100));
            assertThat(t.to()).isEqualTo(BACKING_OFF);
            waits.add(Duration.between(clock.now(), web.nextRestartAt().orElseThrow()).toString());
            clock.advance(Duration.between(clock.now(), web.nextRestartAt().orElseThrow()));
            assertThat(web.backoffElapsed(5000).to()).isEqualTo(STARTING);
        }
        assertThat(waits).containsExactly("PT0S", "PT1S", "PT2S", "PT4S", "PT8S", "PT16S", "PT32S", "PT1M4S",
                "PT2M8S", "PT4M16S", "PT5M", "PT5M");
        assertThat(web.snapshot().restarts()).isEqualTo(12);
    }

    @Test
    void sixtySecondsOfUptimeResetsTheBackoff() {
        web.requestStart(5000);
        crashAfter(Duration.ofSeconds(1));
        web.backoffElapsed(5000);
        crashAfter(Duration.ofSeconds(1));
        assertThat(web.snapshot().message()).endsWith("restarting in 1 s");
        clock.advance(Duration.ofSeconds(1));
        web.backoffElapsed(5000);
        InstanceLifecycle.Transition t = crashAfter(Duration.ofSeconds(60));
        assertThat(t.description()).isEqualTo("crashed with exit code 1, restarting now");
    }

    @Test
    void cleanExitIsExitedNotCrashedAndStillRestartsUnderAlways() {
        web.requestStart(5000);
        web.launched(7);
        InstanceLifecycle.Transition t = web.leaderExited(new ExitStatus(0), true).orElseThrow();
        assertThat(t.to()).isEqualTo(BACKING_OFF);
        assertThat(t.description()).isEqualTo("exited with exit code 0, restarting now");
    }

    @Test
    void onFailureAndNeverPoliciesEndInTerminalStates() {
        web.setPolicy(RestartPolicy.of(RestartMode.ON_FAILURE));
        web.requestStart(5000);
        web.launched(1);
        assertThat(web.leaderExited(new ExitStatus(0), true).orElseThrow().to()).isEqualTo(EXITED);
        web.setPolicy(RestartPolicy.of(RestartMode.NEVER));
        web.requestStart(5000);
        web.launched(2);
        InstanceLifecycle.Transition t = web.leaderExited(new ExitStatus(137), true).orElseThrow();
        assertThat(t.to()).isEqualTo(CRASHED);
        assertThat(t.description()).isEqualTo("crashed with SIGKILL (exit code 137) (restart policy: never)");
    }

    @Test
    void stopRequestedExitIsStoppedWithoutRestart() {
        web.requestStart(5000);
        web.launched(1);
        assertThat(web.requestStop(StopIntent.STOP).orElseThrow().to()).isEqualTo(STOPPING);
        assertThat(web.leaderExited(new ExitStatus(143), true).orElseThrow().to()).isEqualTo(STOPPED);
        assertThat(web.snapshot().pid()).isEqualTo(-1);
        assertThat(web.requestStop(StopIntent.STOP)).isEmpty();
    }

    @Test
    void stoppingWhileBackingOffCancelsTheRestart() {
        web.requestStart(5000);
        crashAfter(Duration.ZERO);
        web.backoffElapsed(5000);
        crashAfter(Duration.ZERO);
        assertThat(web.state()).isEqualTo(BACKING_OFF);
        assertThat(web.requestStop(StopIntent.STOP).orElseThrow().to()).isEqualTo(STOPPED);
        assertThat(web.nextRestartAt()).isEmpty();
    }

    @Test
    void manualStartForgetsTheCrashStreak() {
        web.requestStart(5000);
        for (int i = 0; i < 4; i++) {
            crashAfter(Duration.ZERO);
            web.backoffElapsed(5000);
        }
        web.launched(9);
        web.requestStop(StopIntent.STOP);
        web.leaderExited(new ExitStatus(143), true).orElseThrow();
        web.requestStart(5000);
        assertThat(crashAfter(Duration.ZERO).description()).endsWith("restarting now");
    }

    @Test
    void launchFailureIsTerminalAndGuardsRejectImpossibleEvents() {
        assertThatThrownBy(() -> web.launched(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot mark launched web.1 while stopped");
        web.requestStart(5000);
        assertThat(web.launchFailed("no such folder").to()).isEqualTo(FAILED);
        assertThatThrownBy(() -> web.leaderExited(new ExitStatus(0), true)).isInstanceOf(IllegalStateException.class);
        assertThat(web.requestStart(5000).orElseThrow().to()).isEqualTo(STARTING);
    }

    @Test
    void snapshotCarriesPidPortUptimeAndTimestamps() {
        web.requestStart(5000);
        web.launched(1234);
        clock.advance(Duration.ofSeconds(3));
        InstanceSnapshot s = web.snapshot();
        assertThat(s.state()).isEqualTo(UP);
        assertThat(s.pid()).isEqualTo(1234);
        assertThat(s.port()).isEqualTo(5000);
        assertThat(s.uptime(clock.now())).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.message()).isEqualTo("started (pid 1234, port 5000)");
    }

    @Test
    void aLeaderThatExitsLeavingItsGroupIsStoppingUntilTheGroupIsEmptyThenThePolicyDecides() {
        web.requestStart(5000);
        web.launched(10);
        InstanceLifecycle.Transition lingering = web.leaderExited(new ExitStatus(0), false).orElseThrow();
        assertThat(lingering.to()).isEqualTo(STOPPING);
        assertThat(web.snapshot().stopIntent()).isEqualTo(StopIntent.LINGER);
        assertThat(web.snapshot().pid()).isEqualTo(-1);
        web.signalled(false);
        assertThat(web.snapshot().stopPhase()).isEqualTo(InstanceLifecycle.StopPhase.SIGNAL_SENT);
        web.signalled(true);
        assertThat(web.snapshot().stopPhase()).isEqualTo(InstanceLifecycle.StopPhase.KILL_SENT);
        InstanceLifecycle.Transition ended = web.groupEmptied();
        assertThat(ended.to()).isEqualTo(BACKING_OFF);
        assertThat(web.snapshot().lastExit()).isEqualTo(new ExitStatus(0));
    }

    @Test
    void aStopNeverEndsBeforeTheLeaderIsReaped() {
        web.requestStart(5000);
        web.launched(10);
        web.requestStop(StopIntent.STOP);
        assertThatThrownBy(web::groupEmptied).isInstanceOf(IllegalStateException.class);
        assertThat(web.leaderExited(new ExitStatus(143), false)).isEmpty();
        assertThat(web.state()).isEqualTo(STOPPING);
        assertThat(web.groupEmptied().to()).isEqualTo(STOPPED);
    }

    @Test
    void intentsCombineRetireWinsAndAStartWhileStoppingBecomesARestart() {
        web.requestStart(5000);
        web.launched(10);
        web.requestStop(StopIntent.STOP);
        assertThat(web.requestStart(5000).orElseThrow().to()).isEqualTo(STOPPING);
        assertThat(web.intent()).isEqualTo(StopIntent.RESTART);
        web.requestStop(StopIntent.RETIRE);
        web.requestStop(StopIntent.STOP);
        web.requestStart(5000);
        assertThat(web.intent()).isEqualTo(StopIntent.RETIRE);
        web.unretire(StopIntent.RESTART);
        assertThat(web.leaderExited(new ExitStatus(143), true).orElseThrow().to()).isEqualTo(STARTING);
        assertThat(web.removed()).isFalse();
    }

    @Test
    void retiringEndsInRemoval() {
        web.requestStart(5000);
        web.launched(10);
        web.requestStop(StopIntent.RETIRE);
        web.leaderExited(new ExitStatus(143), true);
        assertThat(web.removed()).isTrue();
        assertThat(web.requestStart(5000)).isEmpty();
    }

    @Test
    void aRestartAfterAnExitCanBeStoppedWhileItIsStillSpawning() {
        // Found when spawns moved off the supervision thread: the last run's exit status lingered and the guard
        // refused a spawn that completed after a stop, leaving the instance stopping for ever.
        web.requestStart(5000);
        crashAfter(Duration.ZERO);
        web.backoffElapsed(5000);
        web.requestStop(StopIntent.STOP);
        web.launchedWhileStopping(77);
        assertThat(web.snapshot().pid()).isEqualTo(77);
        assertThat(web.leaderExited(new ExitStatus(143), true).orElseThrow().to()).isEqualTo(STOPPED);
    }

    // ---- procdeck.yml: readiness, dependencies, max_restarts --------------------------------------------------

    @Test
    void withAReadinessCheckTheInstanceStaysStartingWithItsProcessUntilReady() {
        web.requestStart(5000);
        InstanceLifecycle.Transition started = web.launched(42, "serve", "http /health");
        assertThat(started.to()).isEqualTo(STARTING);
        assertThat(started.description()).isEqualTo("started (pid 42, port 5000), waiting for http /health");
        assertThat(web.waitingForReady()).isTrue();
        assertThat(web.snapshot().waitingFor()).isEqualTo("http /health");
        assertThat(web.snapshot().pid()).isEqualTo(42);
        clock.advance(Duration.ofSeconds(2));
        assertThat(web.snapshot().uptime(clock.now())).isEqualTo(Duration.ofSeconds(2));
        InstanceLifecycle.Transition ready = web.ready("http /health answered 200 after 2.0 s");
        assertThat(ready.to()).isEqualTo(UP);
        assertThat(ready.description()).isEqualTo("ready (http /health answered 200 after 2.0 s)");
        assertThat(web.snapshot().waitingFor()).isNull();
        assertThatThrownBy(() -> web.ready("again")).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot mark ready web.1 while up");
    }

    @Test
    void notReadyInTimeStopsTheRunAndThenCountsAsACrashForThePolicy() {
        web.setPolicy(RestartPolicy.of(RestartMode.ON_FAILURE));
        web.requestStart(5000);
        web.launched(42, "serve", "port $PORT");
        InstanceLifecycle.Transition stopping = web.notReady(Duration.ofSeconds(60), "port 5000 refused the connection");
        assertThat(stopping.to()).isEqualTo(STOPPING);
        assertThat(stopping.description()).isEqualTo("not ready after 60 s (port 5000 refused the connection), stopping it");
        assertThat(web.intent()).isEqualTo(StopIntent.NOT_READY);
        // Even a clean exit on the stop signal: not being ready is the failure.
        InstanceLifecycle.Transition ended = web.leaderExited(new ExitStatus(0), true).orElseThrow();
        assertThat(ended.to()).isEqualTo(BACKING_OFF);
        assertThat(ended.description()).isEqualTo("not ready, then ended with exit code 0, restarting now");
    }

    @Test
    void aProcessThatExitsBeforeItIsReadyEndsItsRunAsFromUp() {
        web.requestStart(5000);
        web.launched(42, "serve", "http /");
        assertThat(web.leaderExited(new ExitStatus(3), false).orElseThrow().to()).isEqualTo(STOPPING);
        assertThat(web.intent()).isEqualTo(StopIntent.LINGER);
        assertThat(web.groupEmptied().to()).isEqualTo(BACKING_OFF);
    }

    @Test
    void waitingForDependenciesHasNoProcessAndAStopEndsItAtOnce() {
        web.requestStart(5000);
        InstanceLifecycle.Transition waiting = web.waitForDependencies("db, worker").orElseThrow();
        assertThat(waiting.description()).isEqualTo("waiting for db, worker");
        assertThat(web.waitForDependencies("db, worker")).as("nothing changed").isEmpty();
        assertThat(web.waitForDependencies("db")).isPresent();
        assertThat(web.snapshot().waitingFor()).isEqualTo("db");
        assertThat(web.snapshot().hasProcess()).isFalse();
        assertThatThrownBy(() -> web.launched(1)).isInstanceOf(IllegalStateException.class);
        assertThat(web.requestStop(StopIntent.RESTART)).isEmpty();
        InstanceLifecycle.Transition stopped = web.requestStop(StopIntent.STOP).orElseThrow();
        assertThat(stopped.to()).isEqualTo(STOPPED);
        assertThat(stopped.description()).isEqualTo("stopped (was waiting for db)");
        web.requestStart(5000);
        web.waitForDependencies("db");
        web.dependenciesReady();
        assertThat(web.snapshot().waitingFor()).isNull();
        assertThat(web.launched(7).to()).isEqualTo(UP);
    }

    @Test
    void maxRestartsFailsTheInstanceAndOnlyTimeUpCountsAsHealthy() {
        web.setPolicy(RestartPolicy.HEROKU.withMaxRestarts(2));
        web.requestStart(5000);
        for (int i = 0; i < 2; i++) {
            web.launched(10 + i, "serve", "http /");
            clock.advance(Duration.ofMinutes(2)); // long runs, but never ready: not healthy
            web.notReady(Duration.ofMinutes(2), null);
            assertThat(web.leaderExited(new ExitStatus(143), true).orElseThrow().to()).isEqualTo(BACKING_OFF);
            clock.advance(Duration.between(clock.now(), web.nextRestartAt().orElseThrow()));
            web.backoffElapsed(5000);
        }
        web.launched(12);
        InstanceLifecycle.Transition failed = web.leaderExited(new ExitStatus(1), true).orElseThrow();
        assertThat(failed.to()).isEqualTo(FAILED);
        assertThat(failed.description()).isEqualTo("failed: restarted 2 times, not retrying (max_restarts in procdeck.yml)");
        // A run up for 60 s resets the streak.
        web.requestStart(5000);
        web.launched(13);
        crashAfterUp(Duration.ofSeconds(1));
        web.backoffElapsed(5000);
        web.launched(14);
        crashAfterUp(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        web.backoffElapsed(5000);
        web.launched(15);
        assertThat(crashAfterUp(Duration.ofSeconds(60)).description()).endsWith("restarting now");
    }

    private InstanceLifecycle.Transition crashAfterUp(Duration uptime) {
        clock.advance(uptime);
        return web.leaderExited(new ExitStatus(1), true).orElseThrow();
    }

    @Test
    void exit127NamesTheCommandWhenTheCommandLineTellsIt() {
        web.setPolicy(RestartPolicy.of(RestartMode.NEVER));
        web.requestStart(5000);
        web.launched(1, "exec bundle exec puma -p $PORT", null);
        assertThat(web.leaderExited(new ExitStatus(127), true).orElseThrow().description())
                .isEqualTo("exited 127: command not found: bundle; not retried: fix the command, then start it again");
        web.requestStart(5000);
        web.launched(2, "cd web && npm start", null);
        assertThat(web.leaderExited(new ExitStatus(127), true).orElseThrow().description())
                .isEqualTo("exited 127: command not found; not retried: fix the command, then start it again");
    }
}
