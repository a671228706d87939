package dev.procdeck.supervisor;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Procfile;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Foreman's port scheme: each process type owns a block of 100 ports by its position in the Procfile, so
 * {@code PORT = base + 100 * typeIndex + (instance - 1)} whatever subset of types runs. The type behind the router
 * moves up by one within its block ({@code web.1} on 5001 when the router listens on 5000), and a replacement
 * started before its predecessor stops (preboot) takes the port {@link #PREBOOT_OFFSET} above or below.
 */
public final class Ports {
    public static final int DEFAULT_BASE = 5000;

    private Ports() {
    }

    /** How far a preboot replacement's port lies from its instance's own: the other half of the block. */
    public static final int PREBOOT_OFFSET = 50;

    public static int port(int base, int typeIndex, int instanceNumber) {
        return base + 100 * typeIndex + (instanceNumber - 1);
    }

    /** The port of an instance, {@code routed} when its type is the one behind the router. */
    public static int port(int base, int typeIndex, int instanceNumber, boolean routed) {
        return port(base, typeIndex, instanceNumber) + (routed ? 1 : 0);
    }

    /**
     * The port for a replacement of an instance now on {@code current} whose own port is {@code own}: the other
     * half of the block, so that both run at once. Empty when that would leave the block or the port range.
     */
    public static java.util.OptionalInt prebootPort(int own, int current, int instanceNumber, boolean routed) {
        int offsetInBlock = instanceNumber - 1 + (routed ? 1 : 0);
        if (current != own) {
            return java.util.OptionalInt.of(own); // the last replacement took the other half: come back
        }
        int other = own + PREBOOT_OFFSET;
        return offsetInBlock + PREBOOT_OFFSET < 100 && other <= MAX_PORT ? java.util.OptionalInt.of(other)
                : java.util.OptionalInt.empty();
    }

    /**
     * The port of instance {@code id} by the one rule ({@link #port}): its type's block, by the type's position in
     * the Procfile as it is now. An instance of a type that left the Procfile keeps the port it has
     * ({@code current}) while it stops, or gets the first block's if it has none. The type behind the router
     * ({@code routedType}, or null) is one up.
     */
    static int forInstance(int base, Procfile procfile, InstanceId id, OptionalInt current, String routedType) {
        Optional<ProcessType> type = procfile.type(id.type());
        if (type.isPresent()) {
            return port(base, type.get().index(), id.number(), id.type().equals(routedType));
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
        requireInRange(base, procfile, counts, null);
    }

    /** As above, with {@code routedType} (or null) behind the router: its ports are one higher. */
    public static void requireInRange(int base, Procfile procfile, Map<String, Integer> counts, String routedType) {
        for (ProcessType type : procfile.types()) {
            int n = counts.getOrDefault(type.name(), 0);
            boolean routed = type.name().equals(routedType);
            if (n > 0 && port(base, type.index(), n, routed) > MAX_PORT) {
                throw new IllegalArgumentException(type.name() + "." + n + " would get port "
                        + port(base, type.index(), n, routed) + " (base " + base
                        + " + 100 per process type before it + instance - 1" + (routed ? " + 1 for the router" : "")
                        + "), past " + MAX_PORT + "; use a lower base port (-p or PORT) or fewer instances");
            }
            if (routed && n > 99) {
                throw new IllegalArgumentException(type.name() + "." + n + " would leave its block of 100 ports"
                        + " (the router takes the first); at most 99 instances of the type behind the router");
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
