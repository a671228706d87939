package dev.procdeck.cli;

import dev.procdeck.os.PosixSignals;
import dev.procdeck.os.Signal;
import dev.procdeck.supervisor.Terminator;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one-off process of {@code run}, in procdeck's care: when procdeck is told to stop (SIGTERM, SIGHUP),
 * the one-off stops too instead of living on unsupervised: SIGTERM, then SIGKILL after the timeout.
 *
 * <p>In a process group of its own (no terminal) the whole group is stopped by the {@link Terminator}, which
 * also catches what the one-off double-forked. Sharing procdeck's group (with a terminal) it cannot be
 * signalled as a group, since that would hit procdeck and its shell, so the child and the descendants seen
 * while it runs are signalled one by one.
 */
final class OneOff {
    private static final long MAX_POLL_MILLIS = 50;

    private final Process process;
    private final boolean ownGroup;
    private final Duration timeout;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    OneOff(Process process, boolean ownGroup, Duration timeout) {
        this.process = process;
        this.ownGroup = ownGroup;
        this.timeout = timeout;
    }

    /** Stops the one-off; blocks (on a signal thread) until it is gone. Later calls do nothing. */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        try {
            if (ownGroup) {
                Terminator.terminateAll(List.of(process.pid()), timeout);
            } else {
                stopTree();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Nothing left to signal, or refused: the kill escalation cannot do more.
        } finally {
            stopped.complete(null);
        }
    }

    /** Passes a signal on to the one-off's group (only when it has one of its own). */
    void forward(Signal signal) {
        if (ownGroup && !stopping.get()) {
            try {
                PosixSignals.signalGroup(process.pid(), signal.number);
            } catch (IllegalArgumentException e) {
                // Not a group we may signal: ignore, as procdeck ignores the signal itself.
            }
        }
    }

    /**
     * Once the one-off has exited: if a stop is under way, waits for it, so that procdeck does not exit (and
     * take the SIGKILL escalation with it) while descendants that ignore SIGTERM still run.
     */
    void awaitStopped() {
        if (stopping.get()) {
            stopped.join();
        }
    }

    private void stopTree() throws InterruptedException {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long poll = 1;
        signalNew(tree, false);
        while (System.nanoTime() < deadline) {
            if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
                return;
            }
            Thread.sleep(poll);
            poll = Math.min(poll * 2, MAX_POLL_MILLIS);
            signalNew(tree, false); // children forked meanwhile get their SIGTERM too
        }
        signalNew(tree, true);
        tree.forEach(ProcessHandle::destroyForcibly);
        long killDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < killDeadline) {
            Thread.sleep(MAX_POLL_MILLIS);
        }
    }

    /** Adds the child and its current descendants to the tree, sending SIGTERM (or SIGKILL) to the new ones. */
    private void signalNew(Set<ProcessHandle> tree, boolean kill) {
        List<ProcessHandle> now = new java.util.ArrayList<>();
        now.add(process.toHandle());
        process.descendants().forEach(now::add);
        for (ProcessHandle h : now) {
            if (tree.add(h)) {
                if (kill) {
                    h.destroyForcibly();
                } else {
                    h.destroy(); // SIGTERM on POSIX
                }
            }
        }
    }
}
