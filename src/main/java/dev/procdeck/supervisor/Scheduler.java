package dev.procdeck.supervisor;

import java.time.Instant;

/**
 * Time and timers for supervision, injected so that tests replay whole histories (crash, back-off, stop,
 * kill escalation) on a fake clock in milliseconds. Every task runs on the one supervision thread.
 */
public interface Scheduler {

    /** A scheduled task that has not run yet can be cancelled; cancelling later does nothing. */
    interface Timer {
        void cancel();
    }

    Instant now();

    /** Runs {@code task} on the supervision thread after {@code delayMillis} (0: as soon as possible). */
    Timer schedule(long delayMillis, Runnable task);

    /** Runs {@code task} on the supervision thread as soon as possible; from any thread. False once shut down. */
    default boolean execute(Runnable task) {
        schedule(0, task);
        return true;
    }
}
