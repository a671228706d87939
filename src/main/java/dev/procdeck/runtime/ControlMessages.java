package dev.procdeck.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control protocol's messages as types (docs/control-protocol.md): the requests a client sends, the answers
 * and stream messages the server sends. Both ends write these through {@link ControlJson}; the server reads
 * requests back into them, so that a field of the wrong type is refused with a message naming it instead of
 * surfacing as a ClassCastException halfway through an operation. Answers are read back leniently (a newer or
 * a hostile procdeck's answer is taken apart field by field: InstanceWire, JobWire, LogWire).
 */
public final class ControlMessages {
    private ControlMessages() {
    }

    // ---- requests: {"v":2,"op":<op>, ...fields} ------------------------------------------------------------

    /** A request; its {@code op} is the name it is registered under in {@link #OPS}. */
    public sealed interface Request permits Hello, Ps, Scale, Lifecycle, RunJob, Logs, Connect {
    }

    public record Hello() implements Request {
    }

    public record Ps() implements Request {
    }

    /** Counts by type; a boxed Long so that a missing or null count gets a message, not a NullPointerException. */
    public record Scale(Map<String, Long> formation) implements Request {
    }

    /** restart, stop or start of a type, an instance, or everything ({@code target} null). */
    public sealed interface Lifecycle extends Request permits Restart, Stop, Start {
        String target();
    }

    public record Restart(String target) implements Lifecycle {
    }

    public record Stop(String target) implements Lifecycle {
    }

    public record Start(String target) implements Lifecycle {
    }

    /** The lifecycle request for {@code op} (restart, stop or start). */
    public static Lifecycle lifecycle(String op, String target) {
        return switch (op) {
            case "restart" -> new Restart(target);
            case "stop" -> new Stop(target);
            case "start" -> new Start(target);
            default -> throw new IllegalArgumentException("not a lifecycle op: " + op);
        };
    }

    public record RunJob(String type) implements Request {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Logs(Long lines, Boolean follow, String type, String instance, String grep, Long since)
            implements Request {
        public static Logs recent(long lines) {
            return new Logs(lines, null, null, null, null, null);
        }

        public Logs following() {
            return new Logs(lines, true, type, instance, grep, since);
        }
    }

    public record Connect(String instance) implements Request {
    }

    /** Every op and its request type, in the order an "unknown op" error lists them. */
    static final Map<String, Class<? extends Request>> OPS;

    static {
        Map<String, Class<? extends Request>> ops = new LinkedHashMap<>();
        ops.put("hello", Hello.class);
        ops.put("ps", Ps.class);
        ops.put("scale", Scale.class);
        ops.put("restart", Restart.class);
        ops.put("stop", Stop.class);
        ops.put("start", Start.class);
        ops.put("run-job", RunJob.class);
        ops.put("logs", Logs.class);
        ops.put("connect", Connect.class);
        OPS = java.util.Collections.unmodifiableMap(ops);
    }

    /** The op a request goes by on the wire. */
    public static String op(Request request) {
        for (Map.Entry<String, Class<? extends Request>> e : OPS.entrySet()) {
            if (e.getValue() == request.getClass()) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("no op for " + request.getClass());
    }

    static Optional<Class<? extends Request>> requestType(String op) {
        return Optional.ofNullable(OPS.get(op));
    }

    // ---- inside a connect session: {"op":<op>, ...} without "v" -------------------------------------------

    /** What a client sends into an open terminal session; unknown ones are ignored (a newer client may send more). */
    public sealed interface SessionMessage permits Input, Resize, Detach {
    }

    /** Bytes typed, in base64. */
    public record Input(String data) implements SessionMessage {
    }

    public record Resize(Long cols, Long rows) implements SessionMessage {
    }

    public record Detach() implements SessionMessage {
    }

    static final Map<String, Class<? extends SessionMessage>> SESSION_OPS = Map.of(
            "input", Input.class, "resize", Resize.class, "detach", Detach.class);

    public static String op(SessionMessage message) {
        return message instanceof Input ? "input" : message instanceof Resize ? "resize" : "detach";
    }

    // ---- answers: {"v":2,"ok":..., ...} ---------------------------------------------------------------------

    /** A refusal; {@code busy} (only when true) says every client slot was taken: the procdeck does run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(int v, boolean ok, String error, Boolean busy) {
        public static Failure of(String error) {
            return new Failure(ControlProtocol.VERSION, false, error, null);
        }

        public static Failure busy(String error) {
            return new Failure(ControlProtocol.VERSION, false, error, true);
        }
    }

    public record HelloAnswer(int v, boolean ok, String app, String root, long pid, String socket,
                              Map<String, Integer> formation) {
    }

    /** One process type of the Procfile, as {@code ps} lists them. */
    public record TypeInfo(String name, String command, boolean tty, boolean scheduled) {
    }

    public record PsAnswer(int v, boolean ok, String app, String root, long pid, String socket,
                           Map<String, Integer> formation, List<TypeInfo> types, List<InstanceWire.Instance> instances,
                           List<JobWire.JobInfo> jobs, RouterInfo router) {
    }

    /**
     * The router in front of {@code type} over the last {@code seconds}, for the type and each instance (absent
     * without a router).
     */
    public record RouterInfo(String url, String type, int seconds, RouterRate total, Map<String, RouterRate> instances) {
    }

    public record RouterRate(double requestsPerSecond, double errorsPerSecond, double p50Ms, double p99Ms) {
        static RouterRate of(dev.procdeck.router.RequestStats.Window w) {
            return new RouterRate(w.requestsPerSecond(), w.errorsPerSecond(), w.p50Millis(), w.p99Millis());
        }
    }

    public record ScaleAnswer(int v, boolean ok, Map<String, Integer> formation) {
    }

    public record LifecycleAnswer(int v, boolean ok, List<String> targets) {
    }

    public record RunJobAnswer(int v, boolean ok, String trigger) {
    }

    /** What precedes a logs stream: types in Procfile order (for colours), instance names (for padding). */
    public record LogsAnswer(int v, boolean ok, String app, List<String> types, List<String> instances) {
    }

    public record ConnectAnswer(int v, boolean ok, String instance) {
    }

    // ---- stream messages (after a logs or connect answer) --------------------------------------------------

    /** Log lines: one frame per batch of output, so that a burst is one message, decoded once. */
    public record LogFrame(List<LogWire.Entry> batch) {
    }

    /** The end of a stream, and why when it is not simply complete. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record End(boolean end, String reason) {
        public static End complete() {
            return new End(true, null);
        }

        public static End because(String reason) {
            return new End(true, reason);
        }
    }

    /** A stream ends with this when the server dropped the client (it fell behind). */
    public record StreamError(String error) {
    }

    /** What a terminal wrote (base64), with whether it echoes input now; {@code out} absent for an echo change. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TerminalChunk(String out, boolean echo) {
    }
}
