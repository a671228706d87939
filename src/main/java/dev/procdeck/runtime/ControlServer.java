package dev.procdeck.runtime;

import com.google.re2j.Pattern;
import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.BatchQueue;
import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.LogStream;
import dev.procdeck.logs.UserRegex;
import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Project;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.Ports;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.TerminalAccess;
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
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The control socket of a running procdeck: {@code control.sock} in the project's {@link StateFolder} (0700
 * folder, socket 0600, Unix domain only, no TCP), through which {@code procdeck ps}, {@code scale},
 * {@code restart}, {@code stop}, {@code ps:start}, {@code logs} and {@code connect} drive it. Protocol:
 * {@link ControlProtocol} and docs/control-protocol.md.
 *
 * <p>Nothing supervising ever waits for a client: requests are served on threads of their own (one per client,
 * at most {@link #MAX_CLIENTS}); commands are handed to the {@link Supervisor}, whose futures the client thread
 * waits for; every socket read and write has a deadline; {@code logs -f} readers get their own byte-bounded
 * queue, fed without waiting, and a reader that falls behind is told so and disconnected. {@code ps} answers
 * from the supervisor's in-memory snapshots and {@code logs} from an in-memory window of recent output,
 * reaching for the session log on disk only for lines older than that window.
 *
 * <p>Only the user procdeck runs as may connect (checked on every connection through the peer's credentials,
 * {@code SO_PEERCRED}). A socket left by a procdeck that died is detected (nobody accepts on it) and replaced;
 * one that answers belongs to another running procdeck of the same project and is left alone.
 */
public final class ControlServer implements LogListener, AutoCloseable {
    public static final int MAX_CLIENTS = Integer.getInteger("procdeck.control.maxClients", 16);
    /** Recent output kept for {@code logs}, in bytes (batches are shared with the other outputs). */
    static final long RECENT_BYTES = Long.getLong("procdeck.control.recentBytes", 2L * 1024 * 1024);
    /** What a {@code logs -f} reader may fall behind by before it is disconnected. */
    static final long FOLLOW_QUEUE_BYTES = Long.getLong("procdeck.control.followQueueBytes", 1024L * 1024);
    static final int MAX_LOG_LINES = 10_000;
    private static final Duration FIRST_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** A client waiting this long for its own next request gives its slot up when all are taken. */
    static final Duration EVICT_AFTER_IDLE = Duration.ofSeconds(5);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_TERMINAL_BACKLOG = 1024 * 1024;

    private final StateFolder state;
    private final Path socket;
    private final Object fileKey;
    private final ServerSocketChannel server;
    private final Supervisor supervisor;
    private final Path sessionDir;
    private final Consumer<String> messages;
    private final UserPrincipal self;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    /** Requests reading older lines from the session log at once, each within SessionLogTail.MAX_PICKED_BYTES. */
    static final int TAIL_READERS = 3;
    private final Semaphore tailReaders = new Semaphore(TAIL_READERS);
    /** The connections waiting for their client's next request, since when (System.nanoTime). */
    private final Map<LineChannel, Long> waitingSince = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<LineChannel> open = ConcurrentHashMap.newKeySet();
    private final Set<LineChannel> streams = ConcurrentHashMap.newKeySet();
    private final ZoneId zone = ZoneId.systemDefault();
    private volatile TerminalAccess terminals = TerminalAccess.NONE;
    private volatile boolean closed;
    // Guarded by recentLock.
    private final Object recentLock = new Object();
    private final ArrayDeque<LogBatch> recent = new ArrayDeque<>();
    private final List<BatchQueue> followers = new ArrayList<>();
    private long recentBytes;
    private boolean recentEvicted;
    // Guarded by metricsLock.
    private final Object metricsLock = new Object();
    private final ProcessMetrics metrics = ProcessMetrics.supported() ? new ProcessMetrics() : null;

    private ControlServer(StateFolder state, Path socket, ServerSocketChannel server, Object fileKey,
                          Supervisor supervisor, Path sessionDir, Consumer<String> messages) throws IOException {
        this.state = state;
        this.socket = socket;
        this.server = server;
        this.fileKey = fileKey;
        this.supervisor = supervisor;
        this.sessionDir = sessionDir;
        this.messages = messages;
        this.self = ControlProtocol.currentUser();
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
            Object key = made.fileKey();
            ControlServer control = new ControlServer(state, socket, server, key, supervisor, sessionDir, messages);
            control.setTerminalAccess(supervisor.terminalAccess());
            supervisor.bus().addListener(control);
            Thread acceptor = new Thread(control::acceptLoop, "procdeck-control");
            acceptor.setDaemon(true);
            acceptor.start();
            return control;
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

    public Path socket() {
        return socket;
    }

    /** Lets {@code connect} reach the terminals of tty instances (the engine supplies it once it runs ptys). */
    public void setTerminalAccess(TerminalAccess access) {
        this.terminals = access == null ? TerminalAccess.NONE : access;
    }

    // ---- output window (called on producers' threads: never waits) -----------------------------------------

    @Override
    public void onBatch(LogBatch batch) {
        synchronized (recentLock) {
            recent.addLast(batch);
            recentBytes += batch.cost();
            while (recentBytes > RECENT_BYTES && recent.size() > 1) {
                recentBytes -= recent.removeFirst().cost();
                recentEvicted = true;
            }
            for (BatchQueue q : followers) {
                q.put(batch); // DROP_OLDEST: never waits; the follower sees the loss and leaves
            }
        }
    }

    // ---- connections -------------------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    messages.accept("the control socket stopped accepting (" + e.getMessage()
                            + "); procdeck ps and friends cannot reach this procdeck any more");
                }
                return;
            }
            try {
                admit(c);
            } catch (IOException | RuntimeException e) {
                closeQuietly(c);
            }
        }
    }

    private void admit(SocketChannel c) throws IOException {
        UserPrincipal peer = c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
        if (!ControlProtocol.peerAllowed(peer, self)) {
            refuse(c, "refused: this procdeck belongs to another user");
            messages.accept("refused a control connection from user " + dev.procdeck.procfile.Visible.escape(
                    peer == null ? "?" : peer.getName()) + ": only " + self.getName() + " may drive this procdeck");
            return;
        }
        if (!clients.tryAcquire() && !(evictIdleClient() && tryAcquireBriefly())) {
            refuse(c, ControlProtocol.busy("busy: " + MAX_CLIENTS + " clients are connected to this procdeck (pid "
                    + ProcessHandle.current().pid() + ") and none has been idle for "
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
            return clients.tryAcquire(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One short answer into an empty socket buffer (never waits), then the door closes. */
    private static void refuse(SocketChannel c, String why) {
        refuse(c, ControlProtocol.error(why));
    }

    private static void refuse(SocketChannel c, Map<String, Object> answer) {
        try {
            c.configureBlocking(false);
            c.write(ByteBuffer.wrap((Json.write(answer) + "\n").getBytes(StandardCharsets.UTF_8)));
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
                    reply(ch, ControlProtocol.error("request larger than " + ControlProtocol.MAX_REQUEST_BYTES
                            + " bytes; refused"));
                    return;
                }
                if (line == null) {
                    return;
                }
                wait = IDLE_TIMEOUT;
                Map<String, Object> request;
                try {
                    request = Json.parseObject(line);
                    checkVersion(request);
                } catch (IllegalArgumentException e) {
                    reply(ch, ControlProtocol.error(e.getMessage()));
                    continue;
                }
                if (!dispatch(request, ch)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client left, or did not read or write in time: nothing to tell anyone.
        } catch (RuntimeException e) {
            try {
                reply(ch, ControlProtocol.error("internal error: " + e));
            } catch (IOException ignored) {
                // Closing anyway.
            }
        } finally {
            waitingSince.remove(ch);
            open.remove(ch);
            ch.close();
            clients.release();
        }
    }

    private static void checkVersion(Map<String, Object> request) {
        Object v = request.get("v");
        if (!(v instanceof Long n)) {
            throw new IllegalArgumentException("request without \"v\" (the protocol version; this procdeck speaks "
                    + ControlProtocol.VERSION + ")");
        }
        if (n != ControlProtocol.VERSION) {
            throw new IllegalArgumentException("protocol version " + n + " is not supported; this procdeck speaks "
                    + ControlProtocol.VERSION + " (use a procdeck command of the same release)");
        }
        if (!(request.get("op") instanceof String)) {
            throw new IllegalArgumentException("request without \"op\"");
        }
    }

    private static void reply(LineChannel ch, Map<String, Object> message) throws IOException {
        ch.writeLine(Json.write(message), WRITE_TIMEOUT);
    }

    private boolean acquireTailReader() {
        try {
            return tailReaders.tryAcquire(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Answers one request; false when the connection is done (a stream ended). */
    private boolean dispatch(Map<String, Object> request, LineChannel ch) throws IOException {
        String op = (String) request.get("op");
        try {
            switch (op) {
                case "hello" -> reply(ch, hello());
                case "ps" -> reply(ch, ps());
                case "scale" -> reply(ch, scale(request));
                case "restart", "stop", "start" -> reply(ch, lifecycle(op, request));
                case "logs" -> {
                    return logs(request, ch);
                }
                case "connect" -> {
                    return connect(request, ch);
                }
                case "run-job" -> reply(ch, runJob(request));
                default -> reply(ch, ControlProtocol.error("unknown op '" + dev.procdeck.procfile.Visible.escape(op)
                        + "'; this procdeck knows hello, ps, scale, restart, stop, start, run-job, logs, connect"));
            }
        } catch (IllegalArgumentException e) {
            reply(ch, ControlProtocol.error(e.getMessage()));
        }
        return true;
    }

    // ---- ops ---------------------------------------------------------------------------------------------

    private Map<String, Object> hello() {
        Project p = supervisor.project();
        Map<String, Object> m = ControlProtocol.ok();
        m.put("app", appName(p));
        m.put("root", p.root().toString());
        m.put("pid", ProcessHandle.current().pid());
        m.put("socket", socket.toString());
        m.put("formation", new LinkedHashMap<>(supervisor.scale()));
        return m;
    }

    /** Instances by their type's place in the Procfile, then by number: the order the dashboard shows. */
    private List<InstanceSnapshot> inProcfileOrder(List<InstanceSnapshot> snapshots) {
        List<String> order = supervisor.project().procfile().typeNames();
        List<InstanceSnapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(java.util.Comparator.<InstanceSnapshot>comparingInt(s -> {
            int at = order.indexOf(s.id().type());
            return at < 0 ? Integer.MAX_VALUE : at; // a type a reload removed, still stopping: last
        }).thenComparing(InstanceSnapshot::id));
        return sorted;
    }

    static String appName(Project p) {
        Path name = p.root().getFileName();
        return name == null ? p.root().toString() : name.toString();
    }

    private Map<String, Object> ps() {
        List<InstanceSnapshot> snapshots = inProcfileOrder(supervisor.snapshots());
        Set<Long> groups = new HashSet<>();
        for (InstanceSnapshot s : snapshots) {
            if (s.pid() > 0 && s.state().hasProcess()) {
                groups.add(s.pid());
            }
        }
        Map<Long, ProcessMetrics.Usage> usage = usage(groups);
        Instant now = Instant.now();
        Project p = supervisor.project();
        List<Object> instances = new ArrayList<>();
        for (InstanceSnapshot s : snapshots) {
            boolean process = s.pid() > 0 && s.hasProcess();
            instances.add(InstanceWire.write(s, process ? usage.get(s.pid()) : null,
                    p.config().type(s.id().type()).tty(), p.config().type(s.id().type()).memory(), now));
        }
        List<Object> types = new ArrayList<>();
        for (dev.procdeck.procfile.ProcessType t : p.procfile().types()) {
            Map<String, Object> type = new LinkedHashMap<>();
            type.put("name", t.name());
            type.put("command", t.command());
            type.put("tty", p.config().type(t.name()).tty());
            type.put("scheduled", p.config().type(t.name()).isScheduled());
            types.add(type);
        }
        List<Object> jobs = new ArrayList<>();
        for (dev.procdeck.supervisor.JobStatus j : supervisor.jobs().statuses()) {
            jobs.add(JobWire.write(j, supervisor.jobs().history(j.type())));
        }
        Map<String, Object> m = hello();
        m.put("types", types);
        m.put("instances", instances);
        m.put("jobs", jobs);
        return m;
    }

    /**
     * CPU since the previous {@code ps} (of any client), or since the group started when that one did not see
     * it: read at once, so that a request is answered in milliseconds (on this client's thread, never the
     * supervisor's).
     */
    private Map<Long, ProcessMetrics.Usage> usage(Set<Long> groups) {
        if (metrics == null || groups.isEmpty()) {
            return Map.of();
        }
        synchronized (metricsLock) {
            return metrics.sample(groups);
        }
    }

    /** A scheduled type's run now, as a tick would start it (its overlap applies). */
    private Map<String, Object> runJob(Map<String, Object> request) {
        if (!(request.get("type") instanceof String type)) {
            throw new IllegalArgumentException("run-job needs \"type\": a scheduled type of procdeck.yml");
        }
        dev.procdeck.supervisor.ScheduledJobs.Trigger t = await(supervisor.jobs().runNow(type));
        Map<String, Object> m = ControlProtocol.ok();
        m.put("trigger", t.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    private Map<String, Object> scale(Map<String, Object> request) {
        if (!(request.get("formation") instanceof Map<?, ?> given) || given.isEmpty()) {
            throw new IllegalArgumentException("scale needs \"formation\": {\"web\": 2, ...}");
        }
        Procfile procfile = supervisor.project().procfile();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : given.entrySet()) {
            String type = (String) e.getKey();
            if (procfile.type(type).isEmpty()) {
                throw new IllegalArgumentException("unknown process type '" + dev.procdeck.procfile.Visible.escape(type)
                        + "'; the Procfile has " + String.join(", ", procfile.typeNames()));
            }
            if (!(e.getValue() instanceof Long n) || n < 0 || n > Formation.MAX_SCALE) {
                throw new IllegalArgumentException("the count for " + type + " must be a whole number from 0 to "
                        + Formation.MAX_SCALE);
            }
            if (n > 1 && supervisor.project().config().isScheduled(type)) {
                // Its count only switches the schedule (Supervisor.applyScale); "now running 2" would mislead.
                throw new IllegalArgumentException(type + " runs on its schedule ("
                        + supervisor.project().config().type(type).schedule().text() + "), not as instances: scale it"
                        + " to 1 to keep the schedule on or to 0 to pause it");
            }
            counts.put(type, n.intValue());
        }
        Ports.requireInRange(supervisor.settings().basePort(), procfile, counts);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        counts.forEach((type, n) -> done.add(supervisor.scale(type, n)));
        await(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)));
        Map<String, Object> m = ControlProtocol.ok();
        m.put("formation", new LinkedHashMap<>(supervisor.scale()));
        return m;
    }

    /** restart, stop or start of everything, one type, or one instance. */
    private Map<String, Object> lifecycle(String op, Map<String, Object> request) {
        Object target = request.get("target");
        if (target != null && !(target instanceof String)) {
            throw new IllegalArgumentException("\"target\" must be a type or instance name");
        }
        String name = (String) target;
        List<InstanceSnapshot> snapshots = supervisor.snapshots();
        List<String> affected = new ArrayList<>();
        CompletableFuture<Void> done;
        if (name == null) {
            snapshots.forEach(s -> affected.add(s.name()));
            done = switch (op) {
                case "restart" -> supervisor.restartAll();
                case "stop" -> supervisor.stopAll();
                default -> supervisor.startAll();
            };
            if (op.equals("stop")) {
                done = CompletableFuture.completedFuture(null); // stopping all takes up to the stop timeout
            }
        } else if (supervisor.project().procfile().type(name).isPresent()) {
            snapshots.stream().filter(s -> s.id().type().equals(name)).forEach(s -> affected.add(s.name()));
            done = switch (op) {
                case "restart" -> supervisor.restartType(name);
                case "stop" -> supervisor.stopType(name);
                default -> supervisor.startType(name);
            };
        } else {
            InstanceId id = instance(name, snapshots);
            affected.add(id.name());
            done = switch (op) {
                case "restart" -> supervisor.restartInstance(id);
                case "stop" -> supervisor.stopInstance(id);
                default -> supervisor.startInstance(id);
            };
        }
        await(done);
        Map<String, Object> m = ControlProtocol.ok();
        m.put("targets", affected);
        return m;
    }

    /** The instance named {@code name}, which must exist now; else a message saying what does. */
    private InstanceId instance(String name, List<InstanceSnapshot> snapshots) {
        String shown = dev.procdeck.procfile.Visible.escape(name);
        InstanceId id;
        try {
            id = InstanceId.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no process type or instance '" + shown + "'; the Procfile has "
                    + String.join(", ", supervisor.project().procfile().typeNames()));
        }
        if (snapshots.stream().anyMatch(s -> s.id().equals(id))) {
            return id;
        }
        List<String> same = snapshots.stream().filter(s -> s.id().type().equals(id.type())).map(InstanceSnapshot::name)
                .toList();
        if (supervisor.project().procfile().type(id.type()).isEmpty()) {
            throw new IllegalArgumentException("no process type or instance '" + shown + "'; the Procfile has "
                    + String.join(", ", supervisor.project().procfile().typeNames()));
        }
        throw new IllegalArgumentException("no instance " + shown + "; " + (same.isEmpty()
                ? id.type() + " is scaled to 0 (procdeck scale " + id.type() + "=" + id.number() + " adds it)"
                : id.type() + " has " + String.join(", ", same)));
    }

    private static <T> T await(CompletableFuture<T> done) {
        try {
            return done.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalArgumentException("procdeck did not take the command within "
                    + COMMAND_TIMEOUT.toSeconds() + " s; it is busy, try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted");
        }
    }

    // ---- logs --------------------------------------------------------------------------------------------

    /** What a {@code logs} request asks for. */
    record LogQuery(int lines, boolean follow, String type, String instance, Pattern grep, Instant since) {
        boolean matches(LogLine line) {
            if (instance != null && !instance.equals(line.instance())) {
                return false;
            }
            if (type != null && !type.equals(line.type())) {
                return false;
            }
            if (since != null && line.time().isBefore(since)) {
                return false;
            }
            return grep == null || grep.matcher(AnsiText.stripColours(line)).find();
        }

        static LogQuery of(Map<String, Object> r) {
            Object n = r.getOrDefault("lines", 100L);
            if (!(n instanceof Long count) || count < 0 || count > MAX_LOG_LINES) {
                throw new IllegalArgumentException("\"lines\" must be a whole number from 0 to " + MAX_LOG_LINES);
            }
            Object since = r.get("since");
            if (since != null && !(since instanceof Long)) {
                throw new IllegalArgumentException("\"since\" must be a time in milliseconds since 1970");
            }
            Pattern grep = null;
            if (r.get("grep") instanceof String g) {
                try {
                    grep = UserRegex.compile(g, true); // linear time: no pattern can hold this thread
                } catch (UserRegex.InvalidRegexException e) {
                    throw new IllegalArgumentException("invalid --grep pattern: " + e.getMessage());
                }
            }
            return new LogQuery(count.intValue(), Boolean.TRUE.equals(r.get("follow")), string(r, "type"),
                    string(r, "instance"), grep, since == null ? null : Instant.ofEpochMilli((Long) since));
        }

        private static String string(Map<String, Object> r, String key) {
            Object v = r.get(key);
            if (v != null && !(v instanceof String)) {
                throw new IllegalArgumentException("\"" + key + "\" must be a string");
            }
            return (String) v;
        }
    }

    private boolean logs(Map<String, Object> request, LineChannel ch) throws IOException {
        LogQuery query = LogQuery.of(request);
        if (query.instance() != null) {
            InstanceId.parse(query.instance()); // a clear message for "web" given as an instance
        }
        String type = query.type() != null ? query.type()
                : query.instance() != null ? InstanceId.parse(query.instance()).type() : null;
        Procfile procfile = supervisor.project().procfile();
        if (type != null && procfile.type(type).isEmpty()) {
            throw new IllegalArgumentException("unknown process type '" + dev.procdeck.procfile.Visible.escape(type)
                    + "'; the Procfile has " + String.join(", ", procfile.typeNames()));
        }
        List<LogBatch> window;
        boolean evicted;
        BatchQueue follower = query.follow() ? new BatchQueue(FOLLOW_QUEUE_BYTES, BatchQueue.WhenFull.DROP_OLDEST) : null;
        // Taking the window and subscribing at once: no line is both in the history and the stream, none in neither.
        synchronized (recentLock) {
            window = new ArrayList<>(recent);
            evicted = recentEvicted;
            if (follower != null) {
                followers.add(follower);
            }
        }
        try {
            List<LogLine> history = lastLines(window, query);
            boolean reading = false;
            if (evicted && history.size() < query.lines() && sessionDir != null) {
                // Lines from disk are held until sent, so all readers together stay within TAIL_READERS budgets.
                if (!acquireTailReader()) {
                    reply(ch, ControlProtocol.busy("busy: " + TAIL_READERS + " clients are reading older lines from"
                            + " the session log; try again in a moment, or ask for fewer lines (-n)"));
                    return false;
                }
                reading = true;
                Instant before = window.isEmpty() ? Instant.now() : window.get(0).time();
                List<LogLine> older = SessionLogTail.read(sessionDir, query, query.lines() - history.size(), before, zone);
                List<LogLine> all = new ArrayList<>(older);
                all.addAll(history);
                history = all;
            }
            Map<String, Object> header = ControlProtocol.ok();
            header.put("app", appName(supervisor.project()));
            header.put("types", supervisor.project().procfile().typeNames());
            // For the client to pad names as start does: to the widest instance now.
            header.put("instances", supervisor.snapshots().stream().map(InstanceSnapshot::name).toList());
            try {
                reply(ch, header);
                for (LogLine line : history) {
                    reply(ch, LogWire.write(line));
                }
            } finally {
                history = null;
                if (reading) {
                    tailReaders.release();
                }
            }
            if (follower == null) {
                reply(ch, Map.of("end", true));
                return false;
            }
            streams.add(ch);
            while (true) {
                LogBatch batch;
                try {
                    batch = follower.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                long dropped = follower.takeDropped();
                if (dropped > 0) {
                    reply(ch, Map.of("error", "this reader fell behind and " + dev.procdeck.procfile.Plural.count(dropped, "line")
                            + (dropped == 1 ? " was" : " were") + " dropped for it;"
                            + " disconnecting (run procdeck logs -f again to resume)"));
                    return false;
                }
                if (batch == null) {
                    if (closed) {
                        reply(ch, Map.of("end", true, "reason", "procdeck stopped"));
                        return false;
                    }
                    if (ch.peerClosed()) {
                        return false;
                    }
                    continue;
                }
                for (LogLine line : batch.lines()) {
                    if (query.matches(line)) {
                        reply(ch, LogWire.write(line));
                    }
                }
            }
        } finally {
            if (follower != null) {
                synchronized (recentLock) {
                    followers.remove(follower);
                }
                follower.abandon();
                streams.remove(ch);
            }
        }
    }

    /** The last {@code query.lines()} matching lines of the window, oldest first. */
    private static List<LogLine> lastLines(List<LogBatch> window, LogQuery query) {
        ArrayDeque<LogLine> picked = new ArrayDeque<>();
        for (int b = window.size() - 1; b >= 0 && picked.size() < query.lines(); b--) {
            LogBatch batch = window.get(b);
            if (query.since() != null && batch.time().isBefore(query.since())) {
                break;
            }
            List<LogLine> lines = batch.lines();
            for (int i = lines.size() - 1; i >= 0 && picked.size() < query.lines(); i--) {
                if (query.matches(lines.get(i))) {
                    picked.addFirst(lines.get(i));
                }
            }
        }
        return new ArrayList<>(picked);
    }

    // ---- connect -----------------------------------------------------------------------------------------

    private boolean connect(Map<String, Object> request, LineChannel ch) throws IOException {
        if (!(request.get("instance") instanceof String name)) {
            throw new IllegalArgumentException("connect needs \"instance\", e.g. web.1");
        }
        List<InstanceSnapshot> snapshots = supervisor.snapshots();
        List<InstanceSnapshot> ofType = snapshots.stream().filter(s -> s.id().type().equals(name)).toList();
        // "connect console" with one console running means console.1, as a person would expect.
        InstanceId id = ofType.size() == 1 ? ofType.get(0).id() : instance(name, snapshots);
        if (!supervisor.project().config().type(id.type()).tty()) {
            throw new IllegalArgumentException(id.name() + " is not a tty instance; set tty: true for " + id.type()
                    + " in procdeck.yml");
        }
        TerminalOutput output = new TerminalOutput();
        Optional<TerminalAccess.Attachment> attached = terminals.attach(id, output::offer);
        if (attached.isEmpty()) {
            String state = snapshots.stream().filter(s -> s.id().equals(id)).findFirst()
                    .map(s -> s.state().label()).orElse("not running");
            throw new IllegalArgumentException(id.name() + " has no terminal to attach to: it is " + state
                    + " now; connect again once it is up");
        }
        try (TerminalAccess.Attachment attachment = attached.get()) {
            Map<String, Object> answer = ControlProtocol.ok();
            answer.put("instance", id.name()); // the one chosen when a type was named
            reply(ch, answer);
            streams.add(ch);
            // Each output chunk says whether the terminal echoes now: an attached dashboard masks input while a
            // program reads a password, as it does for a terminal of its own.
            java.util.function.BooleanSupplier echo = () -> supervisor.terminal(id)
                    .map(dev.procdeck.supervisor.InstanceTerminal::echoEnabled).orElse(true);
            java.util.function.Supplier<String> ended = () -> attachment.ended() ? endReason(id) : null;
            Thread writer = new Thread(() -> output.pump(ch, echo, ended), "procdeck-control-tty");
            writer.setDaemon(true);
            writer.start();
            while (true) {
                String line;
                try {
                    line = ch.readLine(ControlProtocol.MAX_REQUEST_BYTES, null);
                } catch (LineChannel.LineTooLongException e) {
                    return false;
                }
                if (line == null) {
                    return false;
                }
                Map<String, Object> m = Json.parseObject(line);
                switch (String.valueOf(m.get("op"))) {
                    case "input" -> {
                        if (m.get("data") instanceof String data) { // no data, no bytes ("null" decodes to three)
                            attachment.input(Base64.getDecoder().decode(data));
                        }
                    }
                    case "resize" -> {
                        if (m.get("cols") instanceof Long c && m.get("rows") instanceof Long r) {
                            attachment.resize(c.intValue(), r.intValue());
                        }
                    }
                    case "detach" -> {
                        return false;
                    }
                    default -> {
                        // Unknown messages inside a session are ignored: a newer client may send more.
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return false; // a malformed message inside the session ends it
        } finally {
            output.close();
            streams.remove(ch);
        }
    }

    /** Why an attached run is over, for the client's last message. */
    private String endReason(InstanceId id) {
        String state = supervisor.snapshots().stream().filter(s -> s.id().equals(id)).findFirst()
                .map(s -> s.state().label()).orElse("gone");
        return id.name() + " ended (" + state + " now): its terminal is gone; connect again to attach to its next run";
    }

    /** What a terminal wrote, queued for one client within a byte budget; never makes the engine wait. */
    private static final class TerminalOutput {
        /** How often an idle terminal's echo is looked at (a non-blocking ioctl) for an attached client. */
        private static final long ECHO_POLL_MILLIS = 250;

        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private final AtomicLong queued = new AtomicLong();
        private boolean overflowed;
        private boolean done;

        synchronized void offer(byte[] bytes) {
            if (done || overflowed) {
                return;
            }
            if (queued.get() + bytes.length > MAX_TERMINAL_BACKLOG) {
                overflowed = true;
            } else {
                chunks.addLast(bytes.clone());
                queued.addAndGet(bytes.length);
            }
            notifyAll();
        }

        synchronized void close() {
            done = true;
            notifyAll();
        }

        /**
         * Sends what was queued, and the echo state when it changes, until the attachment ends. Writes happen
         * outside the lock: {@link #offer} (the engine's reader) never waits for a slow client.
         */
        void pump(LineChannel ch, java.util.function.BooleanSupplier echo, java.util.function.Supplier<String> ended) {
            boolean echoSent = true;
            try {
                while (true) {
                    byte[] next = null;
                    boolean fellBehind;
                    synchronized (this) {
                        if (chunks.isEmpty() && !done && !overflowed) {
                            wait(ECHO_POLL_MILLIS);
                        }
                        fellBehind = overflowed;
                        if (!fellBehind) {
                            if (done && chunks.isEmpty()) {
                                return;
                            }
                            if (!chunks.isEmpty()) {
                                next = chunks.removeFirst();
                                queued.addAndGet(-next.length);
                            }
                        }
                    }
                    if (fellBehind) {
                        reply(ch, Map.of("end", true, "reason", "the client fell behind the terminal's output"));
                        ch.close();
                        return;
                    }
                    if (next == null) {
                        String why = ended.get();
                        if (why != null) { // everything the run printed is sent: now say it is over
                            reply(ch, Map.of("end", true, "reason", why));
                            ch.close();
                            return;
                        }
                    }
                    boolean now = echo.getAsBoolean();
                    if (next != null) {
                        echoSent = now;
                        reply(ch, Map.of("out", Base64.getEncoder().encodeToString(next), "echo", now));
                    } else if (now != echoSent) {
                        // A program switched echo off (or on) without printing: say so at once.
                        echoSent = now;
                        reply(ch, Map.of("echo", now));
                    }
                }
            } catch (IOException | InterruptedException e) {
                ch.close();
            }
        }
    }

    // ---- shutdown ----------------------------------------------------------------------------------------

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
        supervisor.bus().removeListener(this);
        try {
            server.close();
        } catch (IOException e) {
            // Removing the file below is what matters.
        }
        synchronized (recentLock) {
            followers.forEach(BatchQueue::finish);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (!streams.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
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
