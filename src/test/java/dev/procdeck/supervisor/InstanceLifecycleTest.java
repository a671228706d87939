package dev.procdeck.supervisor;

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
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstanceLifecycle web = new InstanceLifecycle(new InstanceId("web", 1), 5000, RestartPolicy.HEROKU, clock);

    private InstanceLifecycle.Transition crashAfter(Duration uptime) {
        web.launched(42);
        clock.advance(uptime);
        return web.exited(new ExitStatus(1));
    }

    @Test
    void crashLoopBacksOffImmediatelyThenOneTwoFourSecondsCappedAtFiveMinutes() {
        web.requestStart();
        List<String> waits = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            InstanceLifecycle.Transition t = crashAfter(Duration.ofMillis(100));
            assertThat(t.to()).isEqualTo(BACKING_OFF);
            waits.add(Duration.between(clock.instant(), web.nextRestartAt().orElseThrow()).toString());
            clock.advance(Duration.between(clock.instant(), web.nextRestartAt().orElseThrow()));
            assertThat(web.backoffElapsed().to()).isEqualTo(STARTING);
        }
        assertThat(waits).containsExactly("PT0S", "PT1S", "PT2S", "PT4S", "PT8S", "PT16S", "PT32S", "PT1M4S",
                "PT2M8S", "PT4M16S", "PT5M", "PT5M");
        assertThat(web.snapshot().restarts()).isEqualTo(12);
    }

    @Test
    void sixtySecondsOfUptimeResetsTheBackoff() {
        web.requestStart();
        crashAfter(Duration.ofSeconds(1));
        web.backoffElapsed();
        crashAfter(Duration.ofSeconds(1));
        assertThat(web.snapshot().message()).endsWith("restarting in 1 s");
        clock.advance(Duration.ofSeconds(1));
        web.backoffElapsed();
        InstanceLifecycle.Transition t = crashAfter(Duration.ofSeconds(60));
        assertThat(t.description()).isEqualTo("crashed with exit code 1, restarting now");
    }

    @Test
    void cleanExitIsExitedNotCrashedAndStillRestartsUnderAlways() {
        web.requestStart();
        web.launched(7);
        InstanceLifecycle.Transition t = web.exited(new ExitStatus(0));
        assertThat(t.to()).isEqualTo(BACKING_OFF);
        assertThat(t.description()).isEqualTo("exited with exit code 0, restarting now");
    }

    @Test
    void onFailureAndNeverPoliciesEndInTerminalStates() {
        web.setPolicy(RestartPolicy.of(RestartPolicy.Mode.ON_FAILURE));
        web.requestStart();
        web.launched(1);
        assertThat(web.exited(new ExitStatus(0)).to()).isEqualTo(EXITED);
        web.setPolicy(RestartPolicy.of(RestartPolicy.Mode.NEVER));
        web.requestStart();
        web.launched(2);
        InstanceLifecycle.Transition t = web.exited(new ExitStatus(137));
        assertThat(t.to()).isEqualTo(CRASHED);
        assertThat(t.description()).isEqualTo("crashed with SIGKILL (exit code 137) (restart policy: never)");
    }

    @Test
    void stopRequestedExitIsStoppedWithoutRestart() {
        web.requestStart();
        web.launched(1);
        assertThat(web.requestStop().orElseThrow().to()).isEqualTo(STOPPING);
        assertThat(web.exited(new ExitStatus(143)).to()).isEqualTo(STOPPED);
        assertThat(web.snapshot().pid()).isEqualTo(-1);
        assertThat(web.requestStop()).isEmpty();
    }

    @Test
    void stoppingWhileBackingOffCancelsTheRestart() {
        web.requestStart();
        crashAfter(Duration.ZERO);
        web.backoffElapsed();
        crashAfter(Duration.ZERO);
        assertThat(web.state()).isEqualTo(BACKING_OFF);
        assertThat(web.requestStop().orElseThrow().to()).isEqualTo(STOPPED);
        assertThat(web.nextRestartAt()).isEmpty();
    }

    @Test
    void manualStartForgetsTheCrashStreak() {
        web.requestStart();
        for (int i = 0; i < 4; i++) {
            crashAfter(Duration.ZERO);
            web.backoffElapsed();
        }
        web.launched(9);
        web.requestStop();
        web.exited(new ExitStatus(143));
        web.requestStart();
        assertThat(crashAfter(Duration.ZERO).description()).endsWith("restarting now");
    }

    @Test
    void launchFailureIsTerminalAndGuardsRejectImpossibleEvents() {
        assertThatThrownBy(() -> web.launched(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot mark launched web.1 while stopped");
        web.requestStart();
        assertThat(web.launchFailed("no such folder").to()).isEqualTo(FAILED);
        assertThatThrownBy(() -> web.exited(new ExitStatus(0))).isInstanceOf(IllegalStateException.class);
        assertThat(web.requestStart().to()).isEqualTo(STARTING);
    }

    @Test
    void snapshotCarriesPidPortUptimeAndTimestamps() {
        web.requestStart();
        web.launched(1234);
        clock.advance(Duration.ofSeconds(3));
        InstanceSnapshot s = web.snapshot();
        assertThat(s.state()).isEqualTo(UP);
        assertThat(s.pid()).isEqualTo(1234);
        assertThat(s.port()).isEqualTo(5000);
        assertThat(s.uptime(clock.instant())).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.message()).isEqualTo("started (pid 1234, port 5000)");
    }
}
