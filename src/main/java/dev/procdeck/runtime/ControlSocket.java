package dev.procdeck.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The control socket itself: binding {@code control.sock} (replacing a stale one, never another procdeck's),
 * the accept loop, the peer-uid check, the {@link #MAX_CLIENTS} client slots with idle-client eviction and
 * {@code busy} answers, and each client's request loop with its deadlines. What a request means is the
 * {@link RequestHandler}'s business: this class moves lines, never looks into them.
 */
final class ControlSocket {
    static final int MAX_CLIENTS = Integer.getInteger("procdeck.control.maxClients", 16);
    private static final Duration FIRST_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** A client waiting this long for its own next request gives its slot up when all are taken. */
    static final Duration EVICT_AFTER_IDLE = Duration.ofSeconds(5);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);

    /** Answers one request line of a client; false when the connection is done (a stream ended). */
    interface RequestHandler {
        boolean handle(String line, LineChannel ch) throws IOException;
    }

    private final StateFolder state;
    private final Path socket;
    private final Object fileKey;
    private final ServerSocketChannel server;
    private final Consumer<String> messages;
    private final UserPrincipal self;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    /** The connections waiting for their client's next request, since when (System.nanoTime). */
    private final Map<LineChannel, Long> waitingSince = new ConcurrentHashMap<>();
    private final Set<LineChannel> open = ConcurrentHashMap.newKeySet();
    /** Connections turned into streams (logs, connect): never evicted, given a moment to end on close. */
    private final Set<LineChannel> streams = ConcurrentHashMap.newKeySet();
    private volatile RequestHandler handler;
    private volatile boolean closed;

    private ControlSocket(StateFolder state, Path socket, ServerSocketChannel server, Object fileKey,
                          Consumer<String> messages) throws IOException {
        this.state = state;
        this.socket = socket;
        this.server = server;
        this.fileKey = fileKey;
        this.messages = messages;
        this.self = ControlProtocol.currentUser();
    }

    /**
     * Binds the project's control socket (0600 in the 0700 state folder); nothing is accepted until
     * {@link #serve}. Throws with a message for the user when it cannot: the path is too long, another procdeck
     * of this project answers there, the state folder is unsafe.
     */
    static ControlSocket bind(StateFolder state, Consumer<String> messages) throws IOException {
        Path socket = ControlProtocol.socketPath(state);
        ControlProtocol.requireShortEnough(socket);
        if (!state.existsSafely()) {
            state.prepare();
        }
        removeStale(state, socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        boolean bound = false;
        try {
            server.bind(UnixDomainSocketAddress.of(socket), MAX_CLIENTS);
            bound = true;
            // Bound with the umask's mode; the 0700 folder already keeps others out, this narrows the socket too.
            // chmod cannot be told not to follow a link (and a socket cannot be opened for fchmod), so first make
            // sure the path is still the socket we just bound; nobody else can write in our 0700 folder.
            BasicFileAttributes made = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!made.isOther()) {
                throw new IOException(socket + " is not the socket just bound");
            }
            Files.setPosixFilePermissions(socket, StateFolder.FILE_MODE);
            return new ControlSocket(state, socket, server, made.fileKey(), messages);
        } catch (IOException | RuntimeException e) {
            server.close();
            try {
                if (bound && Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                    state.deleteFile(socket);
                }
            } catch (IOException ignored) {
                // Nothing was bound, or it is gone already.
            }
            throw e;
        }
    }

    /**
     * Whatever is at the socket's path is removed unless a procdeck accepts on it: a socket nobody listens on
     * (its procdeck died), or anything else (a file, a symlink, which is removed itself, never followed).
     */
    private static void removeStale(StateFolder state, Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isOther() && answers(socket)) {
            throw new IOException("another procdeck of this project already listens on " + socket
                    + "; procdeck ps, scale, logs... drive that one");
        }
        state.deleteFile(socket);
    }

    /** True if something accepts connections on {@code socket} (checked without waiting, never followed). */
    static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.configureBlocking(false);
            ch.connect(UnixDomainSocketAddress.of(socket)); // true, or pending: a listener is there either way
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Path path() {
        return socket;
    }

    /** Starts accepting, each client's requests going to {@code handler} on a thread of its own. */
    void serve(RequestHandler handler) {
        this.handler = handler;
        Thread acceptor = new Thread(this::acceptLoop, "procdeck-control");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Writes one message line to a client within the write deadline (else throws, and the caller closes). */
    static void reply(LineChannel ch, Object message) throws IOException {
        ch.writeLine(ControlJson.write(message), WRITE_TIMEOUT);
    }

    /** Marks {@code ch} as a stream for as long as it is one: never evicted, waited for briefly on close. */
    void streamStarted(LineChannel ch) {
        streams.add(ch);
    }

    void streamEnded(LineChannel ch) {
        streams.remove(ch);
    }

    // ---- connections -------------------------------------------------------------------------------------

    private void acceptLoop() {
        boolean failing = false;
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                if (!server.isOpen()) {
                    messages.accept("the control socket stopped accepting (" + e.getMessage()
                            + "); procdeck ps and friends cannot reach this procdeck any more");
                    return;
                }
                // Accepting on an open socket fails for passing reasons (out of descriptors, EMFILE, above all):
                // the socket must outlive them, or procdeck would be unreachable for the rest of its run.
                if (!failing) {
                    messages.accept("the control socket cannot accept a connection now (" + e.getMessage()
                            + "); it keeps trying, clients wait meanwhile");
                    failing = true;
                }
                pauseAfterFailedAccept();
                continue;
            }
            failing = false;
            try {
                admit(c);
            } catch (IOException | RuntimeException e) {
                // Accepted, but its connection could not be set up (no descriptor for its selectors, say): the
                // client is told procdeck runs and is busy, never left to take a reset for "not running".
                refuse(c, ControlMessages.Failure.busy("busy: this procdeck (pid " + ProcessHandle.current().pid()
                        + ") cannot serve another client now (" + e.getMessage() + "); try again in a moment"));
            }
        }
    }

    /** Between two failed accepts: retrying at once would spin a core while the cause lasts. */
    private static void pauseAfterFailedAccept() {
        try {
            Thread.sleep(ACCEPT_RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void admit(SocketChannel c) throws IOException {
        UserPrincipal peer = c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
        if (!ControlProtocol.peerAllowed(peer, self)) {
            refuse(c, ControlMessages.Failure.of("refused: this procdeck belongs to another user"));
            messages.accept("refused a control connection from user " + dev.procdeck.procfile.Visible.escape(
                    peer == null ? "?" : peer.getName()) + ": only " + self.getName() + " may drive this procdeck");
            return;
        }
        if (!clients.tryAcquire() && !(evictIdleClient() && tryAcquireBriefly())) {
            refuse(c, ControlMessages.Failure.busy("busy: " + MAX_CLIENTS + " clients are connected to this procdeck"
                    + " (pid " + ProcessHandle.current().pid() + ") and none has been idle for "
                    + EVICT_AFTER_IDLE.toSeconds() + " s; try again in a moment"));
            return;
        }
        LineChannel ch;
        try {
            ch = new LineChannel(c);
        } catch (IOException | RuntimeException e) {
            clients.release();
            throw e;
        }
        open.add(ch);
        if (closed) {
            open.remove(ch);
            ch.close();
            clients.release();
            return;
        }
        Thread t = new Thread(() -> serve(ch), "procdeck-control-client");
        t.setDaemon(true);
        t.start();
    }

    /**
     * When every slot is taken, closes the connection that has waited longest for its next request, if that is
     * at least {@link #EVICT_AFTER_IDLE}: a client that merely keeps a connection open (a script saying hello now
     * and then) must not lock out {@code procdeck ps}. Streams (logs -f, connect) are never evicted: they are
     * served, not idle.
     */
    private boolean evictIdleClient() {
        long now = System.nanoTime();
        LineChannel idlest = null;
        for (LineChannel ch : open) {
            Long since = waitingSince.get(ch);
            if (since != null && now - since >= EVICT_AFTER_IDLE.toNanos()
                    && (idlest == null || since < waitingSince.getOrDefault(idlest, Long.MAX_VALUE))) {
                idlest = ch;
            }
        }
        if (idlest == null) {
            return false;
        }
        waitingSince.remove(idlest);
        idlest.close(); // its thread's read fails; it releases its slot as it ends
        return true;
    }

    private boolean tryAcquireBriefly() {
        try {
            return clients.tryAcquire(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One short answer into an empty socket buffer (never waits), then the door closes. */
    private static void refuse(SocketChannel c, Object answer) {
        try {
            c.configureBlocking(false);
            c.write(ByteBuffer.wrap((ControlJson.write(answer) + "\n").getBytes(StandardCharsets.UTF_8)));
            c.shutdownOutput();
            // What the client sent already is read and dropped, so that closing does not reset the connection
            // (a reset makes the client's read fail instead of ending after our answer).
            ByteBuffer drop = ByteBuffer.allocate(16 * 1024);
            for (int i = 0; i < 4 && c.read(drop) > 0; i++) {
                drop.clear();
            }
        } catch (IOException e) {
            // Closing anyway.
        }
        closeQuietly(c);
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // Nothing more to do.
        }
    }

    private void serve(LineChannel ch) {
        try {
            Duration wait = FIRST_REQUEST_TIMEOUT;
            while (!closed) {
                String line;
                try {
                    waitingSince.put(ch, System.nanoTime());
                    line = ch.readLine(ControlProtocol.MAX_REQUEST_BYTES, wait);
                    waitingSince.remove(ch);
                } catch (LineChannel.LineTooLongException e) {
                    reply(ch, ControlMessages.Failure.of("request larger than " + ControlProtocol.MAX_REQUEST_BYTES
                            + " bytes; refused"));
                    return;
                }
                if (line == null) {
                    return;
                }
                wait = IDLE_TIMEOUT;
                if (!handler.handle(line, ch)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client left, or did not read or write in time: nothing to tell anyone.
        } catch (RuntimeException e) {
            try {
                reply(ch, ControlMessages.Failure.of("internal error: " + e));
            } catch (IOException ignored) {
                // Closing anyway.
            }
        } finally {
            waitingSince.remove(ch);
            open.remove(ch);
            streams.remove(ch);
            ch.close();
            clients.release();
        }
    }

    // ---- shutdown ----------------------------------------------------------------------------------------

    /** Stops accepting; connections stay open until {@link #closeConnections}. */
    void stopAccepting() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Removing the file (closeConnections) is what matters.
        }
    }

    /**
     * Gives streams up to {@code grace} to send their last lines and end, then closes every connection and
     * removes the socket file (only if it is still ours).
     */
    void closeConnections(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (!streams.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // a poll with a deadline: streams end on their own threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        open.forEach(LineChannel::close);
        try {
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (fileKey != null && fileKey.equals(a.fileKey())) {
                state.deleteFile(socket);
            }
        } catch (IOException e) {
            // Gone already; or left, and the next procdeck finds it stale.
        }
    }
}
