package dev.procdeck.runtime;

import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.InstanceTerminal;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.JobStatus;
import dev.procdeck.supervisor.SupervisorSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A procdeck that runs elsewhere (a headless {@code procdeck start} in a terminal, or one on another machine
 * behind an SSH-forwarded socket), read and driven through its control socket: File › Attach…. Polls {@code ps}
 * every {@link #POLL} and after each command, on a thread of its own, where commands also go, one after the
 * other; follows the log into a sink. {@link #drainTo} turns each new {@code ps} into the same updates a
 * {@link LocalApp} tells. Nothing here owns a process: {@link #close()} only hangs up.
 */
public final class AttachedApp implements RunningApp {
    public static final Duration POLL = Duration.ofSeconds(1);
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.DRIVE);

    private record Stamped(AttachedRun.Status status, long commandsAtStart) {
    }

    /** One terminal per tty instance, for the pid it has now: a restarted instance gets a new one. */
    private record Tty(long pid, RemoteTerminal terminal) {
    }

    private final AttachedRun run;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final AtomicReference<Stamped> latest = new AtomicReference<>();
    private volatile String ended;
    private volatile boolean endTaken;
    /** Commands handed to the worker so far (the caller's thread writes); a status polled before the last one
     *  has an old formation, which must not pull a slider the user just moved back. */
    private volatile long commandsIssued;
    private final AtomicLong sequence = new AtomicLong();
    private volatile LogListener logSink;
    private final Map<String, Tty> terminals = new HashMap<>();

    // The caller's thread (drainTo): what the last status showed.
    private List<AttachedRun.RemoteType> types = List.of();
    /** The scheduled types as last applied: a change re-makes the rows, whose kind follows it. */
    private java.util.Set<String> scheduled = java.util.Set.of();
    private Map<String, InstanceSnapshot> shown = Map.of();
    private volatile Map<String, List<JobRun>> histories = Map.of();

    private AttachedApp(AttachedRun run, Clock clock) {
        this.run = run;
        this.clock = clock;
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "procdeck-attached");
            t.setDaemon(true);
            return t;
        });
        w.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = w;
    }

    /** Connects and reads the first status; blocking: call off the FX thread. */
    public static AttachedApp open(Path socket, Clock clock) throws IOException {
        AttachedRun run = AttachedRun.open(socket);
        AttachedApp a = new AttachedApp(run, clock);
        try {
            a.latest.set(new Stamped(run.status(), 0));
        } catch (IOException e) {
            run.close();
            throw e;
        }
        return a;
    }

    /** The procdeck attached to: its pid, project folder, app name and socket. */
    public ControlClient.Target target() {
        return run.target();
    }

    /**
     * Once a window shows this run: polling and following begin, the log into {@code logSink} (safe from any
     * thread), after {@code note}, a line of the window's own.
     */
    public void start(LogListener sink, String note) {
        this.logSink = sink;
        note(note);
        worker.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        run.follow(AttachedRun.RECENT_LINES, this::deliver, this::end);
    }

    /** A line of the window's own in the console, in order with the followed ones. */
    public void note(String text) {
        if (logSink != null) {
            deliver(LogBatch.event(LogLine.PROCDECK, Instant.now(), 0, text));
        }
    }

    /** Numbers batches in one sequence: the console merges instances' histories by it. */
    private void deliver(LogBatch b) {
        long first = sequence.getAndAdd(b.lineCount());
        logSink.onBatch(new LogBatch(b.instance(), b.stream(), b.time(), first, b.lineCount(), b.bytes(), b.plain()));
    }

    /** On the worker: one {@code ps}; an error ends the attachment (the run says why). */
    private void poll() {
        if (ended != null) {
            return;
        }
        long issued = commandsIssued;
        try {
            latest.set(new Stamped(run.status(), issued));
        } catch (IOException e) {
            end(e.getMessage());
        }
    }

    /** The attachment is over (the procdeck stopped or was replaced): stop polling and hang up the rest. */
    private void end(String why) {
        if (ended == null) {
            ended = why == null ? "the attachment ended" : why;
        }
        worker.shutdown();
        run.close(); // the log follower and the kept ps connection; drainTo still tells the end once
    }

    /** The socket attached through, until the attachment ends. */
    @Override
    public Optional<Path> controlSocket() {
        return ended != null ? Optional.empty() : Optional.of(run.target().socket());
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public boolean drainTo(Updates updates) {
        Stamped s = latest.getAndSet(null);
        boolean told = false;
        if (s != null) {
            apply(s.status(), s.commandsAtStart() >= commandsIssued, updates);
            told = true;
        }
        if (ended != null && !endTaken) {
            endTaken = true;
            shown = Map.of();
            note(ended); // the console keeps what it printed, with the reason as its last line
            updates.ended(ended);
            told = true;
        }
        return told;
    }

    /** One ps as updates: types when they changed, each instance with what happened to it since the last. */
    private void apply(AttachedRun.Status status, boolean formationCurrent, Updates updates) {
        // The jobs first: a row's kind (schedule or scale) follows which types are scheduled when rows are made.
        Map<String, List<JobRun>> h = new HashMap<>();
        List<JobStatus> jobs = new ArrayList<>();
        for (JobWire.Job j : status.jobs()) {
            jobs.add(j.status());
            h.put(j.status().type(), j.history());
        }
        histories = h;
        updates.jobs(jobs, true);
        java.util.Set<String> nowScheduled = h.keySet();
        if (!status.types().equals(types) || !nowScheduled.equals(scheduled)) {
            types = status.types();
            scheduled = java.util.Set.copyOf(nowScheduled);
            List<ProcessType> list = new ArrayList<>();
            for (AttachedRun.RemoteType t : status.types()) {
                list.add(new ProcessType(t.name(), t.command(), list.size(), list.size() + 1));
            }
            updates.typesChanged(new Procfile("(attached)", list, List.of()));
        }
        Instant now = clock.instant();
        Map<String, InstanceSnapshot> next = new LinkedHashMap<>();
        for (InstanceSnapshot i : status.instances()) {
            next.put(i.name(), i);
            updates.instanceChanged(i, transitionBetween(shown.get(i.name()), i, now));
        }
        for (String name : shown.keySet()) {
            if (!next.containsKey(name)) {
                updates.instanceRemoved(InstanceId.parse(name));
            }
        }
        shown = next;
        if (formationCurrent) {
            status.formation().forEach(updates::scaleChanged);
        }
        updates.usage(status.usage());
    }

    /**
     * What happened to an instance between two polls, as crash notices need it: a change of state, or (when it
     * crashed and came back between two polls) a restart that ended a failed run.
     */
    static InstanceLifecycle.Transition transitionBetween(InstanceSnapshot before, InstanceSnapshot now, Instant at) {
        if (before == null) {
            return null;
        }
        boolean failedRun = now.lastExit() != null && !now.lastExit().success();
        // At the attached procdeck's moments (not this poll's), as its console lines are stamped.
        if (before.state() == InstanceState.UP && now.restarts() > before.restarts() && failedRun
                && now.state() != InstanceState.CRASHED) {
            return new InstanceLifecycle.Transition(InstanceState.UP, InstanceState.BACKING_OFF,
                    now.startedAt() != null ? now.startedAt() : at,
                    "crashed with " + now.lastExit().describe() + "; restarted");
        }
        if (before.state() != now.state()) {
            return new InstanceLifecycle.Transition(before.state(), now.state(), now.since() != null ? now.since() : at,
                    now.message());
        }
        return null;
    }

    // ---- commands (the caller's thread; sent on the worker) -------------------------------------------------

    @Override
    public void scale(String type, int count) {
        int clamped = Math.max(0, Math.min(Formation.MAX_SCALE, count)); // ps moves the row back if refused
        command("scale " + type + "=" + clamped, () -> run.scale(Map.of(type, clamped)));
    }

    @Override
    public void act(Action action, String target) {
        command(action.word() + " " + (target == null ? "all" : target), () -> run.act(action.word(), target));
    }

    @Override
    public void runJob(String type) {
        command("run " + type, () -> run.runJob(type));
    }

    @Override
    public List<JobRun> jobHistory(String type) {
        return histories.getOrDefault(type, List.of());
    }

    private interface Call<T> {
        T call() throws IOException;
    }

    /** Runs on the worker; a failure is told in the console ("scale web=3 failed: ..."), then ps shows the truth. */
    private <T> CompletableFuture<T> command(String what, Call<T> call) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (ended != null) {
            done.completeExceptionally(new IOException(ended));
            return done;
        }
        commandsIssued++;
        try {
            worker.execute(() -> {
                try {
                    done.complete(call.call());
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                    note(what + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                }
                poll(); // the answer is in ps now: show it without waiting for the next tick
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IOException(ended == null ? "detached" : ended));
        }
        return done;
    }

    /**
     * The terminal of a {@code tty: true} instance running with {@code pid} (connects in the background). The
     * same object while that process runs, so an input bar stays put.
     */
    @Override
    public Optional<InstanceTerminal> terminal(InstanceId id, long pid) {
        InstanceSnapshot s = shown.get(id.name());
        if (ended != null || pid <= 0 || s == null || !s.hasProcess()
                || types.stream().noneMatch(t -> t.tty() && t.name().equals(id.type()))) {
            return Optional.empty();
        }
        synchronized (terminals) { // close() may come from the JVM's shutdown hook
            Tty t = terminals.get(id.name());
            if (t == null || t.pid() != pid) {
                if (t != null) {
                    t.terminal().close();
                }
                t = new Tty(pid, new RemoteTerminal(run.target().socket(), run.target().pid(), id.name()));
                terminals.put(id.name(), t);
            }
            return Optional.of(t.terminal());
        }
    }

    /** What the attached procdeck's stops wait before SIGKILL is its own; shown here as the default. */
    @Override
    public Duration stopTimeout() {
        return SupervisorSettings.defaults(0).stopTimeout();
    }

    /** Hangs up: polling and following stop; the attached procdeck and its processes are not touched. */
    @Override
    public CompletableFuture<Void> close() {
        List<Tty> open;
        synchronized (terminals) {
            open = List.copyOf(terminals.values());
        }
        open.forEach(t -> t.terminal().close());
        if (ended == null) {
            ended = "detached";
        }
        endTaken = true;
        worker.shutdownNow();
        run.close();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stopForExit(Duration budget) {
        close();
    }
}
