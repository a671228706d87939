package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM or SIGINT to the dashboard: the JVM's shutdown hook ({@link DashboardViewModel#stopForExit}) runs on
 * a thread of its own while the FX thread may be in the middle of a pulse, and the JVM waits for it.
 */
class ShutdownHookTest extends DashboardModelFixture {
    private void runHookNow() {
        Thread hook = new Thread(model::stopForExit, "procdeck-shutdown");
        hook.start();
        try {
            hook.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The hook used to detach the scheduled jobs' model (an FX-only map) while the FX thread iterated it:
     * a ConcurrentModificationException on the FX thread. Made deterministic by running the hook from inside
     * that iteration: a summary's listener, told when its "next" time moves (every second).
     */
    @Test
    void theHookDuringAPulseLeavesWhatTheFxThreadUsesAlone() throws Exception {
        Path p = Files.createDirectories(dir.resolve("p"));
        Files.writeString(p.resolve("Procfile"), "report: true\nbackup: true\n");
        Files.writeString(p.resolve("procdeck.yml"),
                "types:\n  report:\n    schedule: \"every 1s\"\n  backup:\n    schedule: \"every 1s\"\n");
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        fx.run(model::startAll); // the schedules run: their "next" moves each second
        AtomicBoolean armed = new AtomicBoolean(true);
        for (String type : new String[] {"report", "backup"}) {
            fx.run(() -> model.jobs().summaryProperty(type).addListener((o, a, b) -> {
                if (armed.compareAndSet(true, false)) {
                    runHookNow(); // whichever summary the pulse sets first: the other is still to come
                }
            }));
        }
        Await.until(Duration.ofSeconds(15), () -> {
            fx.run(model::pulse); // throws here if the hook touched the FX thread's state
            return !armed.get();
        }, "the hook run inside a pulse");
        assertThatCode(() -> fx.run(model::pulse)).doesNotThrowAnyException();
    }

    /**
     * The hook used to wait for the whole graceful stop (the stop timeout, 5 s, for a process that ignores
     * SIGTERM) and then for the FX thread: 10 to 12 s before the JVM left. Now it returns within the budget and
     * the session's watchdog still sends SIGKILL after the stop timeout.
     */
    @Test
    void theHookReturnsWithinThreeSecondsAndTheWatchdogStillEndsAProcessThatIgnoresSigterm() throws Exception {
        Path p = Files.createDirectories(dir.resolve("stubborn"));
        Files.writeString(p.resolve("Procfile"), "stubborn: trap '' TERM; while true; do sleep 0.2; done\n");
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        fx.run(model::startAll);
        // Up with its pid: "running" counts an instance from its start, before its spawn has given it a pid (on a
        // busy machine the pid read here was -1, and "ignored SIGTERM" found no process at all).
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> {
            model.pulse();
            return model.runningProperty().get() == 1 && !model.types().get(0).instances().isEmpty()
                    && model.types().get(0).instances().get(0).snapshot().pid() > 0;
        }), "stubborn up with its pid");
        long pid = fx.call(() -> model.types().get(0).instances().get(0).snapshot().pid());

        long t0 = System.nanoTime();
        runHookNow();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(tookMs).as("the hook's time (ms)").isLessThan(3000);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("ignored SIGTERM").contains(true);
        Await.until(Duration.ofSeconds(20), () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true),
                "the watchdog's SIGKILL after the stop timeout");
    }

    /** Processes that end on SIGTERM are gone by the time the hook returns; it took well under its budget. */
    @Test
    void theHookStopsProcessesThatHeedSigtermBeforeItReturns() throws Exception {
        Path p = Files.createDirectories(dir.resolve("polite"));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\nworker: exec sleep 1000\n");
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        fx.run(model::startAll);
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> {
            model.pulse();
            return model.runningProperty().get() == 2;
        }), "both up");
        java.util.List<Long> pids = fx.call(() -> model.types().stream()
                .map(t -> t.instances().get(0).snapshot().pid()).toList());
        long t0 = System.nanoTime();
        runHookNow();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(DashboardViewModel.EXIT_BUDGET.toMillis());
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                .isNotEqualTo(java.util.Optional.of(true)));
    }
}
