package dev.procdeck.supervisor;

import java.util.Map;

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

    private static int check(int port, String where) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(where + " is " + port + "; a port is between 1 and 65535");
        }
        return port;
    }
}
