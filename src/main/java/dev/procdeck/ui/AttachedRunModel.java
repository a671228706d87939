package dev.procdeck.ui;

import dev.procdeck.logs.LogListener;
import dev.procdeck.runtime.AttachedRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The dashboard's side of File › Attach…: a procdeck that runs elsewhere (a headless {@code procdeck start} in a
 * terminal, or one on another machine behind an SSH-forwarded socket), read and driven through its control
 * socket. Polls {@code ps} every {@link #POLL} and after each command, on a thread of its own, where commands
 * also go, one after the other; follows the log into the console's sink. The view model takes what arrived
 * on each pulse ({@link #take()}). Nothing here owns a process: {@link #close()} only hangs up.
 */
final class AttachedRunModel implements AutoCloseable {
    static final java.time.Duration POLL = java.time.Duration.ofSeconds(1);

    /** What arrived since the last pulse: a newer status, the end of the attachment, or both empty. */
    record Update(AttachedRun.Status status, boolean formationCurrent, String ended) {
    }

    private record Stamped(AttachedRun.Status status, long commandsAtStart) {
    }

    private final AttachedRun run;
    private final ScheduledExecutorService worker;
    private final AtomicReference<Stamped> latest = new AtomicReference<>();
    private volatile String ended;
    private boolean endTaken;
    /** Commands handed to the worker so far (FX thread writes); a status polled before the last one has an
     *  old formation, which must not pull a slider the user just moved back. */
    private volatile long commandsIssued;
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    private volatile LogListener logSink;

    private AttachedRunModel(AttachedRun run) {
        this.run = run;
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "procdeck-attached");
            t.setDaemon(true);
            return t;
        });
        w.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = w;
    }

    /** Connects and reads the first status; blocking: call off the FX thread. */
    static AttachedRunModel open(Path socket) throws IOException {
        AttachedRun run = AttachedRun.open(socket);
        AttachedRunModel m = new AttachedRunModel(run);
        try {
            m.latest.set(new Stamped(run.status(), 0));
        } catch (IOException e) {
            run.close();
            throw e;
        }
        return m;
    }

    /**
     * FX thread, once the window shows this run: polling and following begin, the log into {@code logSink}
     * (the console's, safe from any thread), after {@code note}, a line of the dashboard's own.
     */
    void start(LogListener logSink, String note) {
        this.logSink = logSink;
        note(note);
        worker.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        run.follow(AttachedRun.RECENT_LINES, this::deliver, this::end);
    }

    /** A line of the dashboard's own in the console, in order with the followed ones. */
    void note(String text) {
        if (logSink != null) {
            deliver(dev.procdeck.logs.LogBatch.event(dev.procdeck.logs.LogLine.PROCDECK, java.time.Instant.now(), 0, text));
        }
    }

    /** Numbers batches in one sequence: the console merges instances' histories by it. */
    private void deliver(dev.procdeck.logs.LogBatch b) {
        long first = sequence.getAndAdd(b.lineCount());
        logSink.onBatch(new dev.procdeck.logs.LogBatch(b.instance(), b.stream(), b.time(), first, b.lineCount(),
                b.bytes(), b.plain()));
    }

    AttachedRun run() {
        return run;
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
        run.close(); // the log follower and the kept ps connection; take() still reports the end once
    }

    /** FX thread, each pulse: what arrived since the last call. */
    Update take() {
        Stamped s = latest.getAndSet(null);
        String why = null;
        if (ended != null && !endTaken) {
            endTaken = true;
            why = ended;
        }
        return new Update(s == null ? null : s.status(), s != null && s.commandsAtStart() >= commandsIssued, why);
    }

    boolean isEnded() {
        return ended != null;
    }

    // ---- commands (FX thread) ------------------------------------------------------------------------------

    CompletableFuture<Map<String, Integer>> scale(String type, int count) {
        return command("scale " + type + "=" + count, () -> run.scale(Map.of(type, count)));
    }

    /** {@code restart}, {@code stop} or {@code start} of a type, an instance, or (null) everything. */
    CompletableFuture<List<String>> act(String op, String target) {
        return command(op + " " + (target == null ? "all" : target), () -> run.act(op, target));
    }

    /** Runs a scheduled type now on the attached procdeck. */
    CompletableFuture<String> runJob(String type) {
        return command("run " + type, () -> run.runJob(type));
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

    /** One terminal per tty instance, for the pid it has now: a restarted instance gets a new one. FX thread. */
    private record Tty(long pid, dev.procdeck.runtime.RemoteTerminal terminal) {
    }

    private final Map<String, Tty> terminals = new java.util.HashMap<>();

    /**
     * The terminal of a {@code tty: true} instance running with {@code pid} (FX thread; connects in the
     * background). The same object while that process runs, so an input bar stays put.
     */
    dev.procdeck.supervisor.InstanceTerminal terminal(String instance, long pid) {
        synchronized (terminals) { // close() may come from the JVM's shutdown hook
            Tty t = terminals.get(instance);
            if (t == null || t.pid() != pid) {
                if (t != null) {
                    t.terminal().close();
                }
                t = new Tty(pid, new dev.procdeck.runtime.RemoteTerminal(run.target().socket(), run.target().pid(),
                        instance));
                terminals.put(instance, t);
            }
            return t.terminal();
        }
    }

    /** Hangs up: polling and following stop; the attached procdeck and its processes are not touched. */
    @Override
    public void close() {
        java.util.List<Tty> open;
        synchronized (terminals) {
            open = java.util.List.copyOf(terminals.values());
        }
        open.forEach(t -> t.terminal().close());
        if (ended == null) {
            ended = "detached";
        }
        endTaken = true;
        worker.shutdownNow();
        run.close();
    }
}
