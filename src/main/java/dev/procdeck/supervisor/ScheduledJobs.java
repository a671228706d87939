package dev.procdeck.supervisor;

import dev.procdeck.logs.LogBus;
import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Schedule;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.procfile.Visible;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The scheduled jobs of a project (Heroku Scheduler, or a clock process, done by procdeck): a process type with
 * a {@code schedule} in procdeck.yml is not part of the formation; each tick runs its command once, as
 * {@code report.N} on the log bus ({@code N} counting that type's runs this session: the console prefix says
 * which job printed, in its type's colour, and the numbers match the type's history) with
 * {@code PS=DYNO=scheduler.M} ({@code M} counting all scheduled runs, as Heroku Scheduler names its dynos, and
 * shown in the "started" line), a free $PORT and the app's environment, through the same machinery as the
 * formation's instances.
 *
 * <p>A type's ticks run while the formation runs and gives the type a count above 0 (so {@code all=1}, the
 * default, runs every schedule, {@code -m report=0} or {@code start web} runs none of report's). A tick while a
 * run is still going follows the type's {@link Overlap}. A tick that fires more than {@link #MISSED_AFTER}
 * late (the machine slept, procdeck was stopped) is not run: the next tick is computed from now, so missed
 * ticks are never replayed.
 *
 * <p>Decisions happen on the supervision thread, on the supervisor's {@link Scheduler}, so tests replay
 * ticks on a fake clock. The public methods may be called from any thread.
 */
public final class ScheduledJobs {
    /** Runs kept per type. */
    public static final int HISTORY_LIMIT = 50;
    /** Runs of one type at once with {@code overlap: allow}: a job that never ends must not pile up without end. */
    public static final int ALLOWED_AT_ONCE = 5;
    /** A tick fired later than this is missed, not run. */
    public static final Duration MISSED_AFTER = Duration.ofMinutes(1);
    /** After a run, the next tick is announced only when it is at least this far: every 2 s needs no line. */
    static final Duration ANNOUNCE_AFTER = Duration.ofMinutes(1);

    /** What asking for a run led to. */
    public enum Trigger {
        /** A run started. */
        STARTED,
        /** A run is going and the overlap is {@link Overlap#QUEUE}: one more starts when it ends. */
        QUEUED,
        /** A run is going and the overlap is {@link Overlap#SKIP} (or a run is queued already): nothing started. */
        SKIPPED
    }

    private static final String RUN_NOW = "run now";

    private final Runs runs;
    private final Scheduler scheduler;
    private final LogBus bus;
    private volatile ZoneId zone;
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, JobStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, JobHistory> histories = new ConcurrentHashMap<>();

    // Owned by the supervision thread.
    private Project project;
    private final Map<String, Job> jobs = new TreeMap<>();
    /** Whether the formation gives each scheduled type a count above 0 (types never given one: no). */
    private final Map<String, Boolean> selected = new HashMap<>();
    private boolean running;
    /** Runs of each type this session, for the name ({@code report.3}); kept across reloads so no name repeats. */
    private final Map<String, Integer> runNumbers = new HashMap<>();
    /** Scheduled runs of all types this session, for $DYNO ({@code scheduler.7}), as Heroku Scheduler counts. */
    private int dynoNumber;

    ScheduledJobs(Runs runs, Project project, LogBus bus, ZoneId zone) {
        this.runs = runs;
        this.scheduler = runs.scheduler();
        this.bus = bus;
        this.zone = zone;
        this.project = project;
        reconcile(project);
    }

    // ---- public: any thread -------------------------------------------------------------------------------

    public void addListener(JobListener listener) {
        listeners.add(listener);
    }

    public void removeListener(JobListener listener) {
        listeners.remove(listener);
    }

    /** The time zone schedules are read in (local time by default; tests pin one). */
    public void setZone(ZoneId zone) {
        this.zone = zone;
    }

    /** Every scheduled type, by name. */
    public List<JobStatus> statuses() {
        return new TreeMap<>(statuses).values().stream().toList();
    }

    public Optional<JobStatus> status(String type) {
        return Optional.ofNullable(statuses.get(type));
    }

    /** The latest runs of a scheduled type (at most {@link #HISTORY_LIMIT}), most recent first, running ones included. */
    public List<JobRun> history(String type) {
        JobHistory h = histories.get(type);
        return h == null ? List.of() : h.newestFirst();
    }

    /**
     * Runs a scheduled type now, as a tick would (its overlap applies: with {@link Overlap#SKIP} and a run
     * going, nothing starts). Works whether or not its schedule is enabled.
     */
    public CompletableFuture<Trigger> runNow(String type) {
        CompletableFuture<Trigger> done = new CompletableFuture<>();
        boolean accepted = scheduler.execute(() -> {
            Job job = jobs.get(type);
            if (job == null) {
                done.completeExceptionally(new IllegalArgumentException("'" + type + "' is not a scheduled type"
                        + (jobs.isEmpty() ? "; procdeck.yml schedules none" : "; scheduled: "
                        + String.join(", ", jobs.keySet()))));
                return;
            }
            done.complete(job.trigger(RUN_NOW));
        });
        if (!accepted) {
            done.completeExceptionally(new IllegalStateException("supervisor is closed"));
        }
        return done;
    }

    /**
     * Stops one run of a scheduled type ({@code report.3}) gracefully, then with SIGKILL after the timeout; the
     * schedule goes on. Completes with whether such a run was going.
     */
    public CompletableFuture<Boolean> stop(String runName) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        boolean accepted = scheduler.execute(() -> done.complete(
                jobs.values().stream().anyMatch(j -> j.running.contains(runName)) && runs.stop(runName)));
        if (!accepted) {
            done.complete(false);
        }
        return done;
    }

    // ---- the supervisor's hooks: supervision thread -------------------------------------------------------

    /** Whether {@code type} is scheduled in the current project (and so not part of the formation). */
    boolean isScheduled(String type) {
        return jobs.containsKey(type);
    }

    /** The formation gives a scheduled type this count: above 0 its ticks run (while the formation runs). */
    void select(String type, boolean on) {
        selected.put(type, on);
        Job job = jobs.get(type);
        if (job != null) {
            job.update();
        }
    }

    /** The formation was started (true) or stopped (false): schedules arm or pause; stopping also drops queued ticks. */
    void setRunning(boolean on) {
        running = on;
        jobs.values().forEach(Job::update);
    }

    /** True while some schedule is armed: the session is not over even if no instance runs. */
    boolean ticking() {
        return jobs.values().stream().anyMatch(j -> j.timer != null);
    }

    /** Adopts a re-read procdeck.yml: schedules added, changed or removed; runs going on are left alone. */
    void reload(Project newProject) {
        project = newProject;
        reconcile(newProject);
    }

    /** Stops ticking for good (closing): no timer survives the supervisor. */
    void close() {
        running = false;
        jobs.values().forEach(Job::update);
    }

    // ---- supervision thread ------------------------------------------------------------------------------

    private void reconcile(Project p) {
        Set<String> now = new LinkedHashSet<>();
        for (ProcessType type : p.procfile().types()) {
            TypeConfig config = p.config().type(type.name());
            if (config.isScheduled()) {
                now.add(type.name());
                Job job = jobs.get(type.name());
                if (job == null) {
                    jobs.put(type.name(), new Job(type.name(), config.schedule(), config.overlap()));
                    histories.computeIfAbsent(type.name(), t -> new JobHistory(HISTORY_LIMIT));
                } else {
                    job.reconfigure(config.schedule(), config.overlap());
                }
            }
        }
        for (Job job : new ArrayList<>(jobs.values())) {
            if (!now.contains(job.type)) {
                job.disarm(false);
                jobs.remove(job.type);
                statuses.remove(job.type);
                event(job.type, job.type + ": no longer scheduled");
            }
        }
        jobs.values().forEach(Job::update);
    }

    private void event(String name, String text) {
        bus.event(name, Visible.escape(text));
    }

    private String at(Instant when) {
        ZonedDateTime t = when.atZone(zone);
        boolean today = t.toLocalDate().equals(scheduler.now().atZone(zone).toLocalDate());
        return t.format(today ? DateTimeFormatter.ofPattern("HH:mm:ss") : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }

    /** One scheduled type. */
    private final class Job {
        final String type;
        Schedule schedule;
        Overlap overlap;
        /** The tick the timer waits for, while armed. */
        Instant nextTick;
        Scheduler.Timer timer;
        final Set<String> running = new LinkedHashSet<>();
        /** What asked for the run that waits for the current one to end ({@link Overlap#QUEUE}), or null. */
        String queued;
        int skipped;

        Job(String type, Schedule schedule, Overlap overlap) {
            this.type = type;
            this.schedule = schedule;
            this.overlap = overlap;
        }

        boolean enabled() {
            return ScheduledJobs.this.running && selected.getOrDefault(type, false);
        }

        void reconfigure(Schedule newSchedule, Overlap newOverlap) {
            overlap = newOverlap;
            if (!newSchedule.text().equals(schedule.text())) {
                schedule = newSchedule;
                boolean wasArmed = timer != null;
                disarm(false);
                if (wasArmed) {
                    event(type, type + ": schedule is now " + schedule.text());
                }
            }
        }

        /** Arms or pauses the timer after the formation, the selection or the schedule changed. */
        void update() {
            if (enabled() && timer == null) {
                arm(true);
            } else if (!enabled()) {
                disarm(true);
            }
            publish();
        }

        void disarm(boolean announce) {
            if (timer != null) {
                timer.cancel();
                timer = null;
                nextTick = null;
                if (announce) {
                    event(type, type + ": schedule paused");
                }
            }
            queued = null;
        }

        /** Arms the timer for the first tick after now. */
        void arm(boolean announce) {
            armAfter(scheduler.now(), announce);
        }

        private void armAfter(Instant after, boolean announce) {
            ZonedDateTime next;
            try {
                next = schedule.next(after.atZone(zone));
            } catch (RuntimeException e) {
                next = null;
            }
            if (next == null || !next.toInstant().isAfter(after)) {
                event(type, type + ": schedule '" + schedule.text() + "' gives no next tick after " + at(after)
                        + "; it will not run");
                timer = null;
                nextTick = null;
                return;
            }
            Instant tick = next.toInstant();
            nextTick = tick;
            long wait = Math.max(0, tick.toEpochMilli() - scheduler.now().toEpochMilli());
            timer = scheduler.schedule(wait, () -> fired(tick));
            if (announce) {
                announceNext();
            }
        }

        void announceNext() {
            if (nextTick != null) {
                event(type, type + ": next run at " + at(nextTick) + " (schedule " + schedule.text() + ")");
            }
        }

        /** The timer went off for the tick {@code planned}. */
        private void fired(Instant planned) {
            if (nextTick == null || !nextTick.equals(planned)) {
                return; // disarmed or re-armed meanwhile
            }
            Instant now = scheduler.now();
            boolean clockSetBack = now.isBefore(planned);
            if (clockSetBack && !schedule.measuresElapsedTime()) {
                // Early (the wall clock was set back): wait for the tick itself rather than run before it.
                timer = scheduler.schedule(planned.toEpochMilli() - now.toEpochMilli(), () -> fired(planned));
                return;
            }
            timer = null;
            // An elapsed-time schedule is due when its timer's delay has passed, whatever the wall clock says.
            Duration late = clockSetBack ? Duration.ZERO : Duration.between(planned, now);
            // From now (or the tick, should the clock stand still): ticks missed meanwhile are not replayed.
            armAfter(now.isAfter(planned) || clockSetBack ? now : planned, false);
            if (late.compareTo(MISSED_AFTER) > 0) {
                skipped++;
                event(type, type + ": missed the run due at " + at(planned) + " (" + Durations.humanize(late)
                        + " late: the machine slept or procdeck was busy); not replayed"
                        + (nextTick != null ? ", next run at " + at(nextTick) : ""));
                publish();
                return;
            }
            trigger("schedule " + schedule.text());
        }

        /** A tick or "run now": starts a run, or queues or skips it by the overlap. */
        Trigger trigger(String why) {
            if (overlap == Overlap.ALLOW && running.size() >= ALLOWED_AT_ONCE) {
                skipped++;
                event(type, type + ": skipped " + kind(why) + ", " + running.size() + " runs still going ("
                        + String.join(", ", running) + "); overlap: allow runs at most " + ALLOWED_AT_ONCE + " at once");
                publish();
                return Trigger.SKIPPED;
            }
            if (!running.isEmpty() && overlap != Overlap.ALLOW) {
                String current = String.join(", ", running);
                if (overlap == Overlap.QUEUE && queued == null) {
                    queued = why;
                    event(type, type + ": " + kind(why) + " queued, previous run still going (" + current + ")");
                    publish();
                    return Trigger.QUEUED;
                }
                skipped++;
                event(type, type + ": skipped " + kind(why) + ", previous run"
                        + " still going (" + current + ")" + (queued != null ? " and one more queued" : ""));
                publish();
                return Trigger.SKIPPED;
            }
            launch(why);
            return Trigger.STARTED;
        }

        /** "tick" or "run now", for the skip and queue events. */
        private String kind(String why) {
            return why.equals(RUN_NOW) ? RUN_NOW : "tick";
        }

        private void launch(String why) {
            Optional<ProcessType> procType = project.procfile().type(type);
            if (procType.isEmpty()) {
                return; // cannot happen: reconcile drops jobs whose type left the Procfile
            }
            InstanceId id = new InstanceId(type, runNumbers.merge(type, 1, Integer::sum));
            running.add(id.name());
            runs.start(new Runs.Request(id, "scheduler." + ++dynoNumber, type, why, why, procType.get().command(), null),
                    this::changed);
        }

        private void changed(JobRun run) {
            histories.get(type).put(run);
            if (run.outcome().over()) {
                running.remove(run.name());
            }
            for (JobListener l : listeners) {
                try {
                    l.runChanged(run);
                } catch (RuntimeException e) {
                    event(type, "internal error: a job listener failed: " + e);
                }
            }
            if (!run.outcome().over()) {
                publish();
                return;
            }
            if (queued != null && running.isEmpty()) {
                String why = queued;
                queued = null;
                launch(why + ", queued");
            } else if (running.isEmpty() && nextTick != null
                    && Duration.between(scheduler.now(), nextTick).compareTo(ANNOUNCE_AFTER) >= 0) {
                announceNext();
            }
            publish();
        }

        void publish() {
            if (!jobs.containsKey(type) || jobs.get(type) != this) {
                return;
            }
            JobHistory h = histories.get(type);
            JobStatus s = new JobStatus(type, schedule.text(), overlap, enabled(), nextTick, List.copyOf(running),
                    queued != null, h == null ? null : h.lastEnded(), skipped);
            statuses.put(type, s);
            for (JobListener l : listeners) {
                try {
                    l.jobChanged(s);
                } catch (RuntimeException e) {
                    event(type, "internal error: a job listener failed: " + e);
                }
            }
        }
    }
}
