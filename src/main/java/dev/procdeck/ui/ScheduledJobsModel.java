package dev.procdeck.ui;

import dev.procdeck.supervisor.JobListener;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.JobTexts;
import dev.procdeck.supervisor.JobStatus;
import dev.procdeck.supervisor.ScheduledJobs;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The scheduled types of the open project as the table shows them: one summary line per type ("every 20s ·
 * next 13:20:00 · last: exit 0 after 58 ms"), kept up to date from {@link JobListener} events that are queued on
 * the supervision thread and applied on the FX pulse. FX thread only, except the listener.
 */
public final class ScheduledJobsModel {
    static final DateTimeFormatter CLOCK = JobTexts.CLOCK;
    /** Runs shown in a type's history tooltip. */
    static final int HISTORY_SHOWN = 8;

    private final List<JobStatus> pending = new ArrayList<>();
    private final Map<String, JobStatus> statuses = new HashMap<>();
    private final Map<String, ReadOnlyStringWrapper> summaries = new HashMap<>();
    /**
     * The types the open project schedules, known as soon as its files are read (not only once the engine's news
     * arrives): a row's kind, schedule or scale, follows it the moment the table is rebuilt for a reload.
     */
    private java.util.Set<String> scheduled = java.util.Set.of();
    /** Rows given a schedule's badge: one whose type is no longer scheduled loses it. */
    private final java.util.Set<String> decorated = new java.util.HashSet<>();
    private final ZoneId zone;
    private ScheduledJobs jobs;
    private JobListener listener;
    /** While attached to a procdeck that runs elsewhere: its jobs' latest runs and how to run one now. */
    private Map<String, List<JobRun>> remoteHistory = Map.of();
    private java.util.function.Consumer<String> remoteRunNow;

    ScheduledJobsModel(ZoneId zone) {
        this.zone = zone;
    }

    /**
     * Follows the jobs of a newly started supervisor (FX thread), or none (any thread); the previous one's news is
     * dropped.
     */
    void attach(ScheduledJobs newJobs) {
        if (jobs != null && listener != null) {
            jobs.removeListener(listener);
        }
        synchronized (pending) {
            pending.clear();
        }
        statuses.clear();
        scheduled = java.util.Set.of();
        remoteHistory = Map.of();
        remoteRunNow = null;
        jobs = newJobs;
        listener = null;
        if (newJobs != null) {
            JobListener mine = new JobListener() {
                @Override
                public void jobChanged(JobStatus status) {
                    queue(this, status);
                }

                @Override
                public void runChanged(JobRun run) {
                    if (run.type() != null) {
                        newJobs.status(run.type()).ifPresent(s -> queue(this, s));
                    }
                }
            };
            listener = mine;
            newJobs.addListener(mine);
            newJobs.statuses().forEach(s -> statuses.put(s.type(), s));
            scheduled = java.util.Set.copyOf(statuses.keySet());
            // Only here, on the FX thread: detaching (null) may happen on any thread as the window closes.
            summaries.forEach((type, text) -> text.set(""));
        }
    }

    private void queue(JobListener from, JobStatus status) {
        synchronized (pending) {
            if (from == listener) {
                pending.add(status);
            }
        }
    }

    /**
     * The scheduled types of a procdeck this window is attached to, as its latest {@code ps} gives them (FX
     * thread); they replace what was shown. {@code runNow} asks that procdeck for a run.
     */
    void showRemote(List<dev.procdeck.runtime.JobWire.Job> remote, java.util.function.Consumer<String> runNow) {
        statuses.clear();
        scheduled = remote.stream().map(j -> j.status().type()).collect(java.util.stream.Collectors.toUnmodifiableSet());
        Map<String, List<JobRun>> histories = new HashMap<>();
        for (dev.procdeck.runtime.JobWire.Job j : remote) {
            statuses.put(j.status().type(), j.status());
            histories.put(j.status().type(), j.history());
        }
        remoteHistory = histories;
        remoteRunNow = runNow;
    }

    /**
     * The types the open project schedules now (FX thread), from its files as just read: called on open and on each
     * reload, before the rows are rebuilt. A type no longer scheduled loses its status; a newly scheduled one shows
     * its schedule at once and its status when the engine's news comes.
     */
    void scheduleTypes(java.util.Collection<String> types) {
        scheduled = java.util.Set.copyOf(types);
        statuses.keySet().retainAll(scheduled);
    }

    /** The types that are scheduled, not part of the formation (FX thread). */
    java.util.Set<String> scheduledTypes() {
        return scheduled;
    }

    /** Applies the news since the last pulse and refreshes the summaries (their "next in" moves with the clock). */
    void pulse(Instant now) {
        List<JobStatus> taken;
        synchronized (pending) {
            taken = new ArrayList<>(pending);
            pending.clear();
        }
        taken.stream().filter(s -> scheduled.contains(s.type())).forEach(s -> statuses.put(s.type(), s));
        statuses.forEach((type, s) -> summary(type).set(JobTexts.summary(s, zone, now)));
    }

    /** Gives the scheduled types' rows their badge ("next 13:20:00", "running") and their last run's outcome. */
    void decorate(List<TypeRow> rows, Instant now) {
        for (TypeRow row : rows) {
            JobStatus s = statuses.get(row.typeName());
            if (s == null && decorated.remove(row.typeName())) {
                row.showJob(null, null, ""); // no longer scheduled: its instances' summary and exits again
            }
            if (s != null) {
                decorated.add(row.typeName());
                JobRun last = s.lastRun();
                boolean failed = last != null && !last.succeeded() && last.outcome() != JobRun.Outcome.STOPPED;
                String badge = !s.running().isEmpty() ? "running"
                        : s.enabled() && s.nextRun() != null ? "next " + CLOCK.format(s.nextRun().atZone(zone))
                        : "paused";
                String kind = !s.running().isEmpty() ? "up" : failed ? "crashed" : "stopped";
                row.showJob(badge, kind, last == null ? "" : JobTexts.outcome(last, now));
            }
        }
    }

    /** True when the open project schedules this type. */
    public boolean isScheduled(String type) {
        return scheduled.contains(type);
    }

    public ReadOnlyStringProperty summaryProperty(String type) {
        return summary(type).getReadOnlyProperty();
    }

    private ReadOnlyStringWrapper summary(String type) {
        return summaries.computeIfAbsent(type, t -> new ReadOnlyStringWrapper(this, "summary", ""));
    }

    /** The latest runs of a type, most recent first, as lines for a tooltip. */
    public String historyText(String type, Instant now) {
        List<JobRun> runs = jobs == null ? remoteHistory.getOrDefault(type, List.of()) : jobs.history(type);
        return historyText(runs, zone, now);
    }

    /** Asks for a run now; the outcome arrives as events (and in the console). */
    public void runNow(String type) {
        if (jobs != null) {
            jobs.runNow(type);
        } else if (remoteRunNow != null) {
            remoteRunNow.accept(type);
        }
    }

    static String historyText(List<JobRun> runs, ZoneId zone, Instant now) {
        if (runs.isEmpty()) {
            return "no runs yet";
        }
        StringBuilder text = new StringBuilder("latest runs:");
        runs.stream().limit(HISTORY_SHOWN).forEach(r -> text.append('\n').append(CLOCK.format(r.startedAt().atZone(zone)))
                .append("  ").append(r.name()).append("  ").append(JobTexts.outcome(r, now)));
        if (runs.size() > HISTORY_SHOWN) {
            text.append("\n… ").append(runs.size() - HISTORY_SHOWN).append(" more");
        }
        return text.toString();
    }

}
