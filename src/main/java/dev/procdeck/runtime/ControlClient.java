package dev.procdeck.runtime;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The command line's end of the control socket: finds the procdeck running the project around the working
 * folder (or the one named), then sends requests and reads answers and streams. Trusts nothing it finds: the
 * socket must be a socket (never a symlink) owned by us in a safe state folder, and the process listening on
 * it must run as us.
 */
public final class ControlClient implements AutoCloseable {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(5);

    /** An answer with {@code "ok": false}: the message is the server's, for the user. */
    public static class RefusedException extends IOException {
        public RefusedException(String message) {
            super(message);
        }
    }

    /** The procdeck runs but has no room for another client now: never to be taken for "not running". */
    public static final class BusyException extends RefusedException {
        public BusyException(String message) {
            super(message);
        }
    }

    /** The procdeck runs but speaks another protocol version (another release): never "not running" either. */
    public static final class VersionMismatchException extends RefusedException {
        public VersionMismatchException(String message) {
            super(message);
        }
    }

    /** No procdeck answers for the project; the message says where we looked and what to do. */
    public static final class NotRunningException extends IOException {
        public NotRunningException(String message) {
            super(message);
        }
    }

    /** A running procdeck found: its project's name and folder, its pid, and its socket. */
    public record Target(String app, Path root, long pid, Path socket) {
    }

    private static final Object HELLO = ControlJson.message(ControlProtocol.VERSION, "hello", new ControlMessages.Hello());

    private final LineChannel channel;

    private ControlClient(LineChannel channel) {
        this.channel = channel;
    }

    /** Connects to a socket after checking it is one of ours (no symlink, our file, a process of ours on it). */
    public static ControlClient connect(Path socket) throws IOException {
        ControlProtocol.requireShortEnough(socket);
        PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal self = ControlProtocol.currentUser();
        if (!a.isOther() || a.isSymbolicLink()) {
            throw new IOException(socket + " is not a socket; not connecting");
        }
        if (!a.owner().equals(self)) {
            throw new IOException(socket + " belongs to " + a.owner().getName() + "; not connecting");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            UserPrincipal server = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
            if (!ControlProtocol.peerAllowed(server, self)) {
                throw new IOException("the process listening on " + socket + " runs as another user; not talking to it");
            }
            return new ControlClient(new LineChannel(ch));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Sends a request and reads the next message. A procdeck that turns a client away (busy) answers and closes
     * at once, so sending can fail with a broken pipe while its answer waits to be read: it is read then.
     */
    private Map<String, Object> sendThenRead(Object request, Duration timeout) throws IOException {
        try {
            sendRaw(request);
        } catch (IOException sendFailed) {
            Map<String, Object> answer;
            try {
                answer = next(timeout);
            } catch (IOException readFailed) {
                throw sendFailed;
            }
            if (answer == null) {
                throw sendFailed;
            }
            return answer;
        }
        return next(timeout);
    }

    /** Sends a message into an open {@code connect} session, without waiting for an answer. */
    public void send(ControlMessages.SessionMessage message) throws IOException {
        sendRaw(ControlJson.message(null, ControlMessages.op(message), message));
    }

    /** Any message, typed or not: for tests of what the server makes of malformed ones. */
    void sendRaw(Object message) throws IOException {
        channel.writeLine(ControlJson.write(message), ANSWER_TIMEOUT);
    }

    /**
     * Sends a request and returns its answer, read leniently as a map (see {@link ControlJson}); an answer
     * that is not ok becomes a {@link RefusedException}.
     */
    public Map<String, Object> call(ControlMessages.Request request) throws IOException {
        return callMessage(ControlJson.message(ControlProtocol.VERSION, ControlMessages.op(request), request));
    }

    /** Any message as a request, typed or not: for tests of what the server makes of malformed ones. */
    Map<String, Object> callMessage(Object request) throws IOException {
        Map<String, Object> answer = sendThenRead(request, ANSWER_TIMEOUT);
        if (answer == null) {
            throw new IOException("procdeck closed the connection without answering");
        }
        return checked(answer);
    }

    private static Map<String, Object> checked(Map<String, Object> answer) throws RefusedException {
        if (!Boolean.TRUE.equals(answer.get("ok"))) {
            Object error = answer.get("error");
            Object v = answer.get("v");
            if (v != null && !Long.valueOf(ControlProtocol.VERSION).equals(v)) {
                // A procdeck of another release refused our request for its version, in its own words.
                throw new VersionMismatchException(ControlProtocol.versionMismatch(
                        InstanceWire.shown(String.valueOf(v), 20), String.valueOf(ControlProtocol.VERSION)));
            }
            if (Boolean.TRUE.equals(answer.get("busy"))) {
                throw new BusyException(error == null ? "procdeck is busy" : InstanceWire.shown(error, 1000));
            }
            throw new RefusedException(error == null ? "procdeck refused the request" : error.toString());
        }
        return answer;
    }

    /** The next message of a stream, or null when procdeck closed it. {@code timeout} null: wait for ever. */
    public Map<String, Object> next(Duration timeout) throws IOException {
        String line = channel.readLine(ControlProtocol.MAX_RESPONSE_BYTES, timeout);
        if (line == null) {
            return null;
        }
        try {
            return ControlJson.parseObject(line);
        } catch (IllegalArgumentException e) {
            throw new IOException("procdeck sent something that is not the control protocol: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        channel.close();
    }

    // ---- finding the running procdeck ------------------------------------------------------------------------

    /**
     * The procdeck to talk to. With {@code root}: the one running that project. Without: the one running the
     * nearest project around {@code cwd}, walking up; {@code app} picks by project name when several run
     * there (and otherwise finds a running project of that name anywhere).
     */
    public static Target locate(Path cwd, Path root, String app, Map<String, String> env) throws IOException {
        List<String> notes = new ArrayList<>();
        if (root != null) {
            Path real;
            try {
                real = root.toRealPath();
            } catch (NoSuchFileException e) {
                throw new NotRunningException(root + ": folder not found");
            }
            Optional<Target> t = probe(real, env, notes);
            if (t.isEmpty()) {
                throw new NotRunningException(notRunning(real, notes));
            }
            if (app != null && !app.equals(t.get().app())) {
                throw new NotRunningException("the procdeck running in " + real + " runs '" + t.get().app()
                        + "', not '" + app + "'");
            }
            return t.get();
        }
        Path start = cwd.toRealPath();
        List<Target> found = new ArrayList<>();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            probe(dir, env, notes).ifPresent(found::add);
        }
        if (app != null) {
            found.removeIf(t -> !t.app().equals(app));
            if (found.isEmpty()) {
                found.addAll(byName(app, env, notes));
            }
            if (found.isEmpty()) {
                throw new NotRunningException("no procdeck is running an app named '" + app + "' (start one with:"
                        + " procdeck start)" + suffix(notes));
            }
        }
        if (found.isEmpty()) {
            throw new NotRunningException(notRunning(start, notes));
        }
        if (found.size() > 1) {
            throw new NotRunningException("several procdecks run around " + start + ": " + found.stream()
                    .map(t -> t.app() + " (" + t.root() + ")").collect(Collectors.joining(", "))
                    + "; pick one with --app NAME or -d DIR");
        }
        return found.get(0);
    }

    /**
     * The procdeck that holds {@code root}'s run lock ({@code pid}, -1 if unknown) when it does not answer on its
     * socket: what a window shows as "another procdeck runs this project", with the socket to attach to later.
     */
    public static Target lockHolder(Path root, long pid, Map<String, String> env) {
        Path socket;
        try {
            socket = ControlProtocol.socketPath(StateFolder.of(root, env));
        } catch (IOException e) {
            socket = root.resolve("(no socket)");
        }
        Path name = root.getFileName();
        return new Target(name == null ? root.toString() : name.toString(), root, pid, socket);
    }

    /** The procdeck answering on {@code socket} itself (an SSH-forwarded one, say), found by no project folder. */
    public static Target at(Path socket) throws IOException {
        try (ControlClient c = connect(socket)) {
            Map<String, Object> hello = c.sendThenRead(HELLO, HELLO_TIMEOUT);
            if (hello == null) {
                throw new NotRunningException(socket + " closed the connection without answering");
            }
            checked(hello);
            return target(hello, socket);
        } catch (ConnectException | NoSuchFileException e) {
            throw new NotRunningException("nothing answers on " + socket + " (is the procdeck, or the ssh forward to it,"
                    + " running?)");
        }
    }

    /**
     * The procdeck a hello describes. Its texts are shown (a window title, the Attach dialog, the console) and may
     * come from another machine: control characters and bidi overrides are escaped, lengths bounded, and a root
     * that is no path (a NUL in it) cannot end the caller with an InvalidPathException.
     */
    private static Target target(Map<String, Object> hello, Path socket) {
        String app = InstanceWire.shown(hello.get("app"), 255);
        String root = InstanceWire.shown(hello.get("root"), 4096);
        return new Target(app == null ? "?" : app, Path.of(root == null ? "?" : root),
                hello.get("pid") instanceof Long pid && pid > 0 ? pid : -1, socket);
    }

    private static String notRunning(Path where, List<String> notes) {
        return "no procdeck is running in " + where + " (start one with: procdeck start)" + suffix(notes);
    }

    private static String suffix(List<String> notes) {
        return notes.isEmpty() ? "" : "\n" + String.join("\n", notes);
    }

    /** The procdeck whose project is exactly {@code dir}, if one answers there. */
    private static Optional<Target> probe(Path dir, Map<String, String> env, List<String> notes)
            throws RefusedException {
        StateFolder state;
        try {
            state = StateFolder.of(dir, env);
        } catch (IOException e) {
            return Optional.empty();
        }
        Path socket = ControlProtocol.socketPath(state);
        try {
            ControlProtocol.requireShortEnough(socket);
        } catch (IOException e) {
            if (!notes.contains(e.getMessage())) {
                notes.add(e.getMessage());
            }
            return Optional.empty();
        }
        return probeSocket(state, socket, notes);
    }

    private static Optional<Target> probeSocket(StateFolder state, Path socket, List<String> notes)
            throws RefusedException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            if (!state.existsSafely()) {
                return Optional.empty();
            }
        } catch (IOException e) {
            notes.add("ignored " + socket + ": " + e.getMessage());
            return Optional.empty();
        }
        try (ControlClient c = connect(socket)) {
            Map<String, Object> hello = c.sendThenRead(HELLO, HELLO_TIMEOUT);
            if (hello == null) {
                return Optional.empty();
            }
            checked(hello);
            return Optional.of(target(hello, socket));
        } catch (BusyException | VersionMismatchException e) {
            throw e; // it runs: the caller must say busy or which release, not "no procdeck is running"
        } catch (ConnectException e) {
            // Nobody accepts: the procdeck that made it is gone. The next procdeck start replaces it.
            return Optional.empty();
        } catch (java.net.SocketTimeoutException e) {
            notes.add("the procdeck listening on " + socket + " did not answer within " + HELLO_TIMEOUT.toSeconds()
                    + " s (is it stopped, e.g. with Ctrl-Z?)");
            return Optional.empty();
        } catch (IOException e) {
            notes.add("ignored " + socket + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Every procdeck of this user that answers, one per state folder, in folder-name order: what File › Attach…
     * lists. Sockets nobody accepts on (a killed procdeck's) and unsafe folders are skipped.
     */
    public static List<Target> running(Map<String, String> env) {
        List<Target> found = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Path root = StateFolder.stateRoot(env);
        List<Path> folders = new ArrayList<>(StateFolder.subfolders(root));
        folders.sort(java.util.Comparator.comparing(Path::toString));
        for (Path folder : folders) {
            StateFolder state = StateFolder.inRoot(root, folder);
            Path socket = ControlProtocol.socketPath(state);
            if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    <= ControlProtocol.MAX_SOCKET_PATH_BYTES) {
                try {
                    probeSocket(state, socket, ignored).ifPresent(found::add);
                } catch (RefusedException e) {
                    // It runs but cannot answer now (busy, another release): the list shows whom it can reach.
                }
            }
        }
        return found;
    }

    /** Running procdecks anywhere whose project folder is named {@code app}. */
    private static List<Target> byName(String app, Map<String, String> env, List<String> notes)
            throws RefusedException {
        List<Target> found = new ArrayList<>();
        Path root = StateFolder.stateRoot(env);
        String prefix = StateFolder.folderName(Path.of("/", app)).replaceAll("-[0-9a-f]{8}$", "") + "-";
        for (Path folder : StateFolder.subfolders(root)) {
            String name = folder.getFileName().toString();
            if (!name.startsWith(prefix) || !name.substring(prefix.length()).matches("[0-9a-f]{8}")) {
                continue;
            }
            StateFolder state = StateFolder.inRoot(root, folder);
            probeSocket(state, ControlProtocol.socketPath(state), notes).filter(t -> t.app().equals(app))
                    .ifPresent(found::add);
        }
        return found;
    }
}
