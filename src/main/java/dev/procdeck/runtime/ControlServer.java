package dev.procdeck.runtime;

import dev.procdeck.procfile.Visible;
import dev.procdeck.runtime.ControlMessages.Failure;
import dev.procdeck.runtime.ControlMessages.Request;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.TerminalAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The control socket of a running procdeck: {@code control.sock} in the project's {@link StateFolder} (0700
 * folder, socket 0600, Unix domain only, no TCP), through which {@code procdeck ps}, {@code scale},
 * {@code restart}, {@code stop}, {@code ps:start}, {@code logs} and {@code connect} drive it. Protocol:
 * {@link ControlMessages} and docs/control-protocol.md.
 *
 * <p>This class decodes each request line into its typed {@link Request} once and hands it to the part whose
 * job it is: {@link ControlSocket} (connections, slots, deadlines), {@link ControlOperations} (the one-answer
 * ops), {@link RecentOutput} (the window of recent output and {@code logs} streams) and {@link TerminalBridge}
 * ({@code connect}). Nothing supervising ever waits for a client: each client is served on a thread of its own;
 * {@code logs -f} readers get their own byte-bounded queue and are dropped when they fall behind.
 *
 * <p>Only the user procdeck runs as may connect (checked on every connection through the peer's credentials,
 * {@code SO_PEERCRED}). A socket left by a procdeck that died is detected (nobody accepts on it) and replaced;
 * one that answers belongs to another running procdeck of the same project and is left alone.
 */
public final class ControlServer implements AutoCloseable {
    public static final int MAX_CLIENTS = ControlSocket.MAX_CLIENTS;
    static final long FOLLOW_QUEUE_BYTES = RecentOutput.FOLLOW_QUEUE_BYTES;
    /** How long streams get on close to send their last lines and end message. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final ControlSocket socket;
    private final Supervisor supervisor;
    private final ControlOperations operations;
    private final RecentOutput recent;
    private final TerminalBridge terminals;
    private volatile boolean closed;

    /** Where {@code ps} reads the router's figures from (the run's router, once it exists). */
    public void setRouterFigures(java.util.function.IntFunction<java.util.Optional<dev.procdeck.router.Router.Figures>> figures) {
        operations.setRouterFigures(figures);
    }

    private ControlServer(ControlSocket socket, Supervisor supervisor, Path sessionDir) {
        this.socket = socket;
        this.supervisor = supervisor;
        this.operations = new ControlOperations(supervisor, socket.path());
        this.recent = new RecentOutput(supervisor, sessionDir);
        this.terminals = new TerminalBridge(supervisor, operations);
    }

    /**
     * Listens on the project's control socket and serves {@code supervisor}. Throws with a message for the
     * user when it cannot: the path is too long, another procdeck of this project answers there, the state
     * folder is unsafe.
     *
     * @param sessionDir the session's folder, whose log {@code logs} reads older lines from; may be null
     */
    public static ControlServer start(StateFolder state, Path sessionDir, Supervisor supervisor,
                                      Consumer<String> messages) throws IOException {
        ControlSocket socket = ControlSocket.bind(state, messages);
        ControlServer control = new ControlServer(socket, supervisor, sessionDir);
        control.setTerminalAccess(supervisor.terminalAccess());
        supervisor.bus().addListener(control.recent);
        socket.serve(control::handle);
        return control;
    }

    /** True if something accepts connections on {@code socket} (checked without waiting, never followed). */
    static boolean answers(Path socket) {
        return ControlSocket.answers(socket);
    }

    public Path socket() {
        return socket.path();
    }

    /** Lets {@code connect} reach the terminals of tty instances (the engine supplies it once it runs ptys). */
    public void setTerminalAccess(TerminalAccess access) {
        terminals.setTerminalAccess(access);
    }

    /** One request line: decoded, answered; false when the connection is done (a stream ended). */
    private boolean handle(String line, LineChannel ch) throws IOException {
        Request request;
        try {
            request = decode(line);
        } catch (IllegalArgumentException e) {
            ControlSocket.reply(ch, Failure.of(e.getMessage()));
            return true; // a bad request costs an error answer, not the connection
        }
        try {
            if (request instanceof ControlMessages.Logs logs) {
                return stream(ch, () -> recent.serve(logs, ch));
            }
            if (request instanceof ControlMessages.Connect connect) {
                return stream(ch, () -> terminals.serve(connect, ch));
            }
            ControlSocket.reply(ch, answer(request));
        } catch (IllegalArgumentException e) {
            ControlSocket.reply(ch, Failure.of(e.getMessage()));
        }
        return true;
    }

    private Object answer(Request request) {
        if (request instanceof ControlMessages.Hello) {
            return operations.hello();
        }
        if (request instanceof ControlMessages.Ps) {
            return operations.ps();
        }
        if (request instanceof ControlMessages.Scale scale) {
            return operations.scale(scale);
        }
        if (request instanceof ControlMessages.Lifecycle lifecycle) {
            return operations.lifecycle(lifecycle);
        }
        if (request instanceof ControlMessages.RunJob runJob) {
            return operations.runJob(runJob);
        }
        throw new IllegalStateException("no operation for " + request);
    }

    private interface StreamBody {
        boolean run() throws IOException;
    }

    private boolean stream(LineChannel ch, StreamBody body) throws IOException {
        socket.streamStarted(ch);
        try {
            return body.run();
        } finally {
            socket.streamEnded(ch);
        }
    }

    /**
     * The typed request a line holds. Its version is checked before anything else, so that a client of another
     * release gets told so rather than a complaint about a field it did not know it had to send.
     */
    static Request decode(String line) {
        ObjectNode tree = ControlJson.parseTree(line);
        JsonNode v = tree.get("v");
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("request without \"v\" (the protocol version; this procdeck speaks "
                    + ControlProtocol.VERSION + ")");
        }
        if (!v.isIntegralNumber()) {
            // "2" or 2.0 is there, just not a version: saying it is missing would send a client looking elsewhere.
            throw new IllegalArgumentException("\"v\" (the protocol version) must be a whole number, not "
                    + Visible.escape(v.toString()) + "; this procdeck speaks " + ControlProtocol.VERSION);
        }
        if (!v.canConvertToLong() || v.asLong() != ControlProtocol.VERSION) {
            throw new IllegalArgumentException(ControlProtocol.versionMismatch(String.valueOf(ControlProtocol.VERSION), v.asString()));
        }
        JsonNode op = tree.get("op");
        if (op == null || !op.isString()) {
            throw new IllegalArgumentException("request without \"op\"");
        }
        Class<? extends Request> type = ControlMessages.requestType(op.asString()).orElseThrow(() ->
                new IllegalArgumentException("unknown op '" + Visible.escape(op.asString()) + "'; this procdeck knows "
                        + String.join(", ", ControlMessages.OPS.keySet())));
        return ControlJson.read(tree, type, op.asString());
    }

    /**
     * Stops listening and removes the socket (only if it is still ours). Streams get their last lines and an
     * end message for up to a second; then every connection is closed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        supervisor.bus().removeListener(recent);
        socket.stopAccepting();
        recent.finish();
        socket.closeConnections(CLOSE_GRACE);
    }
}
