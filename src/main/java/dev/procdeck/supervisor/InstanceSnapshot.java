package dev.procdeck.supervisor;

import java.time.Duration;
import java.time.Instant;

/**
 * What an observer (the console printer, the dashboard) sees of one instance at one moment. Immutable.
 *
 * @param pid           the process (and process group) id while one exists, else -1
 * @param startedAt     when the current or last process started, or null if it never did
 * @param restarts      automatic restarts since the instance was created
 * @param lastExit      how the last process ended, or null
 * @param nextRestartAt when a backing-off instance starts again, or null
 * @param message       the last transition in words ("crashed with exit code 1, restarting in 2 s")
 * @param stopIntent    why it is stopping (restarting, retiring, ...), while STOPPING; else null
 * @param stopPhase     how far its stop has got (stop signal sent, SIGKILL sent), while STOPPING
 * @param restartToApply a reload changed what a start would launch (command, environment, terminal or port); it runs
 *                      as it was started until restarted
 * @param waitingFor    while STARTING, what it waits for: its readiness check ("http /health") or the types it
 *                      depends on ("worker"); else null. The table shows "starting · waiting for http /health".
 */
public record InstanceSnapshot(InstanceId id, int port, InstanceState state, Instant since, long pid,
                               Instant startedAt, int restarts, ExitStatus lastExit, Instant nextRestartAt,
                               String message, StopIntent stopIntent, InstanceLifecycle.StopPhase stopPhase,
                               boolean restartToApply, String waitingFor) {

    public String name() {
        return id.name();
    }

    /** True while a process exists for the instance, one that is not ready yet included. */
    public boolean hasProcess() {
        return state.hasProcess() || state == InstanceState.STARTING && pid > 0;
    }

    /** How long the current process has been up, or zero if none runs. */
    public Duration uptime(Instant now) {
        return hasProcess() && startedAt != null ? Duration.between(startedAt, now) : Duration.ZERO;
    }
}
