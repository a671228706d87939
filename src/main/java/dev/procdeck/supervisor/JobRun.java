package dev.procdeck.supervisor;

import java.time.Duration;
import java.time.Instant;

/**
 * One run of a scheduled job ({@code report.3}) or a one-off ({@code run.2}) at one moment. Immutable: a run
 * that goes on is published again with its new state.
 *
 * @param name      its name on the log bus and in events ({@code report.3}, {@code run.2})
 * @param type      the process type whose command it runs, or null for a free command line
 * @param request   what was asked for: the schedule's trigger ("schedule every 2s", "run now") or the line typed
 *                  for a one-off ({@code web --foo}), which is what "run again" repeats
 * @param command   the shell command line that runs
 * @param startedAt when it was asked to start (then when its process started)
 * @param endedAt   when its run was over (process reaped and group empty), or null while it goes on
 * @param pid       its process (and group) id while it has one, else -1
 * @param port      the $PORT it was given
 * @param outcome   where it has got to
 * @param exit      how its process ended, or null (still running, or it never started)
 * @param message   the last thing that happened, in words ("exited 0 after 1.2 s", "failed to start: ...")
 */
public record JobRun(String name, String type, String request, String command, Instant startedAt, Instant endedAt,
                     long pid, int port, Outcome outcome, ExitStatus exit, String message) {

    /** Where a run has got to. */
    public enum Outcome {
        /** Asked to start; its process is being spawned. */
        STARTING,
        /** Its process runs (or is being stopped). */
        RUNNING,
        /** Its process ended on its own; {@link #exit()} says how. */
        EXITED,
        /** Stopped by a person, a stop-all or procdeck closing. */
        STOPPED,
        /** The command could not be spawned. */
        FAILED_TO_START;

        public boolean over() {
            return this != STARTING && this != RUNNING;
        }
    }

    public boolean running() {
        return !outcome.over();
    }

    /** True when it ran and exited 0. */
    public boolean succeeded() {
        return outcome == Outcome.EXITED && exit != null && exit.success();
    }

    /** How long it ran, or has been running until {@code now}. */
    public Duration duration(Instant now) {
        return Duration.between(startedAt, endedAt != null ? endedAt : now);
    }

    JobRun with(Outcome newOutcome, long newPid, Instant newStartedAt, Instant newEndedAt, ExitStatus newExit,
                String newMessage) {
        return new JobRun(name, type, request, command, newStartedAt, newEndedAt, newPid, port, newOutcome, newExit,
                newMessage);
    }


    /** "exited 0", "exited 127 (command not found)", "was ended by SIGKILL (exit code 137)". */
    static String ending(ExitStatus status) {
        if (status == null) {
            return "ended";
        }
        if (status.signal() > 0) {
            return "was ended by " + status.describe();
        }
        if (status.code() == 126 || status.code() == 127) {
            return "exited " + status.code() + status.describe().substring(("exit code " + status.code()).length());
        }
        return "exited " + status.code();
    }
}
