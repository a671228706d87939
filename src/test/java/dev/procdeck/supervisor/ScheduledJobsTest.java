package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.logs.LogBus;
import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.Schedule;
import dev.procdeck.procfile.TypeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Scheduled jobs and one-off runs without real processes: ticks, overlaps and stops replayed on a fake clock
 * (as {@link SupervisorHistoryTest} does for instances). Real processes are in {@link JobsProcessTest}.
 */
class ScheduledJobsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final FakeScheduler clock = new FakeScheduler(T0);
    private final FakeProcesses os = new FakeProcesses();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private int settled;
    private Supervisor supervisor;

    /** A schedule "every N seconds", on multiples of N since the epoch: the fake of a procdeck.yml schedule. */
    record Every(long seconds) implements Schedule {
        @Override
        public String text() {
            return "every " + seconds + "s";
        }

        @Override
        public ZonedDateTime next(ZonedDateTime after) {
            long next = (after.toEpochSecond() / seconds + 1) * seconds;
            return Instant.ofEpochSecond(next).atZone(after.getZone());
        }
    }

    private static Project project(String procfile, Map<String, TypeConfig> types) {
        try {
            return new Project(Path.of("/tmp"), Path.of("/tmp/Procfile"), ProcfileParser.parse("Procfile", procfile),
                    Map.of("FROM_DOTENV", "yes"), List.of(), new ProjectConfig(null, Map.of(), types, List.of()));
        } catch (dev.procdeck.procfile.ProjectFileException e) {
            throw new AssertionError(e);
        }
    }

    private static TypeConfig scheduled(Schedule schedule, Overlap overlap) {
        return TypeConfig.DEFAULTS.withEnv(Map.of("FROM_YML", "report")).withSchedule(schedule).withOverlap(overlap).withLine(1);
    }

    private Supervisor supervisor(Overlap overlap) {
        return supervisor(project("web: serve\nreport: make-report\n", Map.of("report", scheduled(new Every(2), overlap))));
    }

    private Supervisor supervisor(Project project) {
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(dev.procdeck.logs.LogListener.ofLines(lines -> lines.forEach(l -> events.add(l.text()))));
        SupervisorSettings settings = SupervisorSettings.defaults(5000).withStopTimeout(Duration.ofSeconds(5));
        supervisor = new Supervisor(project, settings, os, os, clock, bus, Map.of("PATH", "/usr/bin:/bin"));
        supervisor.jobs().setZone(ZoneOffset.UTC);
        supervisor.addListener(new SupervisorListener() {
            @Override
            public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
            }

            @Override
            public void settled() {
                settled++;
            }
        });
        return supervisor;
    }

    private <T> T done(CompletableFuture<T> future) {
        clock.runDue();
        assertThat(future).isDone();
        return future.join();
    }

    private JobStatus status() {
        return supervisor.jobs().status("report").orElseThrow();
    }

    private List<String> launchedNames() {
        return os.launched.stream().map(p -> p.spec.name()).toList();
    }

    /** Ends the latest process of {@code name} with {@code code} after {@code after} and lets the run end. */
    private void exits(String name, Duration after, int code) {
        clock.advance(after);
        os.last(name).exit(code, 0);
        clock.runDue();
    }

    @Test
    void eachTickRunsTheTypeOnceOutsideTheFormationWithTheAppsEnvironment() {
        supervisor(Overlap.SKIP);
        done(supervisor.start(Map.of("web", 1, "report", 1)));
        assertThat(supervisor.snapshots()).extracting(InstanceSnapshot::name).containsExactly("web.1");
        assertThat(supervisor.scale()).containsEntry("report", 1); // kept: a saved formation keeps the schedule on
        assertThat(events).contains("report: next run at 00:00:02 (schedule every 2s)");
        assertThat(status().enabled()).isTrue();
        assertThat(status().nextRun()).isEqualTo(T0.plusSeconds(2));

        clock.advance(Duration.ofSeconds(2));
        assertThat(launchedNames()).containsExactly("web.1", "report.1");
        LaunchSpec spec = os.last("report.1").spec;
        assertThat(spec.command()).isEqualTo("make-report");
        assertThat(spec.environment()).containsEntry("PS", "scheduler.1").containsEntry("DYNO", "scheduler.1")
                .containsEntry("FROM_DOTENV", "yes").containsEntry("FROM_YML", "report")
                .containsEntry(Supervisor.MARK_VARIABLE, supervisor.marker());
        int port = Integer.parseInt(spec.environment().get("PORT"));
        assertThat(port).isBetween(1024, 65535).isNotEqualTo(5000);
        assertThat(events).contains("report.1 started (schedule every 2s; pid 1001, port " + port + ", DYNO scheduler.1)");
        assertThat(status().running()).containsExactly("report.1");

        exits("report.1", Duration.ofMillis(1200), 0);
        assertThat(events).contains("report.1 exited 0 after 1.2 s");
        JobRun run = supervisor.jobs().history("report").get(0);
        assertThat(run.outcome()).isEqualTo(JobRun.Outcome.EXITED);
        assertThat(run.exit()).isEqualTo(new ExitStatus(0));
        assertThat(run.startedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(run.duration(clock.now())).isEqualTo(Duration.ofMillis(1200));
        assertThat(status().lastRun()).isEqualTo(run);
        assertThat(status().running()).isEmpty();

        clock.advance(Duration.ofMillis(800));
        assertThat(launchedNames()).containsExactly("web.1", "report.1", "report.2");
        assertThat(os.last("report.2").spec.environment()).containsEntry("DYNO", "scheduler.2");
        exits("report.2", Duration.ofMillis(300), 3);
        assertThat(events).contains("report.2 exited 3 after 300 ms");
        assertThat(supervisor.jobs().history("report")).extracting(JobRun::name).containsExactly("report.2", "report.1");
        assertThat(settled).isZero(); // a schedule keeps the session going
    }

    @Test
    void runsAreNumberedPerTypeAndDynoCountsAllScheduledRuns() {
        supervisor(project("report: make-report\ncleanup: tidy\n", Map.of("report", scheduled(new Every(2), Overlap.SKIP),
                "cleanup", scheduled(new Every(3), Overlap.SKIP))));
        done(supervisor.start(Map.of("report", 1, "cleanup", 1)));
        for (int second = 1; second <= 6; second++) {
            clock.advance(Duration.ofSeconds(1));
            for (FakeProcesses.Proc p : os.launched) {
                p.exit(0, 0);
            }
            clock.runDue();
        }
        assertThat(os.launched).extracting(p -> p.spec.name() + " " + p.spec.environment().get("DYNO"))
                .containsExactly("report.1 scheduler.1", "cleanup.1 scheduler.2", "report.2 scheduler.3",
                        "cleanup.2 scheduler.4", "report.3 scheduler.5");
    }

    @Test
    void skipOverlapSkipsTicksWhileARunIsGoing() {
        supervisor(Overlap.SKIP);
        done(supervisor.start(Map.of("report", 1)));
        clock.advance(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(4));
        assertThat(launchedNames()).containsExactly("report.1");
        assertThat(events).contains("report: skipped tick, previous run still going (report.1)");
        assertThat(status().skipped()).isEqualTo(2);
        exits("report.1", Duration.ofSeconds(1), 0); // at 7 s
        clock.advance(Duration.ofSeconds(1));
        assertThat(launchedNames()).containsExactly("report.1", "report.2");
    }

    @Test
    void queueOverlapRunsOnceMoreWhenTheRunEndsAndQueuesAtMostOne() {
        supervisor(Overlap.QUEUE);
        done(supervisor.start(Map.of("report", 1)));
        clock.advance(Duration.ofSeconds(2)); // report.1 starts
        clock.advance(Duration.ofSeconds(2)); // queued
        assertThat(status().queued()).isTrue();
        assertThat(events).contains("report: tick queued, previous run still going (report.1)");
        clock.advance(Duration.ofSeconds(2)); // one queued already: skipped
        assertThat(events).contains("report: skipped tick, previous run still going (report.1) and one more queued");
        assertThat(launchedNames()).containsExactly("report.1");

        exits("report.1", Duration.ofSeconds(1), 0); // at 7 s: the queued run starts at once
        assertThat(launchedNames()).containsExactly("report.1", "report.2");
        assertThat(status().queued()).isFalse();
        assertThat(events).anyMatch(e -> e.startsWith("report.2 started (schedule every 2s, queued; pid"));
    }

    @Test
    void allowOverlapRunsSideBySide() {
        supervisor(Overlap.ALLOW);
        done(supervisor.start(Map.of("report", 1)));
        clock.advance(Duration.ofSeconds(4));
        assertThat(launchedNames()).containsExactly("report.1", "report.2");
        assertThat(status().running()).containsExactly("report.1", "report.2");
        assertThat(os.last("report.1").spec.environment().get("PORT"))
                .isNotEqualTo(os.last("report.2").spec.environment().get("PORT"));
        exits("report.2", Duration.ZERO, 0);
        assertThat(status().running()).containsExactly("report.1");
    }

    @Test
    void allowOverlapRunsAtMostFiveAtOnce() {
        supervisor(Overlap.ALLOW);
        done(supervisor.start(Map.of("report", 1)));
        clock.advance(Duration.ofSeconds(14)); // ticks at 2, 4, ... 14 s; none of the runs ends
        assertThat(launchedNames()).containsExactly("report.1", "report.2", "report.3", "report.4", "report.5");
        assertThat(events).contains("report: skipped tick, 5 runs still going (report.1, report.2, report.3, report.4,"
                + " report.5); overlap: allow runs at most 5 at once");
        exits("report.1", Duration.ZERO, 0);
        clock.advance(Duration.ofSeconds(2));
        assertThat(launchedNames()).hasSize(6);
    }

    @Test
    void settingTheWallClockBackDoesNotStallAnEverySchedule() {
        supervisor(project("report: make-report\n", Map.of("report",
                scheduled(dev.procdeck.procfile.Schedule.parse("every 10s"), Overlap.SKIP))));
        done(supervisor.start(Map.of("report", 1)));
        clock.setWallClockBack(Duration.ofHours(1));
        clock.advance(Duration.ofSeconds(10));
        assertThat(launchedNames()).containsExactly("report.1");
        exits("report.1", Duration.ZERO, 0);
        clock.advance(Duration.ofSeconds(10));
        assertThat(launchedNames()).containsExactly("report.1", "report.2");
    }

    @Test
    void aTickThatFiresLateRunsOnceAndOneMissedByMoreThanAMinuteIsNotRunAtAll() {
        supervisor(project("report: make-report\n", Map.of("report", scheduled(new Every(10), Overlap.SKIP))));
        done(supervisor.start(Map.of("report", 1)));
        clock.jump(Duration.ofSeconds(25)); // the ticks at 10 s and 20 s were due meanwhile; the timer fires at 25 s
        clock.runDue();
        assertThat(launchedNames()).containsExactly("report.1");
        assertThat(status().nextRun()).isEqualTo(T0.plusSeconds(30)); // from now, not from the tick at 10 s
        exits("report.1", Duration.ZERO, 0);

        clock.advance(Duration.ofSeconds(5)); // the tick at 30 s runs on time
        assertThat(launchedNames()).containsExactly("report.1", "report.2");
        exits("report.2", Duration.ZERO, 0);

        clock.jump(Duration.ofHours(2)); // asleep through the tick at 40 s and every one since
        clock.runDue();
        assertThat(launchedNames()).containsExactly("report.1", "report.2");
        assertThat(events).contains("report: missed the run due at 00:00:40 (1 h 59 min late: the machine slept or procdeck"
                + " was busy); not replayed, next run at 02:00:40");
        clock.advance(Duration.ofSeconds(10));
        assertThat(launchedNames()).containsExactly("report.1", "report.2", "report.3");
    }

    @Test
    void historyKeepsTheLatestFiftyRuns() {
        supervisor(Overlap.SKIP);
        done(supervisor.start(Map.of("report", 1)));
        for (int n = 1; n <= 60; n++) {
            clock.advance(Duration.ofSeconds(2));
            os.last("report." + n).exit(0, 0);
            clock.runDue();
        }
        List<JobRun> history = supervisor.jobs().history("report");
        assertThat(history).hasSize(ScheduledJobs.HISTORY_LIMIT);
        assertThat(history.get(0).name()).isEqualTo("report.60");
        assertThat(history.get(history.size() - 1).name()).isEqualTo("report.11");
        assertThat(history).allMatch(JobRun::succeeded);
    }

    @Test
    void runNowRunsAScheduledTypeAtOnceObeyingItsOverlap() {
        supervisor(Overlap.SKIP);
        assertThat(done(supervisor.jobs().runNow("report"))).isEqualTo(ScheduledJobs.Trigger.STARTED);
        assertThat(launchedNames()).containsExactly("report.1");
        assertThat(events).anyMatch(e -> e.startsWith("report.1 started (run now; pid"));
        assertThat(supervisor.jobs().history("report").get(0).request()).isEqualTo("run now");
        assertThat(done(supervisor.jobs().runNow("report"))).isEqualTo(ScheduledJobs.Trigger.SKIPPED);
        assertThat(events).contains("report: skipped run now, previous run still going (report.1)");
        clock.advance(Duration.ofSeconds(10));
        assertThat(launchedNames()).containsExactly("report.1"); // the formation does not run: no ticks

        CompletableFuture<ScheduledJobs.Trigger> unknown = supervisor.jobs().runNow("web");
        clock.runDue();
        assertThat(unknown).isCompletedExceptionally();
        assertThatThrownBy(unknown::join).hasMessageContaining("'web' is not a scheduled type; scheduled: report");
    }

    @Test
    void stopAllPausesTheScheduleAndStopsARunningJobKillingItAfterTheTimeout() {
        supervisor(Overlap.SKIP);
        done(supervisor.start(Map.of("web", 1, "report", 1)));
        clock.advance(Duration.ofSeconds(2));
        os.last("report.1").ignoresTerm = true;
        CompletableFuture<Void> stopped = supervisor.stopAll();
        clock.advance(Duration.ofMillis(4900));
        assertThat(stopped).isNotDone(); // web.1 is gone, report.1 is not
        assertThat(events).contains("report: schedule paused", "report.1 stopping");
        clock.advance(Duration.ofMillis(200));
        assertThat(os.signals).containsExactly("TERM web.1", "TERM report.1", "KILL report.1");
        assertThat(events).contains("report.1 did not stop within 5 s, sending SIGKILL to its process group",
                "report.1 stopped after 5.0 s (SIGKILL (exit code 137))");
        assertThat(stopped).isDone();
        assertThat(supervisor.jobs().history("report").get(0).outcome()).isEqualTo(JobRun.Outcome.STOPPED);
        assertThat(status().enabled()).isFalse();
        assertThat(status().nextRun()).isNull();
        clock.advance(Duration.ofSeconds(10));
        assertThat(launchedNames()).containsExactly("web.1", "report.1");

        done(supervisor.startAll()); // starting again resumes the schedule
        clock.advance(Duration.ofSeconds(2));
        assertThat(launchedNames()).containsExactly("web.1", "report.1", "web.1", "report.2");
    }

    @Test
    void aCountOfZeroLeavesTheScheduleOffAndOnlySchedulesLeftMeanTheSessionEndsWhenTheyStop() {
        supervisor(Overlap.SKIP);
        done(supervisor.start(Map.of("web", 1, "report", 0)));
        clock.advance(Duration.ofSeconds(10));
        assertThat(launchedNames()).containsExactly("web.1");
        assertThat(status().enabled()).isFalse();

        done(supervisor.scale("report", 1));
        assertThat(status().enabled()).isTrue();
        os.last("web.1").exit(0, 0);
        done(supervisor.scale("web", 0));
        assertThat(settled).isZero(); // no instance left, but report still ticks
        done(supervisor.scale("report", 0));
        assertThat(settled).isEqualTo(1);
    }

    @Test
    void aReloadThatSchedulesAFormationTypeStopsItsInstancesAndOneThatUnschedulesMakesItAFormationTypeAgain() {
        Project plain = project("web: serve\nreport: make-report\n", Map.of());
        supervisor(plain);
        done(supervisor.start(Map.of("web", 1, "report", 1)));
        assertThat(launchedNames()).containsExactlyInAnyOrder("web.1", "report.1");

        Project withSchedule = project("web: serve\nreport: make-report\n",
                Map.of("report", scheduled(new Every(2), Overlap.SKIP)));
        done(supervisor.reload(withSchedule));
        clock.runDue();
        assertThat(os.signals).containsExactly("TERM report.1");
        assertThat(supervisor.snapshots()).extracting(InstanceSnapshot::name).containsExactly("web.1");
        clock.advance(Duration.ofSeconds(2));
        assertThat(os.launches("report.1")).isEqualTo(2);
        assertThat(os.launched).hasSize(3);
        assertThat(os.last("report.1").spec.environment()).containsEntry("DYNO", "scheduler.1");
        exits("report.1", Duration.ZERO, 0);

        done(supervisor.reload(plain)); // report is a formation type again, with its count
        assertThat(events).contains("report: no longer scheduled");
        assertThat(supervisor.jobs().statuses()).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        assertThat(os.launched).hasSize(4);
        assertThat(supervisor.snapshots()).extracting(s -> s.name() + " " + s.state())
                .containsExactly("report.1 UP", "web.1 UP");
        assertThat(os.last("report.1").spec.environment()).containsEntry("DYNO", "report.1");
    }

    @Test
    void theGroupsOfJobsAndOneOffsAreRecordedForTheWatchdogUntilTheyEnd() {
        supervisor(Overlap.SKIP);
        List<String> groups = new ArrayList<>();
        supervisor.setGroupListener(new GroupListener() {
            @Override
            public void groupStarted(long pgid, long startTime, String marker) {
                groups.add("+" + pgid + " " + marker.equals(supervisor.marker()));
            }

            @Override
            public void groupEnded(long pgid) {
                groups.add("-" + pgid);
            }
        });
        done(supervisor.start(Map.of("report", 1)));
        clock.advance(Duration.ofSeconds(2));
        supervisor.oneOffs().run("true");
        clock.runDue();
        assertThat(groups).containsExactly("+1000 true", "+1001 true");
        exits("report.1", Duration.ZERO, 0);
        exits("run.1", Duration.ZERO, 0);
        assertThat(groups).containsExactly("+1000 true", "+1001 true", "-1000", "-1001");
    }

    @Test
    void stoppingOneRunLeavesTheScheduleGoing() {
        supervisor(Overlap.SKIP);
        done(supervisor.start(Map.of("report", 1)));
        clock.advance(Duration.ofSeconds(2));
        assertThat(done(supervisor.jobs().stop("report.1"))).isTrue();
        clock.runDue();
        assertThat(os.signals).containsExactly("TERM report.1");
        assertThat(supervisor.jobs().history("report").get(0).outcome()).isEqualTo(JobRun.Outcome.STOPPED);
        assertThat(done(supervisor.jobs().stop("report.1"))).isFalse();
        assertThat(done(supervisor.jobs().stop("web.1"))).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(launchedNames()).containsExactly("report.1", "report.2");
    }

    // ---- one-off runs --------------------------------------------------------------------------------------

    @Test
    void aOneOffIsNamedOneOffNWhenTheProcfileHasATypeNamedRun() {
        supervisor(project("run: serve\n", Map.of()));
        done(supervisor.start(Map.of("run", 1)));
        OneOffRuns.Launch launch = supervisor.oneOffs().run("run --once");
        clock.runDue();
        assertThat(launch.name()).isEqualTo("one-off.1");
        assertThat(launchedNames()).containsExactly("run.1", "one-off.1");
        assertThat(os.last("one-off.1").spec.command()).isEqualTo("serve --once");
        assertThat(done(supervisor.oneOffs().stop("run.1"))).isFalse(); // the instance, not a one-off
        assertThat(os.signals).isEmpty();
    }

    @Test
    void aOneOffRunsATypeWithArgumentsOrAnyCommandAsRunN() {
        supervisor(Overlap.SKIP);
        OneOffRuns.Launch first = supervisor.oneOffs().run("web --port-check");
        clock.runDue();
        assertThat(first.name()).isEqualTo("run.1");
        LaunchSpec spec = os.last("run.1").spec;
        assertThat(spec.command()).isEqualTo("serve --port-check");
        assertThat(spec.environment()).containsEntry("DYNO", "run.1").containsEntry("PS", "run.1")
                .containsEntry("FROM_DOTENV", "yes").containsKey("PORT")
                .containsEntry(Supervisor.MARK_VARIABLE, supervisor.marker());
        assertThat(events).anyMatch(e -> e.startsWith("run.1 started (web --port-check; pid"));
        exits("run.1", Duration.ofSeconds(3), 2);
        JobRun ended = first.ended().join();
        assertThat(ended.exit()).isEqualTo(new ExitStatus(2));
        assertThat(ended.message()).isEqualTo("exited 2 after 3.0 s");
        assertThat(ended.type()).isEqualTo("web");

        OneOffRuns.Launch second = supervisor.oneOffs().run("  rake db:migrate  ");
        clock.runDue();
        assertThat(os.last("run.2").spec.command()).isEqualTo("rake db:migrate");
        supervisor.oneOffs().run("web --port-check");
        clock.runDue();
        assertThat(supervisor.oneOffs().recentCommands()).containsExactly("web --port-check", "rake db:migrate");
        assertThat(supervisor.oneOffs().history()).extracting(JobRun::name).containsExactly("run.3", "run.2", "run.1");

        assertThat(done(supervisor.oneOffs().stop("run.2"))).isTrue();
        clock.runDue();
        assertThat(second.ended().join().outcome()).isEqualTo(JobRun.Outcome.STOPPED);
        assertThat(done(supervisor.oneOffs().stop("run.2"))).isFalse();

        assertThatThrownBy(() -> supervisor.oneOffs().run("   ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> supervisor.oneOffs().run("bash", true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("terminal");
    }

    @Test
    void stopAllStopsOneOffsTooAndIsNotDoneBeforeTheyAreGone() {
        supervisor(Overlap.SKIP);
        OneOffRuns.Launch run = supervisor.oneOffs().run("sleep 100");
        clock.runDue();
        os.last("run.1").ignoresTerm = true;
        CompletableFuture<Void> stopped = supervisor.stopAll();
        clock.advance(Duration.ofSeconds(1));
        assertThat(stopped).isNotDone();
        clock.advance(Duration.ofSeconds(5));
        assertThat(stopped).isDone();
        assertThat(os.signals).containsExactly("TERM run.1", "KILL run.1");
        assertThat(run.ended().join().outcome()).isEqualTo(JobRun.Outcome.STOPPED);
    }

    @Test
    void aOneOffThatCannotBeSpawnedFailsToStart() {
        supervisor(Overlap.SKIP);
        os.failLaunches = true;
        OneOffRuns.Launch run = supervisor.oneOffs().run("nope");
        clock.runDue();
        JobRun ended = run.ended().join();
        assertThat(ended.outcome()).isEqualTo(JobRun.Outcome.FAILED_TO_START);
        assertThat(events).contains("run.1 failed to start: cannot run");
    }
}
