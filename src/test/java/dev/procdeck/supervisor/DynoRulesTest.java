package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.Liveness;
import dev.procdeck.procfile.RestartMode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pure rules of the dyno checks: R14 and R15, liveness counting, and the unhealthy stop of a run. */
class DynoRulesTest {
    private static final long MIB = 1L << 20;
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void r14PastTheQuotaAtMostOnceAMinuteAndR15AtTwiceIt() {
        MemoryQuota quota = new MemoryQuota(512 * MIB);
        assertThat(quota.observe(512 * MIB, t0)).isEqualTo(MemoryQuota.Verdict.WITHIN);
        assertThat(quota.observe(600 * MIB, t0.plusSeconds(2))).isEqualTo(MemoryQuota.Verdict.R14);
        assertThat(quota.observe(700 * MIB, t0.plusSeconds(4))).as("said once a minute, like Heroku")
                .isEqualTo(MemoryQuota.Verdict.WITHIN);
        assertThat(quota.observe(700 * MIB, t0.plusSeconds(61))).isEqualTo(MemoryQuota.Verdict.WITHIN);
        assertThat(quota.observe(700 * MIB, t0.plusSeconds(62))).isEqualTo(MemoryQuota.Verdict.R14);
        assertThat(quota.observe(1024 * MIB, t0.plusSeconds(63))).isEqualTo(MemoryQuota.Verdict.R15);
        assertThat(quota.r14(600 * MIB)).isEqualTo("Error R14 (Memory quota exceeded): 600.0 MiB of 512 MiB quota");
        assertThat(quota.r15(1126 * MIB))
                .isEqualTo("Error R15 (Memory quota vastly exceeded): 1.10 GiB of 512 MiB quota");
    }

    @Test
    void livenessRestartsAfterTheFailuresInARowAndASuccessStartsTheCountAgain() {
        LivenessCount count = new LivenessCount(new Liveness(Liveness.Kind.HTTP, "/health", Duration.ofSeconds(10), 3,
                Duration.ofSeconds(2), null));
        assertThat(count.record(false, "http /health answered 503")).isNull();
        assertThat(count.record(false, "http /health answered 503")).isNull();
        assertThat(count.record(true, "http /health answered 200")).isNull();
        assertThat(count.record(false, "x")).isNull();
        assertThat(count.record(false, "x")).isNull();
        assertThat(count.record(false, "http /health did not answer in time"))
                .isEqualTo("liveness check http /health failed 3 times in a row (http /health did not answer in time)");
    }

    @Test
    void anUnhealthyRunIsStoppedAndTheRestartPolicyDecides() {
        FakeScheduler clock = new FakeScheduler(t0);
        InstanceLifecycle web = new InstanceLifecycle(new InstanceId("web", 1), 5000, RestartPolicy.HEROKU,
                new SchedulerClock(clock));
        web.requestStart(5000);
        web.launched(42);
        InstanceLifecycle.Transition stopping = web.unhealthy(
                "Error R15 (Memory quota vastly exceeded): 1.10 GiB of 512 MiB quota", "R15");
        assertThat(stopping.to()).isEqualTo(InstanceState.STOPPING);
        assertThat(stopping.description())
                .isEqualTo("Error R15 (Memory quota vastly exceeded): 1.10 GiB of 512 MiB quota, restarting");
        InstanceLifecycle.Transition ended = web.leaderExited(new ExitStatus(143), true).orElseThrow();
        assertThat(ended.to()).isEqualTo(InstanceState.BACKING_OFF);
        assertThat(ended.description()).startsWith("stopped (R15), ").endsWith("restarting now");

        InstanceLifecycle never = new InstanceLifecycle(new InstanceId("worker", 1), 5100,
                RestartPolicy.of(RestartMode.NEVER), new SchedulerClock(clock));
        never.requestStart(5100);
        never.launched(43);
        assertThat(never.unhealthy("worker.1 liveness check port $PORT failed once (refused)", "liveness")
                .description()).endsWith(", stopping it");
        assertThat(never.leaderExited(new ExitStatus(143), true).orElseThrow().to()).isEqualTo(InstanceState.CRASHED);
    }
}
