package dev.procdeck.supervisor;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Procfile;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Foreman's port scheme: each process type owns a block of 100 ports by its position in the Procfile, so
 * {@code PORT = base + 100 * typeIndex + (instance - 1)} whatever subset of types runs.
 */
public final class Ports {
    public static final int DEFAULT_BASE = 5000;

    private Ports() {
    }

    public static int port(int base, int typeIndex, int instanceNumber) {
        return base + 100 * typeIndex + (instanceNumber - 1);
    }

    /**
     * The port of instance {@code id} by the one rule ({@link #port}): its type's block, by the type's position in
     * the Procfile as it is now. An instance of a type that left the Procfile keeps the port it has
     * ({@code current}) while it stops, or gets the first block's if it has none.
     */
    static int forInstance(int base, Procfile procfile, InstanceId id, OptionalInt current) {
        Optional<ProcessType> type = procfile.type(id.type());
        if (type.isPresent()) {
            return port(base, type.get().index(), id.number());
        }
        return current.isPresent() ? current.getAsInt() : port(base, 0, id.number());
    }

    /** The base port: the {@code -p} flag, else PORT from .env, else PORT from the environment, else 5000. */
    public static int base(Integer flag, Map<String, String> dotEnv, Map<String, String> parentEnv) {
        if (flag != null) {
            return check(flag, "-p/--port");
        }
        for (var source : new Object[][] {{dotEnv, ".env"}, {parentEnv, "the environment"}}) {
            @SuppressWarnings("unchecked")
            String value = ((Map<String, String>) source[0]).get("PORT");
            if (value != null && !value.isBlank()) {
                try {
                    return check(Integer.parseInt(value.trim()), "PORT in " + source[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("PORT in " + source[1] + " is '" + value + "', not a number");
                }
            }
        }
        return DEFAULT_BASE;
    }

    /**
     * Refuses a formation whose highest port would pass 65535, before anything starts: otherwise the last
     * instances would get PORT=65536 and up, which no program can bind, and fail one by one at run time.
     * Only types that run count, but each at its Procfile position, as {@link #port} numbers them.
     */
    public static void requireInRange(int base, Procfile procfile, Map<String, Integer> counts) {
        for (ProcessType type : procfile.types()) {
            int n = counts.getOrDefault(type.name(), 0);
            if (n > 0 && port(base, type.index(), n) > MAX_PORT) {
                throw new IllegalArgumentException(type.name() + "." + n + " would get port " + port(base, type.index(), n)
                        + " (base " + base + " + 100 per process type before it + instance - 1), past " + MAX_PORT
                        + "; use a lower base port (-p or PORT) or fewer instances");
            }
        }
    }

    private static final int MAX_PORT = 65535;

    private static int check(int port, String where) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(where + " is " + port + "; a port is between 1 and 65535");
        }
        return port;
    }
}
