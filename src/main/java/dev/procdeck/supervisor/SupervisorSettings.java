package dev.procdeck.supervisor;

import java.time.Duration;
import java.util.Map;

/**
 * How a {@link Supervisor} runs its instances.
 *
 * @param basePort      first port of the first process type
 * @param stopTimeout   how long SIGTERM gets before SIGKILL ({@code -t}), for types without procdeck.yml's own
 * @param defaultPolicy restart policy of types without their own ({@code --restart})
 * @param policies      per-type restart policies set in code; procdeck.yml's {@code restart:} and
 *                      {@code max_restarts} (on the project, read by the {@link Supervisor}) win over both
 * @param maxLineBytes  longer output lines are split
 * @param readerNice    nice value of the output reader threads (0 = as procdeck; the dashboard uses more so that
 *                      its UI thread keeps the CPU under an output flood)
 * @param router        a router runs in front of the type procdeck.yml's {@code router:} names ({@code web} by
 *                      default): that type's ports move up by one and its restarts preboot. Off in
 *                      {@link #defaults}; {@code start} and the dashboard turn it on unless {@code --no-router}.
 */
public record SupervisorSettings(int basePort, Duration stopTimeout, RestartPolicy defaultPolicy,
                                 Map<String, RestartPolicy> policies, int maxLineBytes, int readerNice,
                                 boolean router) {

    public SupervisorSettings {
        policies = Map.copyOf(policies);
    }

    public static SupervisorSettings defaults(int basePort) {
        return new SupervisorSettings(basePort, Duration.ofSeconds(5), RestartPolicy.HEROKU, Map.of(),
                dev.procdeck.logs.LineSplitter.DEFAULT_MAX_LINE_BYTES, 0, false);
    }

    public SupervisorSettings withStopTimeout(Duration timeout) {
        return new SupervisorSettings(basePort, timeout, defaultPolicy, policies, maxLineBytes, readerNice, router);
    }

    public SupervisorSettings withDefaultPolicy(RestartPolicy policy) {
        return new SupervisorSettings(basePort, stopTimeout, policy, policies, maxLineBytes, readerNice, router);
    }

    public SupervisorSettings withReaderNice(int nice) {
        return new SupervisorSettings(basePort, stopTimeout, defaultPolicy, policies, maxLineBytes, nice, router);
    }

    public SupervisorSettings withRouter(boolean on) {
        return new SupervisorSettings(basePort, stopTimeout, defaultPolicy, policies, maxLineBytes, readerNice, on);
    }

    public RestartPolicy policyFor(String type) {
        return policies.getOrDefault(type, defaultPolicy);
    }
}
