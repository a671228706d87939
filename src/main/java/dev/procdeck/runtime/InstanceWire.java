package dev.procdeck.runtime;

import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.supervisor.ExitStatus;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.StopIntent;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One instance in the control protocol's {@code ps} answer, both ways: {@link ControlServer} writes a snapshot,
 * {@link AttachedRun} reads it back into the same {@link InstanceSnapshot} the dashboard shows for processes of
 * its own. The fields are listed in docs/control-protocol.md. Reading is lenient (a missing or unknown field
 * gives its default) and strict about what matters: a name and a state the engine knows.
 */
public final class InstanceWire {
    private InstanceWire() {
    }

    /** One instance as the wire carries it; the fields are listed in docs/control-protocol.md. */
    public record Instance(String name, String type, String state, Long pid, long port, Long startedAt, Long uptimeMs,
                           long restarts, String lastExit, Double cpu, Long rss, Long memoryQuota, boolean tty,
                           String message,
                           Long exitCode, Long since, Long nextRestartAt, String waitingFor, String stopIntent,
                           String stopPhase, boolean restartToApply) {
    }

    /** One instance; {@code usage} may be null (nothing runs, or no /proc). */
    public static Instance write(InstanceSnapshot s, ProcessMetrics.Usage usage, boolean tty, Instant now) {
        return write(s, usage, tty, null, now);
    }

    /** As {@link #write(InstanceSnapshot, ProcessMetrics.Usage, boolean, Instant)}, with its type's memory quota. */
    public static Instance write(InstanceSnapshot s, ProcessMetrics.Usage usage, boolean tty, Long memoryQuota,
                                 Instant now) {
        boolean process = s.pid() > 0 && s.hasProcess();
        return new Instance(s.name(), s.id().type(), s.state().label(), process ? s.pid() : null, s.port(),
                millis(s.startedAt()), process && s.startedAt() != null ? s.uptime(now).toMillis() : null,
                s.restarts(), s.lastExit() == null ? null : s.lastExit().describe(),
                usage == null ? null : Math.round(usage.cpuPercent() * 10) / 10.0,
                usage == null ? null : usage.residentBytes(), memoryQuota, tty, s.message(),
                // What a dashboard attached through the socket needs to show the row as its own would.
                s.lastExit() == null ? null : (long) s.lastExit().code(), millis(s.since()), millis(s.nextRestartAt()),
                s.waitingFor(), s.stopIntent() == null ? null : s.stopIntent().name().toLowerCase(Locale.ROOT),
                s.stopPhase() == null ? null : s.stopPhase().name().toLowerCase(Locale.ROOT), s.restartToApply());
    }

    /**
     * The snapshot an instance object describes.
     *
     * @throws IllegalArgumentException when it has no valid instance name or an unknown state
     */
    public static InstanceSnapshot read(Map<?, ?> i) {
        InstanceId id;
        try {
            id = InstanceId.parse(text(i, "name"));
        } catch (RuntimeException e) {
            id = null;
        }
        if (id == null || !dev.procdeck.procfile.ProcfileParser.isTypeName(id.type())) {
            throw new IllegalArgumentException("an instance without a valid name: "
                    + dev.procdeck.procfile.Visible.escape(String.valueOf(i.get("name"))));
        }
        InstanceState state = stateOf(text(i, "state"));
        long pid = Math.max(-1, number(i, "pid", -1));
        Long code = i.get("exitCode") instanceof Long c && c == c.intValue() ? c : null;
        long port = number(i, "port", 0);
        return new InstanceSnapshot(id, port >= 0 && port <= 65535 ? (int) port : 0, state,
                java.util.Objects.requireNonNullElseGet(instant(i, "since"), Instant::now), pid,
                instant(i, "startedAt"), (int) Math.max(0, Math.min(Integer.MAX_VALUE, number(i, "restarts", 0))),
                code == null ? null : new ExitStatus(code.intValue()), instant(i, "nextRestartAt"),
                java.util.Objects.requireNonNullElse(shown(i.get("message"), MAX_MESSAGE), ""),
                constant(StopIntent.class, i.get("stopIntent")),
                state == InstanceState.STOPPING
                        ? java.util.Objects.requireNonNullElse(constant(InstanceLifecycle.StopPhase.class,
                                i.get("stopPhase")), InstanceLifecycle.StopPhase.NONE)
                        : InstanceLifecycle.StopPhase.NONE,
                Boolean.TRUE.equals(i.get("restartToApply")),
                shown(i.get("waitingFor"), MAX_MESSAGE));
    }

    /** The CPU and memory figures of an instance object, or null when it has none. */
    public static ProcessMetrics.Usage usage(Map<?, ?> i) {
        if (!(i.get("rss") instanceof Long rss)) {
            return null;
        }
        double cpu = i.get("cpu") instanceof Number n ? n.doubleValue() : 0;
        return new ProcessMetrics.Usage(cpu, rss);
    }

    static InstanceState stateOf(String label) {
        for (InstanceState s : InstanceState.values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("an instance in an unknown state: " + label);
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    private static String text(Map<?, ?> i, String key) {
        return i.get(key) instanceof String s ? s : "";
    }

    private static long number(Map<?, ?> i, String key, long otherwise) {
        return i.get(key) instanceof Long n ? n : otherwise;
    }

    private static Instant instant(Map<?, ?> i, String key) {
        return instantOf(i.get(key));
    }

    /** Characters kept of a message from the socket: more than any procdeck writes, little enough to lay out. */
    static final int MAX_MESSAGE = 2000;

    /**
     * A text from the socket as it may be shown (a row, a tooltip, a window title, a desktop notification):
     * control characters and bidirectional overrides escaped, at most {@code max} characters; null when it is no
     * text. What another machine's procdeck sends is not trusted to be what a procdeck writes.
     */
    static String shown(Object value, int max) {
        if (!(value instanceof String s)) {
            return null;
        }
        String cut = s.length() > max ? s.substring(0, max) : s;
        String safe = dev.procdeck.procfile.Visible.escape(cut);
        if (safe.length() > max) {
            safe = safe.substring(0, max);
        }
        return cut.length() < s.length() ? safe + "\u2026" : safe;
    }

    /** The last millisecond of year 9999: later than any time a procdeck writes, yet far from overflowing. */
    static final long LATEST_MILLIS = 253_402_300_799_999L;

    /**
     * A time from the socket, or null when it is not one a procdeck writes (before 1970, after year 9999): an
     * uptime or countdown from {@code Long.MIN_VALUE} overflows {@code Duration.toMillis()} where rows tick.
     */
    static Instant instantOf(Object millis) {
        return millis instanceof Long n && n >= 0 && n <= LATEST_MILLIS ? Instant.ofEpochMilli(n) : null;
    }

    private static <E extends Enum<E>> E constant(Class<E> type, Object value) {
        if (value instanceof String s) {
            try {
                return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return null; // a newer procdeck's reason: shown as the plain state
            }
        }
        return null;
    }
}
