package dev.procdeck.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The state machine of one instance, in the manner of supervisord: explicit states and guarded transitions.
 * Pure: it spawns and signals nothing, it is driven by events (start requested, launched, exited, ...) and
 * reads time only from the injected clock, so whole histories can be replayed in tests.
 *
 * <pre>
 *   STOPPED/EXITED/CRASHED/FAILED/BACKING_OFF --requestStart--> STARTING
 *   STARTING --launched--> UP            STARTING --launchFailed--> FAILED
 *   UP --exited--> BACKING_OFF (policy restarts) | EXITED | CRASHED
 *   UP/STARTING --requestStop--> STOPPING --exited--> STOPPED
 *   BACKING_OFF --requestStop--> STOPPED   BACKING_OFF --backoffElapsed--> STARTING
 * </pre>
 */
public final class InstanceLifecycle {

    /** One state change, with the words shown to the user. */
    public record Transition(InstanceState from, InstanceState to, Instant at, String description) {
    }

    private final InstanceId id;
    private final int port;
    private final Clock clock;
    private RestartPolicy policy;

    private InstanceState state = InstanceState.STOPPED;
    private Instant since;
    private long pid = -1;
    private Instant startedAt;
    private int restarts;
    private int consecutiveRestarts;
    private ExitStatus lastExit;
    private Instant nextRestartAt;
    private String message = "not started";

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

    public void setPolicy(RestartPolicy policy) {
        this.policy = policy;
    }

    /** A start asked for by a person or by scaling up; forgets the crash streak. */
    public Transition requestStart() {
        guard(state.isTerminal() || state == InstanceState.BACKING_OFF, "start");
        consecutiveRestarts = 0;
        nextRestartAt = null;
        return move(InstanceState.STARTING, "starting");
    }

    /** The back-off wait is over: the automatic restart begins. */
    public Transition backoffElapsed() {
        guard(state == InstanceState.BACKING_OFF, "restart after back-off");
        restarts++;
        nextRestartAt = null;
        return move(InstanceState.STARTING, "restarting (restart " + restarts + ")");
    }

    public Transition launched(long processId) {
        guard(state == InstanceState.STARTING, "mark launched");
        pid = processId;
        startedAt = clock.instant();
        return move(InstanceState.UP, "started (pid " + processId + ", port " + port + ")");
    }

    public Transition launchFailed(String reason) {
        guard(state == InstanceState.STARTING, "mark launch failed");
        return move(InstanceState.FAILED, "failed to start: " + reason);
    }

    /** Asks a running instance to stop; an instance waiting to restart simply stays stopped. */
    public Optional<Transition> requestStop() {
        return switch (state) {
            case UP, STARTING -> Optional.of(move(InstanceState.STOPPING, "stopping"));
            case BACKING_OFF -> {
                nextRestartAt = null;
                yield Optional.of(move(InstanceState.STOPPED, "stopped (restart cancelled)"));
            }
            default -> Optional.empty();
        };
    }

    /**
     * The process ended and its output is drained. Decides, by the restart policy and the crash streak,
     * whether and when it restarts; a restart "now" is BACKING_OFF with a zero wait.
     */
    public Transition exited(ExitStatus status) {
        guard(state == InstanceState.UP || state == InstanceState.STOPPING || state == InstanceState.STARTING,
                "record exit");
        Instant now = clock.instant();
        lastExit = status;
        pid = -1;
        if (state == InstanceState.STOPPING) {
            return move(InstanceState.STOPPED, "stopped, " + status.describe());
        }
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
        return new InstanceSnapshot(id, port, state, since, pid, startedAt, restarts, lastExit, nextRestartAt, message);
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
