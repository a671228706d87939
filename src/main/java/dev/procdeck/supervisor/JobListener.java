package dev.procdeck.supervisor;

/**
 * Hears of scheduled and one-off runs, on the supervision thread, in order; implementations hand the news on
 * (the dashboard queues it for the FX thread) and return quickly.
 */
public interface JobListener {

    /** A run started, changed (its process started, it is being stopped) or ended. */
    default void runChanged(JobRun run) {
    }

    /** A scheduled type changed: armed, paused, its next tick, a queued or skipped tick. */
    default void jobChanged(JobStatus status) {
    }
}
