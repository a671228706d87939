package dev.procdeck.supervisor;

import dev.procdeck.os.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one place that stops a process group: the stop signal (SIGTERM unless the type says otherwise), a wait
 * of at most the timeout while polling the group, then SIGKILL, then a wait until the group is empty. Used by
 * the supervisor, the clean-up of an earlier session's leftovers and the watchdog alike.
 *
 * <p>A group is "empty" only when no process of it exists any more, so a child that ignores SIGTERM, or one
 * a shell left behind after it exited, is still waited for and killed.
 */
public final class Terminator {
    /** First poll soon (most programs exit at once on SIGTERM), then back off to this. */
    static final long MAX_POLL_MILLIS = 50;

    private final ProcessGroups groups;
    private final Scheduler scheduler;

    public Terminator(ProcessGroups groups, Scheduler scheduler) {
        this.groups = groups;
        this.scheduler = scheduler;
    }

    /** One termination in progress. */
    public final class Termination {
        private final long pgid;
        private final long deadline;
        private final CompletableFuture<Void> empty = new CompletableFuture<>();
        private final Consumer<Signal> onSignal;
        private boolean killed;
        private Scheduler.Timer timer;
        private long poll = 1;

        private Termination(long pgid, Duration timeout, Consumer<Signal> onSignal) {
            this.pgid = pgid;
            this.deadline = scheduler.now().toEpochMilli() + timeout.toMillis();
            this.onSignal = onSignal;
        }

        /** Completes (on the scheduler's thread) once the group is empty. */
        public CompletableFuture<Void> whenEmpty() {
            return empty;
        }

        /** True once SIGKILL was sent. */
        public boolean killed() {
            return killed;
        }

        /** Sends SIGKILL now instead of waiting for the timeout (closing in a hurry). */
        public void killNow() {
            if (!killed && !empty.isDone()) {
                kill();
                reschedule();
            }
        }

        private void check() {
            timer = null;
            if (!groups.alive(pgid)) {
                empty.complete(null);
                return;
            }
            if (!killed && scheduler.now().toEpochMilli() >= deadline) {
                kill();
            }
            reschedule();
        }

        private void kill() {
            killed = true;
            onSignal.accept(Signal.KILL);
            groups.signal(pgid, Signal.KILL);
        }

        private void reschedule() {
            if (timer != null) {
                timer.cancel();
            }
            long now = scheduler.now().toEpochMilli();
            long wait = Math.min(poll, MAX_POLL_MILLIS);
            if (!killed) {
                wait = Math.max(0, Math.min(wait, deadline - now));
            }
            poll = Math.min(poll * 2, MAX_POLL_MILLIS);
            timer = scheduler.schedule(wait, this::check);
        }
    }

    /**
     * Starts stopping a group: sends {@code first} now (unless it is KILL already) and escalates after
     * {@code timeout}. Call on the scheduler's thread. {@code onSignal} hears of each signal before it is sent.
     */
    public Termination terminate(long pgid, Signal first, Duration timeout, Consumer<Signal> onSignal) {
        Termination t = new Termination(pgid, timeout, onSignal);
        if (first == Signal.KILL) {
            t.kill();
        } else {
            onSignal.accept(first);
            if (!groups.signal(pgid, first) && !groups.alive(pgid)) {
                t.empty.complete(null);
                return t;
            }
        }
        t.reschedule();
        return t;
    }

    /**
     * Stops several groups at once and waits until all are empty (SIGKILL after {@code timeout}, then at most
     * a few more seconds): for clean-up paths outside a running supervisor.
     */
    public static void terminateAll(Collection<Long> pgids, Duration timeout) throws InterruptedException {
        if (pgids.isEmpty()) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "procdeck-terminator");
            t.setDaemon(true);
            return t;
        });
        try {
            Terminator terminator = new Terminator(ProcessGroups.POSIX, ExecutorScheduler.on(executor));
            List<CompletableFuture<Void>> done = new ArrayList<>();
            executor.submit(() -> {
                for (long pgid : pgids) {
                    done.add(terminator.terminate(pgid, Signal.TERM, timeout, s -> { }).whenEmpty());
                }
            }).get();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Unkillable (a process in uninterruptible sleep): nothing more a signal can do.
        } finally {
            executor.shutdownNow();
        }
    }
}
