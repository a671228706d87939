package dev.procdeck.runtime;

import dev.procdeck.logs.LogListener;
import dev.procdeck.os.ProcStat;
import dev.procdeck.supervisor.GroupListener;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.Terminator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One run of procdeck on a project, recorded in the project's {@link StateFolder} (never in the project) under
 * {@code sessions/<time>-<pid>/}: the full output log, the owner (pid and start time), the process groups it
 * runs, and a watchdog that stops those groups if procdeck dies in a way that runs no code (SIGKILL, OOM
 * killer). The next launch finds leftovers of sessions whose owner is gone.
 *
 * <p>The watchdog is told of every group through its stdin pipe and keeps them in memory, so it protects
 * even when the state folder cannot be written; then there is simply no session log and no record for the
 * next launch, and the session says so once.
 */
public final class Session implements GroupListener, AutoCloseable {
    /** Internal diagnostics (java.util.logging, level FINE to see them); the console gets what the user can act on. */
    private static final System.Logger DEBUG = System.getLogger(Session.class.getName());

    static final int KEEP_SESSIONS = 10;
    static final long MAX_LOG_FILE_BYTES = Long.getLong("procdeck.log.fileBytes", 64L * 1024 * 1024);
    static final int MAX_LOG_FILES = Integer.getInteger("procdeck.log.files", 16);
    /**
     * All session logs of a project together, the running one included: older sessions go first, oldest first,
     * and a new session's log gets what is left (but at least {@link #MIN_SESSION_LOG_BYTES}).
     */
    static final long MAX_PROJECT_LOG_BYTES = Long.getLong("procdeck.log.projectBytes", 1024L * 1024 * 1024);
    static final long MIN_SESSION_LOG_BYTES = 8L * 1024 * 1024;
    static final int MAX_OWNER_BYTES = 64;
    private static final LogListener NO_LOG = lines -> { };

    /** A process group of an earlier session that outlived its procdeck, verified to be the one it started. */
    public record Leftover(GroupRecord group, Path session) {
        public long pgid() {
            return group.pgid();
        }
    }

    private final Path dir;
    /** The project's state folder, or null when it cannot be used (then there is no control socket either). */
    private final StateFolder state;
    private final SessionLog log;
    private final GroupRegistry groups;
    /** The supervisor's PROCDECK_MARK value, for the bridge from a supervisor that passes only the pgid. */
    private final Process watchdog;
    private final OutputStream watchdogPipe;
    private final List<String> messages = new ArrayList<>();
    private Consumer<String> messageSink;
    /** Guards the pipe apart from the messages, so a message sink is never called with the pipe locked. */
    private final Object pipeLock = new Object();
    private boolean watchdogLost;
    private boolean closed;
    private ControlServer control;
    /** The project's run lock, held for the whole session (null when the state folder cannot be used). */
    private java.nio.channels.FileChannel runLock;

    private Session(StateFolder state, Path dir, SessionLog log, Duration stopTimeout, List<String> openingMessages,
                    String javaCommand) throws IOException {
        this.state = dir == null ? null : state;
        this.dir = dir;
        this.log = log;
        this.messages.addAll(openingMessages);
        if (log != null) {
            // A disk error must not pass unnoticed: it reaches the user like every other session message.
            log.setOnFailure(this::publish);
        }
        this.groups = new GroupRegistry(dir == null ? null : dir.resolve("groups"), this::publish);
        String script;
        try (InputStream in = Session.class.getResourceAsStream("watchdog.sh")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Its own session: a Ctrl-C or hang-up aimed at procdeck's terminal must not take the watchdog too.
        // At end-of-file it runs WatchdogMain with our java and class path; until then it is just a shell.
        watchdog = new ProcessBuilder("setsid", "/bin/sh", "-c", script, "procdeck-watchdog",
                Long.toString(stopTimeout.toMillis()), javaCommand, absoluteClassPath())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        watchdogPipe = watchdog.getOutputStream();
    }

    /** Our class path with absolute entries, so the watchdog's java finds it whatever its working folder. */
    private static String absoluteClassPath() {
        String cp = System.getProperty("java.class.path", "");
        if (cp.isEmpty()) {
            return cp;
        }
        return java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
                .map(e -> e.isEmpty() ? e : Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    /** Opens a session in the project's state folder under the user's environment, pruning old sessions. */
    public static Session open(Path projectRoot, Duration stopTimeout) throws IOException {
        return open(projectRoot, stopTimeout, System.getenv());
    }

    /**
     * Opens a session in the state folder {@code env} points to ({@code XDG_STATE_HOME}, {@code HOME}). Only
     * the watchdog is essential: if the state folder cannot be used, the session runs without log and records
     * and says so in {@link #publishTo}. Throws only if the watchdog cannot be started.
     */
    public static Session open(Path projectRoot, Duration stopTimeout, Map<String, String> env) throws IOException {
        return open(projectRoot, stopTimeout, env, ProcessHandle.current().info().command().orElse(""));
    }

    /** {@code javaCommand}: what the watchdog runs WatchdogMain with; a bad one exercises its shell fallback. */
    static Session open(Path projectRoot, Duration stopTimeout, Map<String, String> env, String javaCommand)
            throws IOException {
        List<String> notes = new ArrayList<>();
        Path dir = null;
        SessionLog log = null;
        StateFolder state = null;
        java.nio.channels.FileChannel runLock = null;
        try {
            state = StateFolder.of(projectRoot, env);
            state.prepare();
            runLock = state.lockRun(); // first: nothing of a second formation may start or prune
            long older = prune(state, MAX_PROJECT_LOG_BYTES);
            dir = createSessionDir(state.sessions());
            long self = ProcessHandle.current().pid();
            try (OutputStream out = StateFolder.createPrivateFile(dir.resolve("owner"))) {
                out.write((self + " " + ProcStat.startTime(self).orElse(-1) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            long budget = Math.max(MIN_SESSION_LOG_BYTES, MAX_PROJECT_LOG_BYTES - older);
            long fileBytes = Math.min(MAX_LOG_FILE_BYTES, budget);
            log = new SessionLog(dir, fileBytes, (int) Math.max(1, Math.min(MAX_LOG_FILES, budget / fileBytes)));
            notes.add("every line is also written to " + dir + "/");
        } catch (StateFolder.AlreadyRunning e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            dir = null;
            notes.add("state folder not writable (" + e.getMessage() + "): no session log, the watchdog keeps"
                    + " the process groups in memory");
        }
        try {
            Session s = new Session(state, dir, log, stopTimeout, notes, javaCommand);
            s.runLock = runLock;
            return s;
        } catch (IOException | RuntimeException e) {
            if (log != null) {
                log.close();
            }
            closeQuietly(runLock);
            throw e;
        }
    }

    private static Path createSessionDir(Path sessions) throws IOException {
        String name = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + ProcessHandle.current().pid();
        for (int i = 1; ; i++) {
            try {
                return StateFolder.createPrivateDirectory(sessions.resolve(i == 1 ? name : name + "-" + i));
            } catch (FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
    }

    /** This session's folder in the state folder (absolute), or null when the state folder is not writable. */
    public Path dir() {
        return dir;
    }

    /** Where every line goes on disk; does nothing when the state folder is not writable. */
    public LogListener log() {
        return log != null ? log : NO_LOG;
    }

    /**
     * Records the groups {@code supervisor} starts, each with the marker it puts into its instances, and lets
     * {@code procdeck ps}, {@code scale}, {@code logs}... drive it through the project's control socket.
     */
    public void attach(Supervisor supervisor) {
        supervisor.setGroupListener(this);
        watchMarker(supervisor.marker());
        if (state == null) {
            return; // not writable: already said when opening
        }
        // Opening the socket touches the disk and probes an old socket: never on the caller's thread, which may
        // be the dashboard's FX thread.
        Thread opener = new Thread(() -> openControl(supervisor), "procdeck-control-open");
        opener.setDaemon(true);
        opener.start();
    }

    /**
     * Tells the watchdog a supervisor's marker before anything launches: if procdeck dies, whatever carries it is
     * this run's and is stopped, recorded or not (a leader that exited before /proc was read, a setsid child).
     */
    void watchMarker(String marker) {
        if (GroupRecord.isMarker(marker)) {
            tellWatchdog("=" + marker);
            if (dir != null) {
                try { // for the next start, should the watchdog die with procdeck
                    StateFolder.writePrivateFile(dir.resolve(MARKER_FILE), marker + "\n");
                } catch (IOException e) {
                    publish("cannot record this run's marker (" + e.getMessage() + "): if procdeck and its watchdog"
                            + " are both killed, the next start finds only the groups recorded");
                }
            }
        }
    }

    /** A session's PROCDECK_MARK, for the next start to find whatever carries it. */
    static final String MARKER_FILE = "marker";

    private void openControl(Supervisor supervisor) {
        synchronized (pipeLock) {
            if (closed || control != null) {
                return;
            }
        }
        try {
            ControlServer started = ControlServer.start(state, dir, supervisor, this::publish);
            synchronized (pipeLock) {
                if (!closed && control == null) {
                    control = started;
                    if (routerFigures != null) {
                        started.setRouterFigures(routerFigures);
                    }
                    return;
                }
            }
            started.close();
        } catch (IOException | RuntimeException e) {
            publish("no control socket, procdeck ps/scale/logs cannot reach this run: " + e.getMessage());
        }
    }

    private java.util.function.IntFunction<java.util.Optional<dev.procdeck.router.Router.Figures>> routerFigures; // pipeLock

    /** The run's router, for {@code ps}: given to the control socket now or when it opens. */
    void setRouterFigures(java.util.function.IntFunction<java.util.Optional<dev.procdeck.router.Router.Figures>> figures) {
        synchronized (pipeLock) {
            routerFigures = figures;
            if (control != null) {
                control.setRouterFigures(figures);
            }
        }
    }

    /** The control socket serving the attached supervisor, if one could be opened. */
    public java.util.Optional<ControlServer> control() {
        synchronized (pipeLock) {
            return java.util.Optional.ofNullable(control);
        }
    }

    /**
     * Hands the session's messages for the user to {@code sink}: first those of opening it (where the log is,
     * or why there is none), then any later one (the state folder or the watchdog failing), each once.
     */
    public void publishTo(Consumer<String> sink) {
        List<String> pending;
        synchronized (this) {
            messageSink = sink;
            pending = new ArrayList<>(messages);
            messages.clear();
        }
        pending.forEach(sink);
    }

    private void publish(String message) {
        Consumer<String> sink;
        synchronized (this) {
            sink = messageSink;
            if (sink == null) {
                messages.add(message);
                return;
            }
        }
        sink.accept(message);
    }

    /**
     * Called by the supervisor right after a spawn. The watchdog hears of it first (one short write into a
     * pipe it drains continuously), the file is written in the background.
     */
    @Override
    public void groupStarted(long pgid, long startTime, String marker) {
        GroupRecord record;
        try {
            record = new GroupRecord(pgid, startTime, marker);
        } catch (IllegalArgumentException e) {
            // A group whose leader was gone before /proc was read (an instant exit): nothing the user can act on,
            // so the debug log hears of it, not the console. The supervisor still stops the group itself.
            DEBUG.log(System.Logger.Level.DEBUG, () -> "not recording " + e.getMessage()
                    + "; the watchdog cannot stop it if procdeck dies");
            return;
        }
        tellWatchdog("+" + record.line());
        groups.started(record);
    }

    @Override
    public void groupEnded(long pgid) {
        tellWatchdog("-" + pgid);
        groups.ended(pgid);
    }

    private void tellWatchdog(String line) {
        String failure;
        synchronized (pipeLock) {
            if (watchdogLost || closed) {
                return;
            }
            try {
                watchdogPipe.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                watchdogPipe.flush();
                return;
            } catch (IOException e) {
                watchdogLost = true;
                failure = e.getMessage();
            }
        }
        publish("the watchdog is gone (" + failure + "): if procdeck is killed, its processes keep running");
    }

    /** Closes the watchdog's pipe (it sees end-of-file); false if that was done before. */
    private boolean endPipe() {
        synchronized (pipeLock) {
            if (closed) {
                return false;
            }
            closed = true;
            try {
                watchdogPipe.close();
            } catch (IOException e) {
                // It sees end-of-file either way once we exit.
            }
            return true;
        }
    }

    /** A clean end: nothing is left for the watchdog, which then exits. Idempotent. */
    @Override
    public void close() {
        ControlServer server;
        synchronized (pipeLock) {
            server = control;
            control = null;
        }
        if (server != null) {
            server.close(); // first: its streams get procdeck's last lines and an end
        }
        tellWatchdog("*");
        if (!endPipe()) {
            return;
        }
        groups.close();
        if (log != null) {
            log.close();
        }
        closeQuietly(runLock); // last: until every group is stopped, no second formation may start
    }

    private static void closeQuietly(java.nio.channels.FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // The kernel drops the lock with the process anyway.
            }
        }
    }

    /**
     * The JVM is going away with process groups still stopping: the watchdog sees end-of-file now, without the
     * clean end's "nothing left", and stops (TERM, wait, KILL) what has not ended. The log and socket close.
     */
    public void handOverToWatchdog() {
        ControlServer server;
        synchronized (pipeLock) {
            server = control;
            control = null;
        }
        if (!endPipe()) {
            return;
        }
        if (server != null) {
            server.close();
        }
        groups.close();
        if (log != null) {
            log.close();
        }
    }

    /** Leftovers of earlier sessions of this project, in the user's state folder; problems go to {@code problems}. */
    public static List<Leftover> leftovers(Path projectRoot, Consumer<String> problems) {
        try {
            return leftovers(StateFolder.of(projectRoot, System.getenv()), problems);
        } catch (IOException e) {
            problems.accept("cannot look for leftovers: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * Process groups recorded by sessions whose procdeck is gone that still run and are verified to be the
     * ones procdeck started ({@link GroupRecord#verify}). Anything unreadable, malformed or no longer ours is
     * reported to {@code problems} and skipped.
     */
    public static List<Leftover> leftovers(StateFolder state, Consumer<String> problems) {
        try {
            if (!state.existsSafely()) {
                return List.of();
            }
        } catch (IOException e) {
            problems.accept(e.getMessage() + "; not looking for leftovers there");
            return List.of();
        }
        List<Leftover> found = new ArrayList<>();
        for (Path session : StateFolder.subfolders(state.sessions())) {
            if (ownerAlive(session)) {
                continue;
            }
            GroupRegistry.Contents contents = GroupRegistry.read(session.resolve("groups"));
            contents.problems().forEach(problems);
            for (GroupRecord r : contents.records()) {
                GroupRecord.Status status = r.verify();
                if (status == GroupRecord.Status.OURS) {
                    found.add(new Leftover(r, session));
                } else if (status.reason() != null) {
                    problems.accept("not stopping process group " + r.pgid() + " recorded in " + session + ": "
                            + status.reason());
                }
            }
            // Whatever still carries the session's marker is its own, recorded or not (a leader that exited before
            // it could be recorded, a setsid escapee).
            String marker;
            try {
                marker = StateFolder.readSmallFile(session.resolve(MARKER_FILE), 128).strip();
            } catch (IOException | RuntimeException e) {
                continue;
            }
            if (!GroupRecord.isMarker(marker)) {
                continue;
            }
            java.util.Set<Long> known = new java.util.HashSet<>();
            found.forEach(l -> known.add(l.pgid()));
            for (long pgid : dev.procdeck.os.ProcIdentity.groupsCarrying(dev.procdeck.supervisor.Supervisor.MARK_VARIABLE,
                    marker, dev.procdeck.os.PosixSignals.ownGroup())) {
                if (!known.contains(pgid)) {
                    GroupRecord r = new GroupRecord(pgid, ProcStat.startTime(pgid).orElse(0), marker);
                    if (r.verify() == GroupRecord.Status.OURS) {
                        found.add(new Leftover(r, session));
                    }
                }
            }
        }
        return found;
    }

    /**
     * Stops leftovers through the one {@link Terminator} (TERM, wait up to {@code timeout}, KILL). Each is
     * verified once more just before, in case it ended (and its pid was reused) since it was found.
     */
    public static void stop(List<Leftover> leftovers, Duration timeout) throws InterruptedException {
        List<Long> pgids = leftovers.stream().filter(l -> l.group().verify() == GroupRecord.Status.OURS)
                .map(Leftover::pgid).distinct().toList();
        Terminator.terminateAll(pgids, timeout);
    }

    /** Describes leftovers for a message: "process group 123 from 20240101-120000-42". */
    public static String describe(List<Leftover> leftovers) {
        return leftovers.stream().map(l -> "process group " + l.pgid() + " from " + l.session().getFileName())
                .collect(Collectors.joining(", "));
    }

    private static boolean ownerAlive(Path session) {
        try {
            String[] f = StateFolder.readSmallFile(session.resolve("owner"), MAX_OWNER_BYTES).strip().split(" ");
            return f.length == 2 && ProcStat.isSameProcess(Long.parseLong(f[0]), Long.parseLong(f[1]));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Keeps the newest sessions, and their logs within half of {@code maxBytes} so that the new session's log has
     * the other half at least. A session whose owner is gone forgets its groups file once none of its groups
     * is still running (so a pid reused later is never even looked at); one whose owner runs, or with a live
     * group to report, is never deleted. Only real folders are considered, and deletion never follows a link.
     *
     * @return the bytes of the session folders kept
     */
    static long prune(StateFolder state, long maxBytes) {
        List<Path> dirs = StateFolder.subfolders(state.sessions());
        Map<Path, Boolean> keep = new LinkedHashMap<>();
        Map<Path, Long> sizes = new LinkedHashMap<>();
        long total = 0;
        for (Path d : dirs) {
            boolean live = ownerAlive(d);
            if (!live) {
                Path groupsFile = d.resolve("groups");
                live = GroupRegistry.read(groupsFile).records().stream()
                        .anyMatch(r -> r.verify() == GroupRecord.Status.OURS);
                if (!live && Files.exists(groupsFile, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        state.deleteFile(groupsFile);
                    } catch (IOException e) {
                        // Tried again next time.
                    }
                }
            }
            keep.put(d, live);
            long size = bytesIn(d);
            sizes.put(d, size);
            total += size;
        }
        int excess = dirs.size() - (KEEP_SESSIONS - 1);
        for (int i = 0; i < dirs.size() && (excess > 0 || total > maxBytes / 2); i++) {
            Path d = dirs.get(i);
            if (keep.get(d)) {
                continue; // running, or still holding leftovers to report
            }
            try {
                state.deleteTree(d);
                total -= sizes.get(d);
            } catch (IOException e) {
                // Left for the next prune.
            }
            excess--;
        }
        return total;
    }

    /** The bytes of the regular files in a session folder (its logs), links not followed. */
    private static long bytesIn(Path dir) {
        long bytes = 0;
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    var a = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    bytes += a.isRegularFile() ? a.size() : 0;
                } catch (IOException e) {
                    // Gone meanwhile.
                }
            }
        } catch (IOException e) {
            // An unreadable folder counts as empty; deleting it is tried like any other.
        }
        return bytes;
    }
}
