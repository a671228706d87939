package dev.procdeck.procfile;

import java.time.Duration;

/**
 * Whether a ready instance is still alive (procdeck.yml {@code liveness:}), as Kubernetes' livenessProbe: readiness
 * alone never restarts a server that is wedged after it came up. Checked every {@code period} once the instance is
 * ready (or {@code initialDelay} after its start, if set); {@code failures} failed checks in a row restart it
 * through the restart policy, the reason in the console.
 *
 * @param kind         what is checked
 * @param target       the HTTP path for {@link Kind#HTTP}, the shell command for {@link Kind#EXEC}, empty for
 *                     {@link Kind#PORT}
 * @param period       time between checks
 * @param failures     consecutive failed checks that restart the instance
 * @param timeout      a check that has not answered within this fails (an exec check's group is killed)
 * @param initialDelay when set, checks start this long after the start even if the instance is not ready yet;
 *                     null: they start once it is ready
 */
public record Liveness(Kind kind, String target, Duration period, int failures, Duration timeout,
                       Duration initialDelay) {

    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
    public static final int DEFAULT_FAILURES = 3;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public enum Kind {
        /** GET http://127.0.0.1:$PORT{target} answers 2xx or 3xx. */
        HTTP,
        /** $PORT accepts a TCP connection. */
        PORT,
        /** The shell command {@code target} exits 0, run in the instance's folder with its environment. */
        EXEC
    }

    /** As shown in messages: {@code http /health}, {@code port $PORT}, {@code exec "pg_isready"}. */
    public String describe() {
        return switch (kind) {
            case HTTP -> "http " + target;
            case PORT -> "port $PORT";
            case EXEC -> "exec \"" + target + "\"";
        };
    }
}
