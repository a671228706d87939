package dev.procdeck.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The state machine of one instance, in the manner of supervisord's states: explicit states and guarded
 * transitions. Pure: it spawns and signals nothing; it is driven by events and reads time only from the
 * injected clock, so whole histories replay in tests. {@link InstanceController} carries out what it decides.
 *
 * <pre>
 *   STOPPED/EXITED/CRASHED/FAILED/BACKING_OFF --start--> STARTING --launched--> UP
 *   STARTING --launchFailed--> FAILED
 *   UP --stop(intent)--> STOPPING(intent)           STOPPING --stop(intent)--> STOPPING(combined intent)
 *   UP --leader exited, group empty--> BACKING_OFF | EXITED | CRASHED (restart policy)
 *   UP --leader exited, group not empty--> STOPPING(LINGER)
 *   STOPPING --run ended--> STOPPED (STOP) | STARTING (RESTART) | REMOVED (RETIRE) | policy (LINGER)
 *   BACKING_OFF --stop--> STOPPED      BACKING_OFF --retire--> REMOVED     BACKING_OFF --elapsed--> STARTING
 * </pre>
 * A run ends only when its main process has been reaped <em>and</em> its process group is empty; until then
 * the instance is STOPPING and the terminator escalates to SIGKILL.
 */
public final class InstanceLifecycle {

    /** One state change, with the words shown to the user. */
    public record Transition(InstanceState from, InstanceState to, Instant at, String description) {
    }

    /** Where the stop of the current run has got to, for the table and the events. */
    public enum StopPhase { NONE, SIGNAL_SENT, KILL_SENT }

    private final InstanceId id;
    private final Clock clock;
    private RestartPolicy policy;

    private InstanceState state = InstanceState.STOPPED;
    private StopIntent intent;
    private StopPhase stopPhase = StopPhase.NONE;
    private ExitStatus leaderExit;
    private boolean removed;
    private Instant since;
    private long pid = -1;
    private int port;
    private Instant startedAt;
    private int restarts;
    private int consecutiveRestarts;
    private ExitStatus lastExit;
    private Instant nextRestartAt;
    private String message = "not started";
    private boolean restartToApply;

    public InstanceLifecycle(InstanceId id, int port, RestartPolicy policy, Clock clock) {
        this.id = id;
        this.port = port;
        this.policy = policy;
        this.clock = clock;
        this.since = clock.instant();
    }

    public InstanceState state() {
        return state;
    }

    /** Why it is stopping, while STOPPING; else null. */
    public StopIntent intent() {
        return state == InstanceState.STOPPING ? intent : null;
    }

    /** True once a retired instance's run has ended: it no longer exists. */
    public boolean removed() {
        return removed;
    }

    public void setPolicy(RestartPolicy policy) {
        this.policy = policy;
    }

    /** The Procfile changed this instance's command while it ran: the table says "restart to apply". */
    public void setRestartToApply(boolean stale) {
        this.restartToApply = stale;
    }

    /**
     * A start asked for by a person or by scaling up; forgets the crash streak. While stopping, it turns the
     * stop into a restart (returned as a transition within STOPPING); while up, nothing happens.
     */
    public Optional<Transition> requestStart(int newPort) {
        if (state == InstanceState.STOPPING) {
            return changeIntent(intent.then(StopIntent.RESTART));
        }
        if (!(state.isTerminal() || state == InstanceState.BACKING_OFF) || removed) {
            return Optional.empty();
        }
        consecutiveRestarts = 0;
        nextRestartAt = null;
        port = newPort;
        return Optional.of(move(InstanceState.STARTING, "starting"));
    }

    /** The back-off wait is over: the automatic restart begins. */
    public Transition backoffElapsed(int newPort) {
        guard(state == InstanceState.BACKING_OFF, "restart after back-off");
        restarts++;
        nextRestartAt = null;
        port = newPort;
        return move(InstanceState.STARTING, "restarting (restart " + restarts + ")");
    }

    public Transition launched(long processId) {
        guard(state == InstanceState.STARTING, "mark launched");
        pid = processId;
        startedAt = clock.instant();
        leaderExit = null;
        stopPhase = StopPhase.NONE;
        restartToApply = false;
        return move(InstanceState.UP, "started (pid " + processId + ", port " + port + ")");
    }

    /**
     * The spawn failed. Asked to stop meanwhile, the instance simply is stopped (or removed when retiring);
     * otherwise it is FAILED: a command that cannot be spawned is not retried.
     */
    public Transition launchFailed(String reason) {
        guard(state == InstanceState.STARTING || state == InstanceState.STOPPING && leaderExit == null && pid < 0,
                "mark launch failed");
        if (state == InstanceState.STOPPING && intent != StopIntent.RESTART) {
            removed = intent == StopIntent.RETIRE;
            intent = null;
            return move(InstanceState.STOPPED, "failed to start: " + reason + (removed ? "; removed" : ""));
        }
        intent = null;
        return move(InstanceState.FAILED, "failed to start: " + reason);
    }

    /** Spawned after a stop was asked for while spawning: it records the process and stays STOPPING. */
    public void launchedWhileStopping(long processId) {
        guard(state == InstanceState.STOPPING && pid < 0 && leaderExit == null, "mark launched while stopping");
        pid = processId;
        startedAt = clock.instant();
        stopPhase = StopPhase.NONE;
    }

    /**
     * Asks for a stop with an intent. UP (or STARTING) moves to STOPPING; STOPPING combines the intents;
     * BACKING_OFF ends at once (STOPPED, or removed when retiring); a terminal instance stays as it is, or is
     * removed when retiring.
     */
    public Optional<Transition> requestStop(StopIntent requested) {
        switch (state) {
            case UP, STARTING -> {
                intent = requested;
                stopPhase = StopPhase.NONE;
                return Optional.of(move(InstanceState.STOPPING, requested.label()));
            }
            case STOPPING -> {
                return changeIntent(intent.then(requested));
            }
            case BACKING_OFF -> {
                nextRestartAt = null;
                if (requested == StopIntent.RETIRE) {
                    removed = true;
                    return Optional.of(move(InstanceState.STOPPED, "removed (restart cancelled)"));
                }
                if (requested == StopIntent.RESTART) {
                    return Optional.empty();
                }
                return Optional.of(move(InstanceState.STOPPED, "stopped (restart cancelled)"));
            }
            default -> {
                if (requested == StopIntent.RETIRE && !removed) {
                    removed = true;
                    return Optional.of(move(state, "removed"));
                }
                return Optional.empty();
            }
        }
    }

    /** Scaled back up while retiring: the stop becomes a plain stop, or a restart. */
    public Optional<Transition> unretire(StopIntent instead) {
        guard(state == InstanceState.STOPPING && intent == StopIntent.RETIRE, "keep");
        intent = instead;
        return Optional.of(move(InstanceState.STOPPING, instead.label()));
    }

    /** The stop signal (or SIGKILL) went to the process group. */
    public void signalled(boolean kill) {
        guard(state == InstanceState.STOPPING, "record a stop signal");
        stopPhase = kill ? StopPhase.KILL_SENT : StopPhase.SIGNAL_SENT;
    }

    /**
     * The main process was reaped. If its group still has processes, the run is not over: an UP instance
     * becomes STOPPING(LINGER) and the caller stops the group; a STOPPING one just remembers the status.
     * Returns the transition when the state changed.
     */
    public Optional<Transition> leaderExited(ExitStatus status, boolean groupEmpty) {
        guard(state == InstanceState.UP || state == InstanceState.STOPPING, "record an exit");
        leaderExit = status;
        pid = -1;
        if (groupEmpty) {
            return Optional.of(runEnded());
        }
        if (state == InstanceState.UP) {
            intent = StopIntent.LINGER;
            stopPhase = StopPhase.NONE;
            return Optional.of(move(InstanceState.STOPPING, (status.success() ? "exited with " : "crashed with ")
                    + status.describe() + " but left processes in its group; stopping them"));
        }
        return Optional.empty();
    }

    /** The group became empty after the leader was reaped: the run is over. */
    public Transition groupEmptied() {
        guard(state == InstanceState.STOPPING && leaderExit != null, "end the run");
        return runEnded();
    }

    /** True while the main process has been reaped but its group is not empty yet. */
    public boolean leaderGone() {
        return leaderExit != null;
    }

    private Transition runEnded() {
        ExitStatus status = leaderExit;
        leaderExit = null; // the run is over: the next one starts with a clean slate
        lastExit = status;
        pid = -1;
        stopPhase = StopPhase.NONE;
        if (state == InstanceState.STOPPING) {
            StopIntent why = intent;
            intent = null;
            switch (why) {
                case STOP:
                    return move(InstanceState.STOPPED, "stopped, " + status.describe());
                case RESTART:
                    consecutiveRestarts = 0;
                    return move(InstanceState.STARTING, "stopped, " + status.describe() + "; starting again");
                case RETIRE:
                    removed = true;
                    return move(InstanceState.STOPPED, "stopped, " + status.describe() + "; removed");
                case LINGER:
                default:
                    break;
            }
        }
        return byPolicy(status);
    }

    private Transition byPolicy(ExitStatus status) {
        Instant now = clock.instant();
        if (startedAt != null && Duration.between(startedAt, now).compareTo(policy.resetAfter()) >= 0) {
            consecutiveRestarts = 0;
        }
        String what = (status.success() ? "exited with " : "crashed with ") + status.describe();
        Optional<Duration> delay = policy.delayBefore(consecutiveRestarts + 1, status);
        if (delay.isEmpty()) {
            return move(status.success() ? InstanceState.EXITED : InstanceState.CRASHED,
                    what + " (restart policy: " + policy.mode().name().toLowerCase().replace('_', '-') + ")");
        }
        consecutiveRestarts++;
        nextRestartAt = now.plus(delay.get());
        String when = delay.get().isZero() ? "restarting now" : "restarting in " + Durations.humanize(delay.get());
        return move(InstanceState.BACKING_OFF, what + ", " + when);
    }

    /** When the back-off ends, while BACKING_OFF. */
    public Optional<Instant> nextRestartAt() {
        return Optional.ofNullable(nextRestartAt);
    }

    public InstanceSnapshot snapshot() {
        return new InstanceSnapshot(id, port, state, since, pid, startedAt, restarts, lastExit, nextRestartAt,
                message, intent(), state == InstanceState.STOPPING ? stopPhase : StopPhase.NONE, restartToApply);
    }

    private Optional<Transition> changeIntent(StopIntent combined) {
        if (combined == intent) {
            return Optional.empty();
        }
        intent = combined;
        return Optional.of(move(InstanceState.STOPPING, combined.label()));
    }

    private Transition move(InstanceState to, String description) {
        InstanceState from = state;
        state = to;
        since = clock.instant();
        message = description;
        return new Transition(from, to, since, description);
    }

    private void guard(boolean allowed, String action) {
        if (!allowed) {
            throw new IllegalStateException("cannot " + action + " " + id + " while " + state.label());
        }
    }
}
