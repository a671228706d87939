package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.procfile.Overlap;
import dev.procdeck.supervisor.ExitStatus;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.JobStatus;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Scheduled types and one-off runs in the dashboard's model, without a window: real processes, events carried
 * to a stand-in FX thread ({@link ModelThread}) on each pulse.
 */
class DashboardJobsTest extends DashboardModelFixture {
    private void open(String procfile, String yml) throws Exception {
        Path p = Files.createDirectories(dir.resolve("p"));
        Files.writeString(p.resolve("Procfile"), procfile);
        if (yml != null) {
            Files.writeString(p.resolve("procdeck.yml"), yml);
        }
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
    }

    private void pulseUntil(String what, BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> {
            pulse();
            return condition.getAsBoolean();
        }), what);
    }

    private String summary(String type) {
        return fx.call(() -> model.jobs().summaryProperty(type).get());
    }

    @Test
    void aScheduledTypeShowsItsScheduleAndLastRunAndRunNowAddsToItsHistoryWithoutInstanceRows() throws Exception {
        open("web: exec sleep 1000\nreport: echo reported\n", "types:\n  report:\n    schedule: \"every 1h\"\n");
        assertThat(fx.call(() -> model.jobs().isScheduled("report"))).isTrue();
        assertThat(fx.call(() -> model.jobs().isScheduled("web"))).isFalse();
        pulseUntil("the schedule shown", () -> model.jobs().summaryProperty("report").get().startsWith("every 1h"));
        assertThat(fx.call(() -> model.jobs().historyText("report", Instant.now()))).isEqualTo("no runs yet");

        fx.run(() -> model.jobs().runNow("report"));
        pulseUntil("the run's end shown", () -> model.jobs().summaryProperty("report").get().contains("last: exit 0 after"));
        assertThat(fx.call(() -> model.jobs().historyText("report", Instant.now())))
                .startsWith("latest runs:").contains("report.1").contains("exit 0 after");
        fx.run(() -> model.jobs().runNow("report"));
        pulseUntil("a second run in the history",
                () -> model.jobs().historyText("report", Instant.now()).contains("report.2  exit 0"));
        pulseUntil("its output in the console", () -> model.console().allLines().stream()
                .anyMatch(l -> l.instance().equals("report.2") && l.text().equals("reported")));
        TypeRow report = fx.call(() -> model.types().stream().filter(t -> t.typeName().equals("report")).findFirst()
                .orElseThrow());
        // Nothing was started, so its schedule does not tick: paused, though Run now ran it.
        pulseUntil("the row's badge and last exit", () -> report.stateProperty().get().equals("paused")
                && report.lastExitProperty().get().startsWith("exit 0 after"));
        // Job runs are not instances: no rows pile up under the type.
        assertThat(fx.call(() -> model.types().stream().filter(t -> t.typeName().equals("report")).findFirst()
                .orElseThrow().instances().size())).isZero();
    }

    @Test
    void aOneOffRunsItsLineTellsItsEndAndIsOfferedAgainWhileATerminalIsRefused() throws Exception {
        open("web: exec sleep 1000\n", null);
        assertThat(fx.call(() -> model.oneOffs().interactiveAvailableProperty().get())).isFalse();
        String name = fx.call(() -> model.oneOffs().run("echo one-off-output; exit 3", false));
        assertThat(name).isEqualTo("run.1");
        pulseUntil("its end in the status", () -> model.oneOffs().statusProperty().get()
                .startsWith("run.1 (echo one-off-output; exit 3) exited 3 after"));
        pulseUntil("its output in the console", () -> model.console().allLines().stream()
                .anyMatch(l -> l.instance().equals("run.1") && l.text().equals("one-off-output")));
        pulseUntil("its end in the console", () -> model.console().allLines().stream()
                .anyMatch(l -> l.instance().equals("run.1") && l.text().contains("exited 3 after")));
        assertThat(fx.call(() -> model.oneOffs().recentCommands())).containsExactly("echo one-off-output; exit 3");
        assertThatThrownBy(() -> fx.call(() -> model.oneOffs().run("echo x", true)))
                .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> fx.call(() -> model.oneOffs().run("  ", false)))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void summariesSayScheduleNextRunAndLastOutcome() {
        Instant now = Instant.parse("2026-01-01T13:19:00Z");
        JobRun last = new JobRun("report.4", "report", "schedule every 20s", "echo", now.minusSeconds(10),
                now.minusSeconds(10).plusMillis(58), -1, 5000, JobRun.Outcome.EXITED, new ExitStatus(0), "exited 0");
        JobStatus status = new JobStatus("report", "every 20s", Overlap.SKIP, true, Instant.parse("2026-01-01T13:20:00Z"),
                List.of(), false, last, 0);
        assertThat(dev.procdeck.supervisor.JobTexts.summary(status, ZoneOffset.UTC, now))
                .isEqualTo("every 20s · next 13:20:00 · last: exit 0 after 58 ms");
        JobStatus paused = new JobStatus("report", "daily", Overlap.SKIP, false, null, List.of(), false, null, 2);
        assertThat(dev.procdeck.supervisor.JobTexts.summary(paused, ZoneOffset.UTC, now)).isEqualTo("daily · paused · 2 skipped");
        JobStatus running = new JobStatus("report", "every 20s", Overlap.QUEUE, true, now, List.of("report.5"), true,
                last, 0);
        assertThat(dev.procdeck.supervisor.JobTexts.summary(running, ZoneOffset.UTC, now))
                .startsWith("every 20s · running report.5 · 1 queued");
        assertThat(ScheduledJobsModel.historyText(List.of(last), ZoneOffset.UTC, now))
                .isEqualTo("latest runs:\n13:18:50  report.4  exit 0 after 58 ms");
    }
}
