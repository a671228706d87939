package dev.procdeck.procfile;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What procdeck.yml says about one process type. Every field is optional; null (or empty) means "as without
 * procdeck.yml": the command-line/default restart policy, unlimited restarts, SIGTERM, the -t timeout, up as
 * soon as spawned, no dependencies, no extra environment, pipes rather than a terminal, part of the formation.
 *
 * @param restart     restart policy, or null for the default ({@code --restart}, else always)
 * @param maxRestarts restarts allowed before the instance is FAILED (shown, not retried), or null for unlimited
 * @param stopSignal  one of TERM, INT, QUIT, HUP, KILL (without SIG), or null for TERM
 * @param stopTimeout how long the stop signal gets before SIGKILL, or null for {@code -t}
 * @param ready       readiness check, or null for "up once spawned"
 * @param dependsOn   types whose instances must all be ready before this type starts (stopped after it)
 * @param env         variables on top of .env for this type only
 * @param tty         run in a pseudo-terminal
 * @param schedule    when set, the type is a scheduled job and not part of the formation
 * @param overlap     what a tick does while a run is still going (scheduled types only)
 * @param memory      memory quota in bytes for each instance's process group (R14 past it, R15 and a restart at
 *                    twice it), or null for none
 * @param liveness    liveness check once the instance is ready (a failing one restarts it), or null for none
 * @param line        1-based line of the type's key in procdeck.yml, for messages
 */
public record TypeConfig(RestartMode restart, Integer maxRestarts, String stopSignal, Duration stopTimeout,
                         Readiness ready, List<String> dependsOn, Map<String, String> env, boolean tty,
                         Schedule schedule, Overlap overlap, Long memory, Liveness liveness, int line) {

    public static final List<String> STOP_SIGNALS = List.of("TERM", "INT", "QUIT", "HUP", "KILL");

    /** A type procdeck.yml does not mention. */
    public static final TypeConfig DEFAULTS =
            new TypeConfig(null, null, null, null, null, List.of(), Map.of(), false, null, Overlap.SKIP, null, null, 0);

    public TypeConfig {
        dependsOn = List.copyOf(dependsOn);
        env = Map.copyOf(env);
        if (overlap == null) {
            overlap = Overlap.SKIP;
        }
    }

    // Withers: a type's settings by name (DEFAULTS.withStopSignal("INT").withTty(true)) rather than eleven
    // positional arguments.

    public TypeConfig withRestart(RestartMode value) {
        return new TypeConfig(value, maxRestarts, stopSignal, stopTimeout, ready, dependsOn, env, tty, schedule, overlap, memory, liveness, line);
    }

    public TypeConfig withMaxRestarts(Integer value) {
        return new TypeConfig(restart, value, stopSignal, stopTimeout, ready, dependsOn, env, tty, schedule, overlap, memory, liveness, line);
    }

    public TypeConfig withStopSignal(String value) {
        return new TypeConfig(restart, maxRestarts, value, stopTimeout, ready, dependsOn, env, tty, schedule, overlap, memory, liveness, line);
    }

    public TypeConfig withStopTimeout(Duration value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, value, ready, dependsOn, env, tty, schedule, overlap, memory, liveness, line);
    }

    public TypeConfig withReady(Readiness value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, value, dependsOn, env, tty, schedule, overlap, memory, liveness, line);
    }

    public TypeConfig withDependsOn(List<String> value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, value, env, tty, schedule, overlap, memory, liveness, line);
    }

    public TypeConfig withEnv(Map<String, String> value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, dependsOn, value, tty, schedule, overlap, memory, liveness, line);
    }

    public TypeConfig withTty(boolean value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, dependsOn, env, value, schedule, overlap, memory, liveness, line);
    }

    public TypeConfig withSchedule(Schedule value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, dependsOn, env, tty, value, overlap, memory, liveness, line);
    }

    public TypeConfig withOverlap(Overlap value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, dependsOn, env, tty, schedule, value, memory, liveness, line);
    }

    public TypeConfig withMemory(Long value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, dependsOn, env, tty, schedule, overlap, value, liveness, line);
    }

    public TypeConfig withLiveness(Liveness value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, dependsOn, env, tty, schedule, overlap, memory, value, line);
    }

    public TypeConfig withLine(int value) {
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, dependsOn, env, tty, schedule, overlap, memory, liveness, value);
    }

    public boolean isScheduled() {
        return schedule != null;
    }
}
