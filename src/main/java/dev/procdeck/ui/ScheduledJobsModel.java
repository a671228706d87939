package dev.procdeck.ui;

import dev.procdeck.runtime.NoApp;
import dev.procdeck.runtime.RunningApp;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.JobTexts;
import dev.procdeck.supervisor.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The scheduled types of the app the window shows as the table shows them: one summary line per type ("every 20s
 * · next 13:20:00 · last: exit 0 after 58 ms"), from the statuses the app tells on each pulse
 * ({@link RunningApp.Updates#jobs}); history and Run Now are asked of the app. FX thread only: nothing here is
 * touched by another thread (the app queues its news until the pulse takes them).
 */
public final class ScheduledJobsModel {
    static final DateTimeFormatter CLOCK = JobTexts.CLOCK;
    /** Runs shown in a type's history tooltip. */
    static final int HISTORY_SHOWN = 8;

    private final Map<String, JobStatus> statuses = new HashMap<>();
    /**
     * The types the open project schedules, known as soon as its files are read (not only once the engine's news
     * arrives): a row's kind, schedule or scale, follows it the moment the table is rebuilt for a reload.
     */
    private java.util.Set<String> scheduled = java.util.Set.of();
    /** Rows given a schedule's badge: one whose type is no longer scheduled loses it. */
    private final java.util.Set<String> decorated = new java.util.HashSet<>();
    private final Map<String, ReadOnlyStringWrapper> summaries = new HashMap<>();
    private final ZoneId zone;
    private RunningApp app = NoApp.INSTANCE;

    ScheduledJobsModel(ZoneId zone) {
        this.zone = zone;
    }

    /** Shows the jobs of {@code next} from now on; nothing of the previous app's stays. */
    void follow(RunningApp next) {
        app = next;
        statuses.clear();
        scheduled = java.util.Set.of();
        summaries.forEach((type, text) -> text.set(""));
    }

    /** The app's news: these statuses replace those of their types ({@code complete}: and no other type stays). */
    void apply(List<JobStatus> news, boolean complete) {
        if (complete) {
            statuses.clear();
            // The whole list (an attached procdeck's ps, or an app's first news): these are the scheduled types.
            scheduled = news.stream().map(JobStatus::type).collect(java.util.stream.Collectors.toUnmodifiableSet());
        }
        news.stream().filter(s -> scheduled.contains(s.type())).forEach(s -> statuses.put(s.type(), s));
    }

    /**
     * The types the open project schedules now, from its files as just read: called on open and on each reload,
     * before the rows are rebuilt. A type no longer scheduled loses its status; a newly scheduled one shows its
     * schedule at once and its status when the engine's news comes.
     */
    void scheduleTypes(java.util.Collection<String> types) {
        scheduled = java.util.Set.copyOf(types);
        statuses.keySet().retainAll(scheduled);
    }

    /** The types that are scheduled, not part of the formation. */
    java.util.Set<String> scheduledTypes() {
        return scheduled;
    }

    /** Applies the news since the last pulse and refreshes the summaries (their "next in" moves with the clock). */
    void pulse(Instant now) {
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
        return historyText(app.jobHistory(type), zone, now);
    }

    /** Asks for a run now; the outcome arrives as events (and in the console). */
    public void runNow(String type) {
        app.runJob(type);
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
