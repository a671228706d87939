package dev.procdeck.runtime;

import dev.procdeck.os.PosixSignals;
import dev.procdeck.os.ProcStat;
import dev.procdeck.supervisor.GroupListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * One run of procdeck on a project, recorded under {@code <project>/.procdeck/sessions/<time>-<pid>/}: the full
 * output log, the process groups it runs, and a watchdog that stops those groups if procdeck dies in a way
 * that runs no code (SIGKILL, OOM killer). The next launch finds leftovers of sessions whose owner is gone.
 */
public final class Session implements GroupListener, AutoCloseable {
    public static final String FOLDER = ".procdeck";
    static final int KEEP_SESSIONS = 10;
    static final long MAX_LOG_FILE_BYTES = Long.getLong("procdeck.log.fileBytes", 64L * 1024 * 1024);
    static final int MAX_LOG_FILES = Integer.getInteger("procdeck.log.files", 16);

    /** A process group of an earlier session that outlived its procdeck. */
    public record Leftover(long pgid, long startTime, Path session) {
    }

    private final Path dir;
    private final SessionLog log;
    private final GroupRegistry groups;
    private final Process watchdog;
    private final OutputStream watchdogPipe;

    private Session(Path dir, Duration stopTimeout) throws IOException {
        this.dir = dir;
        this.log = new SessionLog(dir, MAX_LOG_FILE_BYTES, MAX_LOG_FILES);
        this.groups = new GroupRegistry(dir.resolve("groups"));
        long self = ProcessHandle.current().pid();
        Files.writeString(dir.resolve("owner"), self + " " + ProcStat.startTime(self).orElse(-1) + "\n");
        String script;
        try (InputStream in = Session.class.getResourceAsStream("watchdog.sh")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        long seconds = Math.max(1, (stopTimeout.toMillis() + 999) / 1000);
        // Its own session: a Ctrl-C or hang-up aimed at procdeck's terminal must not take the watchdog too.
        watchdog = new ProcessBuilder("setsid", "/bin/sh", "-c", script, "procdeck-watchdog",
                groups.file().toString(), Long.toString(seconds))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        watchdogPipe = watchdog.getOutputStream();
    }

    /** Creates a new session folder for the project, pruning old ones. */
    public static Session open(Path projectRoot, Duration stopTimeout) throws IOException {
        Path sessions = projectRoot.resolve(FOLDER).resolve("sessions");
        Files.createDirectories(sessions);
        Path gitignore = projectRoot.resolve(FOLDER).resolve(".gitignore");
        if (!Files.exists(gitignore)) {
            Files.writeString(gitignore, "# procdeck's session logs and state; not for version control\n*\n");
        }
        prune(sessions);
        String name = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + ProcessHandle.current().pid();
        return new Session(sessions.resolve(name), stopTimeout);
    }

    public Path dir() {
        return dir;
    }

    public SessionLog log() {
        return log;
    }

    @Override
    public void groupStarted(long pgid) {
        groups.started(pgid);
    }

    @Override
    public void groupEnded(long pgid) {
        groups.ended(pgid);
    }

    /** A clean end: nothing is left for the watchdog, which then exits. */
    @Override
    public void close() {
        groups.clear();
        try {
            watchdogPipe.close();
        } catch (IOException e) {
            // It sees end-of-file either way once we exit.
        }
        log.close();
    }

    /** Process groups recorded by sessions whose procdeck is gone and that still run. */
    public static List<Leftover> leftovers(Path projectRoot) {
        List<Leftover> found = new ArrayList<>();
        for (Path session : sessionDirs(projectRoot.resolve(FOLDER).resolve("sessions"))) {
            if (ownerAlive(session)) {
                continue;
            }
            for (Map.Entry<Long, Long> g : GroupRegistry.read(session.resolve("groups")).entrySet()) {
                long pgid = g.getKey();
                long start = g.getValue();
                OptionalLong now = ProcStat.startTime(pgid);
                boolean leaderIsOurs = now.isPresent() && (start < 0 || now.getAsLong() == start);
                boolean groupAlive = pgid > 1 && PosixSignals.groupAlive(pgid);
                if (groupAlive && (leaderIsOurs || now.isEmpty())) {
                    found.add(new Leftover(pgid, start, session));
                }
            }
        }
        return found;
    }

    /** SIGTERM to each leftover group, SIGKILL after the timeout; forgets them. */
    public static void stop(List<Leftover> leftovers, Duration timeout) throws InterruptedException {
        for (Leftover l : leftovers) {
            PosixSignals.signalGroup(l.pgid(), 15);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && leftovers.stream().anyMatch(l -> PosixSignals.groupAlive(l.pgid()))) {
            Thread.sleep(50);
        }
        for (Leftover l : leftovers) {
            if (PosixSignals.groupAlive(l.pgid())) {
                PosixSignals.signalGroup(l.pgid(), 9);
            }
            try {
                Files.deleteIfExists(l.session().resolve("groups"));
            } catch (IOException e) {
                // Found again next time, and again checked by start time.
            }
        }
    }

    private static boolean hasLiveGroups(Path session) {
        return GroupRegistry.read(session.resolve("groups")).keySet().stream()
                .anyMatch(pgid -> pgid > 1 && PosixSignals.groupAlive(pgid));
    }

    /** Describes leftovers for a message: "pgid 123 (leader started at tick 456)". */
    public static String describe(List<Leftover> leftovers) {
        return leftovers.stream().map(l -> "process group " + l.pgid() + " from " + l.session().getFileName())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static boolean ownerAlive(Path session) {
        try {
            String[] f = Files.readString(session.resolve("owner")).trim().split(" ");
            return ProcStat.isSameProcess(Long.parseLong(f[0]), Long.parseLong(f[1]));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<Path> sessionDirs(Path sessions) {
        if (!Files.isDirectory(sessions)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(sessions)) {
            return s.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void prune(Path sessions) {
        List<Path> dirs = new ArrayList<>(sessionDirs(sessions));
        int excess = dirs.size() - (KEEP_SESSIONS - 1);
        for (int i = 0; i < dirs.size() && excess > 0; i++) {
            Path d = dirs.get(i);
            if (ownerAlive(d) || hasLiveGroups(d)) {
                continue; // running, or still holding leftovers to report
            }
            deleteTree(d);
            excess--;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Left for the next prune.
                }
            });
        } catch (IOException e) {
            // Left for the next prune.
        }
    }
}
