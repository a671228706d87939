package dev.procdeck.procfile;

import java.time.Duration;
import java.util.Optional;

/**
 * procdeck.yml's {@code router:}: which process type the router puts behind the app's base port, and its timeouts.
 * Heroku routes to {@code web}; so does procdeck unless told another type ({@code router: api}) or none
 * ({@code router: off}, or {@code --no-router}).
 *
 * @param off            no router: every instance of every type listens on its own port, as with foreman
 * @param type           the routed type, or null for {@code web} when the Procfile has one
 * @param requestTimeout how long a request may wait for a response before H12 (Heroku: 30 s)
 * @param drainTimeout   how long an instance leaving the rotation may finish its requests before its stop signal
 */
public record RouterConfig(boolean off, String type, Duration requestTimeout, Duration drainTimeout) {

    public static final String DEFAULT_TYPE = "web";
    public static final RouterConfig DEFAULTS = new RouterConfig(false, null, Duration.ofSeconds(30), Duration.ofSeconds(30));

    public RouterConfig withOff(boolean off) {
        return new RouterConfig(off, type, requestTimeout, drainTimeout);
    }

    public RouterConfig withType(String type) {
        return new RouterConfig(off, type, requestTimeout, drainTimeout);
    }

    public RouterConfig withRequestTimeout(Duration timeout) {
        return new RouterConfig(off, type, timeout, drainTimeout);
    }

    public RouterConfig withDrainTimeout(Duration timeout) {
        return new RouterConfig(off, type, requestTimeout, timeout);
    }

    /**
     * The type the router serves in {@code procfile}, if any: the named one, else {@code web}; none when off or
     * when the type is not in the Procfile (the parser has said so already), or is scheduled.
     */
    public Optional<String> routedType(Procfile procfile, ProjectConfig config) {
        if (off) {
            return Optional.empty();
        }
        String name = type != null ? type : DEFAULT_TYPE;
        return procfile.type(name).isPresent() && !config.isScheduled(name) ? Optional.of(name) : Optional.empty();
    }
}
