package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
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

/** Scheduled jobs and one-off runs with real processes and the real clock. */
class JobsProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();
    private final List<LogLine> lines = Collections.synchronizedList(new ArrayList<>());
    private Supervisor supervisor;

    private Supervisor supervisor(String procfile, Map<String, TypeConfig> types) throws Exception {
        Project project = new Project(dir, dir.resolve("Procfile"), ProcfileParser.parse("Procfile", procfile),
                Map.of(probe.name, probe.value), List.of(), new ProjectConfig(null, Map.of(), types, List.of()));
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(dev.procdeck.logs.LogListener.ofLines(lines::addAll));
        supervisor = new Supervisor(project, SupervisorSettings.defaults(5000).withStopTimeout(Duration.ofSeconds(2)),
                new PosixProcessLauncher(), bus, Clock.systemDefaultZone(), System.getenv());
        return supervisor;
    }

    private List<String> texts(String instance, LogStream stream) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.instance().equals(instance) && l.stream() == stream)
                    .map(LogLine::text).collect(Collectors.toList());
        }
    }

    @AfterEach
    void stopEverything() {
        if (supervisor != null) {
            supervisor.close();
        }
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "no fixture process left, but " + probe.livePids());
    }

    @Test
    void aScheduleEverySecondRunsTheCommandOnEachTick() throws Exception {
        TypeConfig everySecond = TypeConfig.DEFAULTS.withSchedule(new ScheduledJobsTest.Every(1)).withLine(1);
        supervisor("report: echo \"tick $DYNO\"\n", Map.of("report", everySecond));
        supervisor.start(Map.of("report", 1)).get();
        Await.until(WAIT, () -> supervisor.jobs().history("report").stream().filter(JobRun::succeeded).count() >= 2,
                () -> "two runs, got " + supervisor.jobs().history("report"));
        JobRun first = supervisor.jobs().history("report").stream().filter(r -> r.name().equals("report.1"))
                .findFirst().orElseThrow();
        assertThat(first.exit()).isEqualTo(new ExitStatus(0));
        assertThat(first.message()).startsWith("exited 0 after ");
        assertThat(texts("report.1", LogStream.STDOUT)).containsExactly("tick scheduler.1");
        assertThat(texts("report.1", LogStream.SYSTEM)).anyMatch(t -> t.startsWith("report.1 started (schedule every 1s; pid"))
                .anyMatch(t -> t.startsWith("report.1 exited 0 after "));
        supervisor.stopAll().get(5, TimeUnit.SECONDS);
        assertThat(supervisor.jobs().status("report").orElseThrow().enabled()).isFalse();
    }

    @Test
    void aOneOffRunsWithTheAppsEnvironmentAndReportsItsExitCodeAndOutput() throws Exception {
        supervisor("greet: echo \"hello from $DYNO\"\n", Map.of());
        OneOffRuns.Launch typed = supervisor.oneOffs().run("greet and friends");
        JobRun greeted = typed.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(greeted.exit()).isEqualTo(new ExitStatus(0));
        Await.until(WAIT, () -> !texts("run.1", LogStream.STDOUT).isEmpty(), "the output of run.1");
        assertThat(texts("run.1", LogStream.STDOUT)).containsExactly("hello from run.1 and friends");

        OneOffRuns.Launch free = supervisor.oneOffs().run("echo \"port=$PORT\"; echo oops >&2; exit 3");
        JobRun ended = free.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ended.outcome()).isEqualTo(JobRun.Outcome.EXITED);
        assertThat(ended.exit()).isEqualTo(new ExitStatus(3));
        assertThat(ended.type()).isNull();
        Await.until(WAIT, () -> !texts("run.2", LogStream.STDERR).isEmpty(), "the error output of run.2");
        assertThat(texts("run.2", LogStream.STDOUT)).containsExactly("port=" + ended.port());
        assertThat(texts("run.2", LogStream.STDERR)).containsExactly("oops");
        assertThat(texts("run.2", LogStream.SYSTEM)).anyMatch(t -> t.startsWith("run.2 exited 3 after "));
    }

    @Test
    void aOneOffCanBeStoppedAndClosingStopsTheOnesStillRunning() throws Exception {
        supervisor("web: sleep 1000\n", Map.of());
        OneOffRuns.Launch stopped = supervisor.oneOffs().run("sleep 1000 & sleep 1000; wait");
        OneOffRuns.Launch leftRunning = supervisor.oneOffs().run("sleep 1000");
        Await.until(WAIT, () -> probe.livePids().size() >= 4, () -> "the sleeps, got " + probe.livePids());
        assertThat(supervisor.oneOffs().stop(stopped.name()).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(stopped.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).outcome()).isEqualTo(JobRun.Outcome.STOPPED);
        assertThat(leftRunning.ended()).isNotDone();
        supervisor.close();
        assertThat(leftRunning.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).outcome())
                .isEqualTo(JobRun.Outcome.STOPPED);
        assertThat(probe.livePids()).isEmpty();
    }
}
