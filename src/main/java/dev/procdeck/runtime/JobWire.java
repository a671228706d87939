package dev.procdeck.runtime;

import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.supervisor.ExitStatus;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scheduled type in the control protocol's {@code ps} answer ({@code "jobs"}), both ways: its schedule, next
 * tick, runs going on, and its latest runs. {@link ControlServer} writes it; an attached dashboard reads it back
 * into the {@link JobStatus} and {@link JobRun}s its scheduled-job cells show. Lenient on reading, like
 * {@link InstanceWire}: a run it cannot read is left out.
 */
public final class JobWire {
    /** Runs sent per type: what a history tooltip shows. */
    public static final int HISTORY_SENT = 8;

    /** A scheduled type as read back: its status and its latest runs, most recent first. */
    public record Job(JobStatus status, List<JobRun> history) {
    }

    /** Characters kept of a schedule as written and of a run's name (texts from the socket, see InstanceWire). */
    private static final int MAX_SCHEDULE = 200;
    private static final int MAX_RUN_NAME = 100;

    private JobWire() {
    }

    /** A scheduled type as the wire carries it ({@code ps}'s {@code "jobs"}). */
    public record JobInfo(String type, String schedule, String overlap, boolean enabled, Long nextRun,
                          List<String> running, boolean queued, long skipped, RunInfo lastRun, List<RunInfo> history) {
    }

    /** One run of a scheduled type as the wire carries it. */
    public record RunInfo(String name, long startedAt, Long endedAt, Long pid, String outcome, Long exitCode,
                          String message) {
    }

    public static JobInfo write(JobStatus s, List<JobRun> history) {
        return new JobInfo(s.type(), s.schedule(), s.overlap().name().toLowerCase(Locale.ROOT), s.enabled(),
                s.nextRun() == null ? null : s.nextRun().toEpochMilli(), List.copyOf(s.running()), s.queued(),
                s.skipped(), s.lastRun() == null ? null : run(s.lastRun()),
                history.stream().limit(HISTORY_SENT).map(JobWire::run).toList());
    }

    private static RunInfo run(JobRun r) {
        return new RunInfo(r.name(), r.startedAt().toEpochMilli(), r.endedAt() == null ? null : r.endedAt().toEpochMilli(),
                r.pid() > 0 ? r.pid() : null, r.outcome().name().toLowerCase(Locale.ROOT),
                r.exit() == null ? null : (long) r.exit().code(), r.message());
    }

    /**
     * A {@code jobs} entry read back.
     *
     * @throws IllegalArgumentException when it names no valid type or has no schedule
     */
    public static Job read(Map<?, ?> j) {
        if (!(j.get("type") instanceof String type) || !ProcfileParser.isTypeName(type)
                || !(j.get("schedule") instanceof String written)) {
            throw new IllegalArgumentException("a scheduled job without a valid type or schedule");
        }
        String schedule = InstanceWire.shown(written, MAX_SCHEDULE);
        Overlap overlap = Overlap.SKIP;
        if (j.get("overlap") instanceof String o) {
            try {
                overlap = Overlap.valueOf(o.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // a newer procdeck's: shown as the default
            }
        }
        List<String> running = new ArrayList<>();
        if (j.get("running") instanceof List<?> l) {
            l.stream().filter(String.class::isInstance).limit(100)
                    .forEach(n -> running.add(InstanceWire.shown(n, MAX_RUN_NAME)));
        }
        List<JobRun> history = new ArrayList<>();
        if (j.get("history") instanceof List<?> l) {
            l.stream().limit(HISTORY_SENT).forEach(o -> {
                JobRun r = o instanceof Map<?, ?> m ? run(m, type) : null;
                if (r != null) {
                    history.add(r);
                }
            });
        }
        JobRun last = j.get("lastRun") instanceof Map<?, ?> m ? run(m, type) : null;
        JobStatus status = new JobStatus(type, schedule, overlap, Boolean.TRUE.equals(j.get("enabled")),
                instant(j.get("nextRun")), running, Boolean.TRUE.equals(j.get("queued")),
                last, j.get("skipped") instanceof Long n ? (int) Math.min(n, Integer.MAX_VALUE) : 0);
        return new Job(status, history);
    }

    private static JobRun run(Map<?, ?> m, String type) {
        Instant started = instant(m.get("startedAt"));
        String name = InstanceWire.shown(m.get("name"), MAX_RUN_NAME);
        if (name == null || started == null) {
            return null;
        }
        JobRun.Outcome outcome;
        try {
            outcome = JobRun.Outcome.valueOf(String.valueOf(m.get("outcome")).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new JobRun(name, type, "", "", started, instant(m.get("endedAt")),
                m.get("pid") instanceof Long p ? p : -1, 0, outcome,
                m.get("exitCode") instanceof Long c ? new ExitStatus(c.intValue()) : null,
                java.util.Objects.requireNonNullElse(InstanceWire.shown(m.get("message"), InstanceWire.MAX_MESSAGE),
                        ""));
    }

    private static Instant instant(Object millis) {
        return InstanceWire.instantOf(millis);
    }
}
