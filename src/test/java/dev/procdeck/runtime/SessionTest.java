package dev.procdeck.runtime;

import dev.procdeck.procfile.RestartMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.logs.LogBus;
import dev.procdeck.os.ProcStat;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.RestartPolicy;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorSettings;
import dev.procdeck.testing.Await;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
    @TempDir
    Path dir;

    @Test
    void aMillionLinesAllReachTheSessionLogInOrderPerInstanceAcrossRotations() throws Exception {
        int perType = 250_000;
        StringBuilder procfile = new StringBuilder();
        for (int k = 1; k <= 4; k++) {
            procfile.append("p").append(k).append(": awk 'BEGIN{for(i=1;i<=").append(perType)
                    .append(";i++) print \"line\", i}'\n");
        }
        Project project = new Project(dir, dir.resolve("Procfile"), ProcfileParser.parse("Procfile", procfile.toString()),
                Map.of(), List.of());
        LogBus bus = new LogBus(Clock.systemUTC());
        Path sessionDir = dir.resolve("session");
        SessionLog log = new SessionLog(sessionDir, 8 * 1024 * 1024, 1000);
        bus.addListener(log);
        try (Supervisor s = new Supervisor(project, SupervisorSettings.defaults(5000)
                .withDefaultPolicy(RestartPolicy.of(RestartMode.NEVER)), new PosixProcessLauncher(), bus,
                Clock.systemUTC(), System.getenv())) {
            s.start(Map.of("p1", 1, "p2", 1, "p3", 1, "p4", 1)).get();
            Await.until(Duration.ofSeconds(60), () -> s.snapshots().stream()
                    .allMatch(i -> i.state() == InstanceState.EXITED), "all four to finish");
        }
        log.close();
        List<Path> files = SessionLog.files(sessionDir);
        assertThat(files.size()).as("rotated by size").isGreaterThan(5);
        Map<String, Integer> last = new HashMap<>();
        long lines = 0;
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    int bar = line.indexOf(" | line ");
                    if (bar < 0) {
                        continue; // lifecycle events
                    }
                    String instance = line.substring(line.lastIndexOf(' ', bar - 1) + 1, bar);
                    int n = Integer.parseInt(line.substring(bar + 8));
                    int expected = last.getOrDefault(instance, 0) + 1;
                    assertThat(n).as("line of %s in %s", instance, f.getFileName()).isEqualTo(expected);
                    last.put(instance, n);
                    lines++;
                }
            }
        }
        assertThat(lines).isEqualTo(4L * perType);
        assertThat(last).containsEntry("p1.1", perType).containsEntry("p4.1", perType);
    }

    @Test
    void oldestLogFilesOfARunawaySessionAreDropped() throws Exception {
        SessionLog log = new SessionLog(dir, 100, 3);
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(log);
        for (int i = 0; i < 50; i++) {
            bus.publish("web.1", dev.procdeck.logs.LogStream.STDOUT, List.of("a line of some forty characters " + i));
        }
        log.close();
        List<Path> files = SessionLog.files(dir);
        assertThat(files).hasSize(3);
        assertThat(Files.readString(files.get(2))).contains("characters 49");
    }

    private Map<String, String> env() {
        return Map.of("XDG_STATE_HOME", dir.resolve("xdg").toString());
    }

    /** A session folder of an earlier procdeck that is gone (pid 1 never has start time 1). */
    private Path deadSession(StateFolder state, String name, String groups) throws Exception {
        state.prepare();
        Path old = Files.createDirectory(state.sessions().resolve(name));
        Files.writeString(old.resolve("owner"), "1 1\n");
        if (groups != null) {
            Files.writeString(old.resolve("groups"), groups);
        }
        return old;
    }

    @Test
    void aGroupLeftByADeadOwnerIsFoundAndStoppedThroughTheTerminator() throws Exception {
        Path project = Files.createDirectories(dir.resolve("demo"));
        StateFolder state = StateFolder.of(project, env());
        try (Groups groups = new Groups()) {
            String marker = GroupRecord.newMarker();
            GroupRecord leftover = groups.start("sleep 300", marker);
            deadSession(state, "20200101-000000-1", leftover.line() + "\n");
            List<String> problems = new ArrayList<>();
            List<Session.Leftover> found = Session.leftovers(state, problems::add);
            assertThat(problems).isEmpty();
            assertThat(found).extracting(Session.Leftover::pgid).containsExactly(leftover.pgid());
            Session.stop(found, Duration.ofSeconds(2));
            Await.until(Duration.ofSeconds(10), () -> !Groups.alive(leftover.pgid()), "the leftover to be stopped");
            assertThat(Session.leftovers(state, problems::add)).isEmpty();
        }
    }

    @Test
    void badRecordsAreReportedAndSkippedNeverSignalled() throws Exception {
        Path project = Files.createDirectories(dir.resolve("demo"));
        StateFolder state = StateFolder.of(project, env());
        try (Groups groups = new Groups()) {
            String marker = GroupRecord.newMarker();
            GroupRecord unmarked = groups.sleeper(null); // a live group procdeck did not start
            GroupRecord marked = groups.sleeper(marker);
            long own = dev.procdeck.os.PosixSignals.ownGroup();
            String lines = "-1 0 " + marker + "\n"
                    + "0 0 " + marker + "\n"
                    + "1 1 " + marker + "\n"
                    + "-1\n"
                    + "garbage here\n"
                    + "99999999999999999999 1 " + marker + "\n"
                    + own + " " + ProcStat.startTime(own).orElse(1) + " " + marker + "\n"
                    + unmarked.line() + "\n"
                    + marked.pgid() + " " + (marked.startTime() + 1) + " " + marker + "\n";
            deadSession(state, "20200101-000000-1", lines);
            deadSession(state, "20200101-000000-2", "2 2 " + marker + "\n".repeat(70_000));
            List<String> problems = new ArrayList<>();
            assertThat(Session.leftovers(state, problems::add)).isEmpty();
            assertThat(problems).anyMatch(m -> m.contains("line 1 ") && m.contains("malformed"))
                    .anyMatch(m -> m.contains("line 2 ") && m.contains("out of range"))
                    .anyMatch(m -> m.contains("line 3 ") && m.contains("out of range"))
                    .anyMatch(m -> m.contains("line 4 ") && m.contains("malformed"))
                    .anyMatch(m -> m.contains("line 5 ") && m.contains("malformed"))
                    .anyMatch(m -> m.contains("line 6 "))
                    .anyMatch(m -> m.contains("process group " + unmarked.pgid()) && m.contains("marker"))
                    .anyMatch(m -> m.contains("process group " + marked.pgid()) && m.contains("start time"))
                    .anyMatch(m -> m.contains("too large"));
            if (own > 1) {
                assertThat(problems).anyMatch(m -> m.contains("process group " + own) && m.contains("own"));
            }
            assertThat(Groups.alive(unmarked.pgid())).isTrue();
            assertThat(Groups.alive(marked.pgid())).isTrue();
            assertThat(GroupRecord.parse(marked.argument())).isEqualTo(marked);
        }
    }

    @Test
    void aHostileProjectFolderIsNeitherTrustedNorTouched() throws Exception {
        // A cloned repository shipping .procdeck/ whose sessions link to ../.. (the folder holding the project)
        // and whose "sessions" name -1 and a live group of the user's with its real start time.
        Path outer = Files.createDirectories(dir.resolve("home"));
        for (int i = 0; i < 15; i++) {
            Path d = Files.createDirectories(outer.resolve(String.format("20000101-0000%02d-1", i)));
            Files.writeString(d.resolve("owner"), "1 1\n");
            Files.writeString(d.resolve("precious.txt"), "keep me");
        }
        Path project = Files.createDirectories(outer.resolve("clone"));
        Files.createDirectories(project.resolve(".procdeck"));
        Files.createSymbolicLink(project.resolve(".procdeck/sessions"), Path.of("../.."));
        try (Groups groups = new Groups()) {
            GroupRecord victim = groups.sleeper(null);
            String planted = "-1 0\n-1 0 " + GroupRecord.newMarker() + "\n" + victim.pgid() + " " + victim.startTime()
                    + "\n" + victim.line() + "\n";
            Files.writeString(project.resolve(".procdeck/groups"), planted);
            for (int i = 0; i < 15; i++) {
                Files.writeString(outer.resolve(String.format("20000101-0000%02d-1", i)).resolve("groups"), planted);
            }
            List<Path> before = tree(outer);

            // What start and the dashboard do on opening a project.
            List<String> problems = new ArrayList<>();
            List<Session.Leftover> leftovers = Session.leftovers(StateFolder.of(project, env()), problems::add);
            Session.stop(leftovers, Duration.ofSeconds(1));
            Session session = Session.open(project, Duration.ofSeconds(1), env());
            // ...and start: every group is recorded, with the supervisor's marker, in the state folder only.
            Files.writeString(project.resolve("Procfile"), "web: sleep 300\n");
            Project loaded = new Project(project, project.resolve("Procfile"),
                    ProcfileParser.parse("Procfile", "web: sleep 300\n"), Map.of(), List.of());
            try (Supervisor s = new Supervisor(loaded, SupervisorSettings.defaults(5000), new PosixProcessLauncher(),
                    new LogBus(Clock.systemUTC()), Clock.systemUTC(), System.getenv())) {
                session.attach(s);
                s.start(Map.of("web", 1)).get();
                Path groupsFile = session.dir().resolve("groups");
                Await.until(Duration.ofSeconds(10), () -> GroupRegistry.read(groupsFile).records().stream()
                        .anyMatch(r -> r.marker().equals(s.marker()) && r.verify() == GroupRecord.Status.OURS),
                        "the web group recorded with the supervisor's marker");
                s.stopAll().get();
            }
            session.close();
            Files.delete(project.resolve("Procfile"));
            List<Path> after = tree(outer);

            assertThat(leftovers).isEmpty();
            assertThat(after).as("nothing outside the state folder touched").isEqualTo(before);
            assertThat(Groups.alive(victim.pgid())).as("no signal sent").isTrue();
            assertThat(session.dir()).startsWith(dir.resolve("xdg"));
        }
    }

    private static List<Path> tree(Path root) throws Exception {
        try (var s = Files.walk(root)) {
            return s.sorted().toList();
        }
    }

    @Test
    void sessionsArePrunedToTheMostRecentWithoutFollowingPlantedSymlinks() throws Exception {
        Path project = Files.createDirectories(dir.resolve("demo"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("precious.txt"), "keep me");
        Files.createDirectories(outside.resolve("20000101-000000-1"));
        StateFolder state = StateFolder.of(project, env());
        for (int i = 0; i < 15; i++) {
            Path d = deadSession(state, String.format("20200101-0000%02d-1", i), null);
            Files.createSymbolicLink(d.resolve("link"), outside);
        }
        Files.createSymbolicLink(state.sessions().resolve("20000101-000000-1"), outside);
        Files.createSymbolicLink(state.sessions().resolve("20000101-000000-2"), dir);
        Session s = Session.open(project, Duration.ofSeconds(1), env());
        s.close();
        assertThat(StateFolder.subfolders(state.sessions())).hasSize(Session.KEEP_SESSIONS);
        assertThat(Files.readString(outside.resolve("precious.txt"))).isEqualTo("keep me");
        assertThat(outside.resolve("20000101-000000-1")).isDirectory();
        assertThat(project).isEmptyDirectory();
    }

    @Test
    void sessionLogsOfAProjectStayWithinOneTotalOldestSessionsFirst() throws Exception {
        Path project = Files.createDirectories(dir.resolve("big"));
        StateFolder state = StateFolder.of(project, env());
        long mib = 1024L * 1024;
        for (int i = 0; i < 5; i++) {
            Path d = deadSession(state, String.format("20200101-0000%02d-1", i), null);
            try (var f = new java.io.RandomAccessFile(d.resolve("output-0001.log").toFile(), "rw")) {
                f.setLength(300 * mib); // sparse: the size counts, the disk is not filled
            }
        }
        // 1,500 MiB in five sessions under a 1 GiB cap: the oldest go until at most half is left to them.
        long kept = Session.prune(state, 1024 * mib);
        assertThat(kept).isEqualTo(300 * mib + "1 1\n".length()); // the log and the owner file
        assertThat(StateFolder.subfolders(state.sessions())).extracting(d -> d.getFileName().toString())
                .containsExactly("20200101-000004-1");
    }

    @Test
    void aSessionWhoseOwnerRunsIsNeverDeletedForSpace() throws Exception {
        Path project = Files.createDirectories(dir.resolve("live"));
        StateFolder state = StateFolder.of(project, env());
        Path live = deadSession(state, "20200101-000000-1", null);
        long self = ProcessHandle.current().pid();
        Files.writeString(live.resolve("owner"), self + " " + dev.procdeck.os.ProcStat.startTime(self).orElse(-1) + "\n");
        try (var f = new java.io.RandomAccessFile(live.resolve("output-0001.log").toFile(), "rw")) {
            f.setLength(900L * 1024 * 1024);
        }
        assertThat(Session.prune(state, 1024L * 1024 * 1024)).isEqualTo(900L * 1024 * 1024 + Files.size(live.resolve("owner")));
        assertThat(live).isDirectory();
    }

    @Test
    void aGroupThatCannotBeRecordedIsADebugNoteNotAConsoleLine() throws Exception {
        // Found: "not recording process group 4242 has no valid start time; ..." reached the user's console.
        Path project = Files.createDirectories(dir.resolve("quick"));
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(Session.class.getName());
        List<String> debug = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                debug.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Level was = jul.getLevel();
        jul.setLevel(java.util.logging.Level.FINE);
        capture.setLevel(java.util.logging.Level.FINE);
        jul.addHandler(capture);
        Session s = Session.open(project, Duration.ofSeconds(1), env());
        try {
            List<String> console = new java.util.concurrent.CopyOnWriteArrayList<>();
            s.publishTo(console::add);
            s.groupStarted(4242, -1, "m");
            assertThat(console).noneMatch(m -> m.contains("not recording") || m.contains("start time"));
            assertThat(debug).anyMatch(m -> m.startsWith("not recording process group 4242"));
        } finally {
            s.close();
            jul.removeHandler(capture);
            jul.setLevel(was);
        }
    }

    @Test
    void aSecondSessionOfTheSameProjectIsRefusedUntilTheFirstEnds() throws Exception {
        Path project = Files.createDirectories(dir.resolve("once"));
        Session first = Session.open(project, Duration.ofSeconds(1), env());
        try {
            assertThatThrownBy(() -> Session.open(project, Duration.ofSeconds(1), env()))
                    .isInstanceOf(StateFolder.AlreadyRunning.class)
                    .hasMessage("procdeck (pid " + ProcessHandle.current().pid() + ") already runs this project");
        } finally {
            first.close();
        }
        Session again = Session.open(project, Duration.ofSeconds(1), env());
        // Another project runs beside it: the lock is the project's, not the user's.
        Session other = Session.open(Files.createDirectories(dir.resolve("another")), Duration.ofSeconds(1), env());
        other.close();
        again.close();
    }

    @Test
    void theNextStartFindsWhatCarriesADeadSessionsMarkerRecordedOrNot() throws Exception {
        Path project = Files.createDirectories(dir.resolve("marked"));
        StateFolder state = StateFolder.of(project, env());
        String marker = GroupRecord.newMarker();
        Path dead = deadSession(state, "20200101-000000-1", null);
        Files.writeString(dead.resolve(Session.MARKER_FILE), marker + "\n");
        try (Groups groups = new Groups()) {
            GroupRecord escaped = groups.sleeper(marker); // in no groups file
            GroupRecord other = groups.sleeper(GroupRecord.newMarker());
            List<Session.Leftover> found = Session.leftovers(state, m -> { });
            assertThat(found).extracting(Session.Leftover::pgid).containsExactly(escaped.pgid());
            assertThat(found).extracting(Session.Leftover::pgid).doesNotContain(other.pgid());
        }
    }
}
