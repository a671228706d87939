package dev.procdeck.procfile;

import java.time.Duration;

/**
 * When an instance counts as "up" (procdeck.yml {@code ready:}); until then it is "starting".
 *
 * @param kind    what is checked
 * @param target  the HTTP path ({@code /health}) for {@link Kind#HTTP}, the regex for {@link Kind#LOG},
 *                empty for {@link Kind#PORT}
 * @param timeout not ready within this: "not ready after 60 s" (Heroku's R10), then the restart policy
 */
public record Readiness(Kind kind, String target, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public enum Kind {
        /** GET http://127.0.0.1:$PORT{target} answers 2xx or 3xx. */
        HTTP,
        /** $PORT accepts a TCP connection. */
        PORT,
        /** A line of the instance's output matches the regex {@code target}. */
        LOG
    }

    /** As shown in the table: {@code waiting for http /health}. */
    public String describe() {
        return switch (kind) {
            case HTTP -> "http " + target;
            case PORT -> "port $PORT";
            case LOG -> "log /" + target + "/";
        };
    }
}
