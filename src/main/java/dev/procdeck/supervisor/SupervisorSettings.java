package dev.procdeck.supervisor;

import java.time.Duration;
import java.util.Map;

/**
 * How a {@link Supervisor} runs its instances.
 *
 * @param basePort      first port of the first process type
 * @param stopTimeout   how long SIGTERM gets before SIGKILL
 * @param defaultPolicy restart policy of types without their own
 * @param policies      per-type restart policies (from procdeck.yml, later)
 * @param maxLineBytes  longer output lines are split
 */
public record SupervisorSettings(int basePort, Duration stopTimeout, RestartPolicy defaultPolicy,
                                 Map<String, RestartPolicy> policies, int maxLineBytes) {

    public SupervisorSettings {
        policies = Map.copyOf(policies);
    }

    public static SupervisorSettings defaults(int basePort) {
        return new SupervisorSettings(basePort, Duration.ofSeconds(5), RestartPolicy.HEROKU, Map.of(),
                dev.procdeck.logs.LineSplitter.DEFAULT_MAX_LINE_BYTES);
    }

    public SupervisorSettings withStopTimeout(Duration timeout) {
        return new SupervisorSettings(basePort, timeout, defaultPolicy, policies, maxLineBytes);
    }

    public SupervisorSettings withDefaultPolicy(RestartPolicy policy) {
        return new SupervisorSettings(basePort, stopTimeout, policy, policies, maxLineBytes);
    }

    public RestartPolicy policyFor(String type) {
        return policies.getOrDefault(type, defaultPolicy);
    }
}
