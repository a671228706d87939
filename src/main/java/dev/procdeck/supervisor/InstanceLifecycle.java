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
 *   STOPPED/EXITED/CRASHED/FAILED/BACKING_OFF --start--> STARTING(SPAWNING) --launched--> UP
 *   STARTING(SPAWNING) --waitForDependencies--> STARTING(WAITING_FOR_DEPENDENCIES) --dependenciesReady--> STARTING(SPAWNING)
 *   STARTING(SPAWNING) --launched, with a readiness check--> STARTING(WAITING_FOR_READY) --ready--> UP
 *   STARTING(WAITING_FOR_READY) --notReady--> STOPPING(NOT_READY)    (exits and leftovers: as from UP)
 *   UP (or STARTING(WAITING_FOR_READY)) --unhealthy--> STOPPING(UNHEALTHY)   (R15, a failing liveness check)
 *   STARTING(WAITING_FOR_DEPENDENCIES) --stop--> STOPPED (or REMOVED when retiring)
 *   STARTING --launchFailed--> FAILED
 *   UP --stop(intent)--> STOPPING(intent)           STOPPING --stop(intent)--> STOPPING(combined intent)
 *   UP --leader exited, group empty--> BACKING_OFF | EXITED | CRASHED (restart policy)
 *   UP --leader exited, group not empty--> STOPPING(LINGER)
 *   STOPPING --run ended--> STOPPED (STOP) | STARTING (RESTART) | REMOVED (RETIRE) | policy (LINGER, NOT_READY,
 *   UNHEALTHY)
 *   policy: BACKING_OFF | EXITED | CRASHED, or FAILED once max_restarts consecutive restarts are used up, or at
 *   once for exit code 127 (command not found), which no restart mends
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

    /**
     * Where a STARTING instance has got to: its process being spawned, waiting (without a process) for the
     * types it depends on to be up, or running but not ready yet.
     */
    public enum StartPhase { SPAWNING, WAITING_FOR_DEPENDENCIES, WAITING_FOR_READY }

    private final InstanceId id;
    private final Clock clock;
    private RestartPolicy policy;

    private InstanceState state = InstanceState.STOPPED;
    private StopIntent intent;
    private StopPhase stopPhase = StopPhase.NONE;
    private StartPhase startPhase = StartPhase.SPAWNING;
    /** What a STARTING instance waits for ("http /health", "worker"), or null. */
    private String waitingFor;
    /** The command line of the current or last run, to name a command that was not found. */
    private String command;
    /** When the current run became UP (ready), or null: only time up counts as a healthy run. */
    private Instant upAt;
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
    /** Why an UNHEALTHY stop was decided ("R15", "liveness"), for the line that ends its run. */
    private String unhealthyCause;

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

    /** Where a STARTING instance has got to; {@link StartPhase#SPAWNING} in every other state. */
    public StartPhase startPhase() {
        return state == InstanceState.STARTING ? startPhase : StartPhase.SPAWNING;
    }

    /** True while the process runs but has not passed its readiness check yet. */
    public boolean waitingForReady() {
        return startPhase() == StartPhase.WAITING_FOR_READY;
    }

    /** True while the instance waits, without a process, for the types it depends on. */
    public boolean waitingForDependencies() {
        return startPhase() == StartPhase.WAITING_FOR_DEPENDENCIES;
    }

    /** True once a retired instance's run has ended: it no longer exists. */
    public boolean removed() {
        return removed;
    }

    public void setPolicy(RestartPolicy policy) {
        this.policy = policy;
    }

    /** The port it runs on (or last ran on, or will start on). */
    public int port() {
        return port;
    }

    /** The port a spawn about to happen uses (a reload may have moved the type's block since the start asked). */
    public void usePort(int newPort) {
        guard(state == InstanceState.STARTING && pid < 0, "move the port of");
        port = newPort;
    }

    /**
     * A reload changed what a start of this instance would launch (its command, environment, terminal or port) while
     * it ran: the table says "restart to apply".
     */
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

    /**
     * Not every type it depends on is up: it waits, without a process, for {@code what} ("worker"). Again while
     * waiting, it only updates what it waits for; empty when nothing changed.
     */
    public Optional<Transition> waitForDependencies(String what) {
        guard(state == InstanceState.STARTING && startPhase != StartPhase.WAITING_FOR_READY && pid < 0,
                "wait for dependencies of");
        if (startPhase == StartPhase.WAITING_FOR_DEPENDENCIES && what.equals(waitingFor)) {
            return Optional.empty();
        }
        Transition t = move(InstanceState.STARTING, "waiting for " + what);
        startPhase = StartPhase.WAITING_FOR_DEPENDENCIES;
        waitingFor = what;
        return Optional.of(t);
    }

    /** Every type it depends on is up: its process can be spawned now. */
    public void dependenciesReady() {
        guard(state == InstanceState.STARTING && startPhase == StartPhase.WAITING_FOR_DEPENDENCIES,
                "end the dependency wait of");
        startPhase = StartPhase.SPAWNING;
        waitingFor = null;
    }

    public Transition launched(long processId) {
        return launched(processId, null, null);
    }

    /**
     * The process was spawned for {@code commandLine}. Without a readiness check ({@code readiness} null) it is UP
     * at once; with one it stays STARTING, waiting for {@code readiness} ("http /health"), until {@link #ready}.
     */
    public Transition launched(long processId, String commandLine, String readiness) {
        guard(state == InstanceState.STARTING && startPhase == StartPhase.SPAWNING, "mark launched");
        pid = processId;
        startedAt = clock.instant();
        command = commandLine;
        upAt = null;
        leaderExit = null;
        stopPhase = StopPhase.NONE;
        restartToApply = false;
        String started = "started (pid " + processId + ", port " + port + ")";
        if (readiness == null) {
            Transition t = move(InstanceState.UP, started);
            upAt = since;
            return t;
        }
        Transition t = move(InstanceState.STARTING, started + ", waiting for " + readiness);
        startPhase = StartPhase.WAITING_FOR_READY;
        waitingFor = readiness;
        return t;
    }

    /** The readiness check passed: {@code detail} says how ("http /health answered 200 after 1.2 s"). */
    public Transition ready(String detail) {
        guard(waitingForReady() && pid > 0, "mark ready");
        Transition t = move(InstanceState.UP, "ready (" + detail + ")");
        upAt = since;
        return t;
    }

    /**
     * Not ready within {@code timeout} (Heroku's R10): its group is stopped, and the restart policy then decides
     * as for a crash.
     */
    public Transition notReady(Duration timeout, String lastCheck) {
        guard(waitingForReady(), "give up waiting for readiness of");
        intent = StopIntent.NOT_READY;
        stopPhase = StopPhase.NONE;
        // In seconds up to two minutes, as timeouts are written ("60 s", Heroku's boot timeout), not "1 min".
        String after = timeout.toMillis() % 1000 == 0 && timeout.toSeconds() <= 120 ? timeout.toSeconds() + " s"
                : Durations.humanize(timeout);
        return move(InstanceState.STOPPING, "not ready after " + after
                + (lastCheck == null ? "" : " (" + lastCheck + ")") + ", stopping it");
    }

    /**
     * The running instance is no longer healthy (Heroku's R15, a failing liveness check): its group is stopped and
     * the restart policy then decides as for a crash. {@code reason} is the whole story for the console ("Error R15
     * (Memory quota vastly exceeded): 1.10 GiB of 512 MiB quota"); {@code cause} names it in the line that ends
     * the run ("R15").
     */
    public Transition unhealthy(String reason, String cause) {
        guard(pid > 0 && leaderExit == null && (state == InstanceState.UP || waitingForReady()), "restart unhealthy");
        intent = StopIntent.UNHEALTHY;
        stopPhase = StopPhase.NONE;
        unhealthyCause = cause;
        boolean restarts = policy.delayBefore(consecutiveRestarts + 1, true).isPresent()
                && !policy.exhausted(consecutiveRestarts + 1);
        return move(InstanceState.STOPPING, reason + (restarts ? ", restarting" : ", stopping it"));
    }

    /**
     * The spawn failed. Asked to stop meanwhile, the instance simply is stopped (or removed when retiring);
     * otherwise it is FAILED: a command that cannot be spawned is not retried.
     */
    public Transition launchFailed(String reason) {
        guard(state == InstanceState.STARTING && startPhase == StartPhase.SPAWNING
                        || state == InstanceState.STOPPING && leaderExit == null && pid < 0,
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
     * BACKING_OFF, or STARTING while waiting for dependencies, ends at once (STOPPED, or removed when retiring);
     * a terminal instance stays as it is, or is removed when retiring.
     */
    public Optional<Transition> requestStop(StopIntent requested) {
        if (waitingForDependencies()) {
            if (requested == StopIntent.RESTART) {
                return Optional.empty();
            }
            removed = requested == StopIntent.RETIRE;
            return Optional.of(move(InstanceState.STOPPED, (removed ? "removed" : "stopped")
                    + " (was waiting for " + waitingFor + ")"));
        }
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
     * The main process was reaped. If its group still has processes, the run is not over: an UP (or not yet
     * ready) instance becomes STOPPING(LINGER) and the caller stops the group; a STOPPING one just remembers the
     * status. Returns the transition when the state changed.
     */
    public Optional<Transition> leaderExited(ExitStatus status, boolean groupEmpty) {
        guard(state == InstanceState.UP || state == InstanceState.STOPPING || waitingForReady(), "record an exit");
        leaderExit = status;
        pid = -1;
        if (groupEmpty) {
            return Optional.of(runEnded());
        }
        if (state != InstanceState.STOPPING) {
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
                case NOT_READY:
                    return byPolicy(status, "not ready, then ended with " + status.describe(), true);
                case UNHEALTHY:
                    return byPolicy(status, "stopped (" + unhealthyCause + "), " + status.describe(), true);
                case LINGER:
                default:
                    break;
            }
        }
        if (status.code() == 127) {
            // sh -c could not find the command: waiting does not make it appear, and a restart loop of
            // "command not found" for ever only buries the one line that says what to fix.
            upAt = null;
            return move(InstanceState.FAILED, ended(status) + "; not retried: fix the command, then start it again");
        }
        return byPolicy(status, ended(status), !status.success());
    }

    /** How a run that ended on its own ended, in words; exit 127 of {@code sh -c} names the missing command. */
    private String ended(ExitStatus status) {
        if (status.code() == 127) {
            String name = ShellWords.commandName(command);
            return "exited 127: command not found" + (name == null ? "" : ": " + name);
        }
        return (status.success() ? "exited with " : "crashed with ") + status.describe();
    }

    private Transition byPolicy(ExitStatus status, String what, boolean failure) {
        Instant now = clock.instant();
        // Only time up (ready) counts as a healthy run: an instance never ready keeps its crash streak.
        if (upAt != null && Duration.between(upAt, now).compareTo(policy.resetAfter()) >= 0) {
            consecutiveRestarts = 0;
        }
        upAt = null;
        Optional<Duration> delay = policy.delayBefore(consecutiveRestarts + 1, failure);
        if (delay.isEmpty()) {
            return move(failure ? InstanceState.CRASHED : InstanceState.EXITED,
                    what + " (restart policy: " + policy.mode().spelling() + ")");
        }
        if (policy.exhausted(consecutiveRestarts + 1)) {
            return move(InstanceState.FAILED, "failed: restarted " + times(consecutiveRestarts) + ", not retrying"
                    + " (max_restarts in procdeck.yml)");
        }
        consecutiveRestarts++;
        nextRestartAt = now.plus(delay.get());
        String when = delay.get().isZero() ? "restarting now" : "restarting in " + Durations.humanize(delay.get());
        return move(InstanceState.BACKING_OFF, what + ", " + when);
    }

    private static String times(int n) {
        return n == 1 ? "once" : n + " times";
    }

    /** When the back-off ends, while BACKING_OFF. */
    public Optional<Instant> nextRestartAt() {
        return Optional.ofNullable(nextRestartAt);
    }

    public InstanceSnapshot snapshot() {
        return new InstanceSnapshot(id, port, state, since, pid, startedAt, restarts, lastExit, nextRestartAt,
                message, intent(), state == InstanceState.STOPPING ? stopPhase : StopPhase.NONE, restartToApply,
                state == InstanceState.STARTING ? waitingFor : null);
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
        // Every move starts a new phase; a move within STARTING sets its phase afterwards.
        startPhase = StartPhase.SPAWNING;
        waitingFor = null;
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
