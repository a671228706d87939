package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog stops what procdeck started once procdeck's end of its pipe closes, and nothing else. */
class WatchdogTest {
    /** The marker a supervisor would have put into the instances of the session under test. */
    private static final String MARK = GroupRecord.newMarker();

    @TempDir
    Path dir;

    private Map<String, String> env() {
        return Map.of("XDG_STATE_HOME", dir.resolve("xdg").toString());
    }

    /**
     * A state home procdeck cannot write: chmod 0500, and for root (whom modes do not stop) a path beneath a
     * regular file, which no one can create folders in.
     */
    private Map<String, String> readOnlyEnv() throws Exception {
        Path xdg = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(xdg, PosixFilePermissions.fromString("r-x------"));
        if ("root".equals(System.getProperty("user.name"))) {
            Path file = Files.writeString(dir.resolve("a-file"), "");
            return Map.of("XDG_STATE_HOME", file.resolve("state").toString());
        }
        return Map.of("XDG_STATE_HOME", xdg.toString());
    }

    /** What a SIGKILL of procdeck does to the watchdog: its end of the pipe closes with groups recorded. */
    private static void simulateDeath(Session session) throws Exception {
        var pipe = Session.class.getDeclaredField("watchdogPipe");
        pipe.setAccessible(true);
        ((OutputStream) pipe.get(session)).close();
    }

    @Test
    void theWatchdogStopsARealGroupWhenItsPipeClosesEvenWithAReadOnlyStateFolder() throws Exception {
        Path project = Files.createDirectories(dir.resolve("demo"));
        Session session = Session.open(project, Duration.ofSeconds(1), readOnlyEnv());
        List<String> messages = new ArrayList<>();
        session.publishTo(messages::add);
        assertThat(session.dir()).isNull();
        assertThat(messages).singleElement().asString()
                .contains("state folder not writable", "watchdog keeps the process groups in memory");
        try (Groups groups = new Groups()) {
            // Ignores SIGTERM: only the KILL after the timeout ends it.
            GroupRecord g = groups.start("trap '' TERM; sleep 300 & sleep 300 & wait", MARK);
            GroupRecord ended = groups.sleeper(MARK);
            GroupRecord unmarked = groups.sleeper(null);
            session.groupStarted(g.pgid(), g.startTime(), g.marker());
            session.groupStarted(ended.pgid(), ended.startTime(), ended.marker());
            session.groupStarted(unmarked.pgid(), unmarked.startTime(), MARK); // never ours
            session.groupEnded(ended.pgid());
            simulateDeath(session);
            Await.until(Duration.ofSeconds(30), () -> !Groups.alive(g.pgid()),
                    "the watchdog to stop the group (SIGKILL after ignoring SIGTERM)");
            assertThat(Groups.alive(ended.pgid())).as("a group reported ended is forgotten").isTrue();
            assertThat(Groups.alive(unmarked.pgid())).as("a group without the marker is never signalled").isTrue();
        } finally {
            session.close();
        }
    }

    @Test
    void everythingCarryingTheRunsMarkerIsStoppedRecordedOrNot() throws Exception {
        for (String java : new String[] {ProcessHandle.current().info().command().orElse(""), "/nonexistent/java"}) {
            Path project = Files.createDirectories(dir.resolve("escapes" + java.length()));
            Session session = Session.open(project, Duration.ofSeconds(1), env(), java);
            try (Groups groups = new Groups()) {
                session.watchMarker(MARK);
                // Never recorded: its leader exited at once (no start time to record), or it left with setsid.
                GroupRecord escaped = groups.start("trap '' TERM; exec sleep 997", MARK);
                GroupRecord stranger = groups.sleeper(GroupRecord.newMarker());
                simulateDeath(session);
                Await.until(Duration.ofSeconds(30), () -> !Groups.alive(escaped.pgid()),
                        "the watchdog (" + java + ") to stop a group it was never told of, by its marker");
                assertThat(Groups.alive(stranger.pgid())).as("another run's group is never signalled").isTrue();
            } finally {
                session.close();
            }
        }
    }

    @Test
    void theShellFallbackStopsTheGroupWhenJavaCannotRun() throws Exception {
        Path project = Files.createDirectories(dir.resolve("demo"));
        Session session = Session.open(project, Duration.ofSeconds(1), env(), "/nonexistent/java");
        try (Groups groups = new Groups()) {
            GroupRecord g = groups.start("trap '' TERM; sleep 300 & wait", MARK);
            GroupRecord wrongStart = groups.sleeper(MARK);
            session.groupStarted(g.pgid(), g.startTime(), g.marker());
            session.groupStarted(wrongStart.pgid(), wrongStart.startTime() + 1, MARK);
            simulateDeath(session);
            Await.until(Duration.ofSeconds(30), () -> !Groups.alive(g.pgid()), "the shell fallback to stop the group");
            assertThat(Groups.alive(wrongStart.pgid())).as("a reused pid is never signalled").isTrue();
        } finally {
            session.close();
        }
    }

    @Test
    void aCleanCloseLeavesNothingForTheWatchdog() throws Exception {
        Path project = Files.createDirectories(dir.resolve("demo"));
        Session session = Session.open(project, Duration.ofSeconds(1), env());
        try (Groups groups = new Groups()) {
            GroupRecord g = groups.sleeper(MARK);
            session.groupStarted(g.pgid(), g.startTime(), g.marker());
            var field = Session.class.getDeclaredField("watchdog");
            field.setAccessible(true);
            Process watchdog = (Process) field.get(session);
            session.close();
            Await.until(Duration.ofSeconds(10), () -> !watchdog.isAlive(), "the watchdog to exit");
            assertThat(Groups.alive(g.pgid())).isTrue();
            assertThat(GroupRegistry.read(session.dir().resolve("groups")).records()).isEmpty();
        }
    }

    @Test
    void watchdogMainVerifiesEveryArgumentBeforeTerminating() throws Exception {
        try (Groups groups = new Groups()) {
            String marker = GroupRecord.newMarker();
            GroupRecord ours = groups.sleeper(marker);
            GroupRecord other = groups.sleeper(null);
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                    System.getProperty("java.class.path"), WatchdogMain.class.getName(), "1000", ours.argument(),
                    other.argument(), "-1:0:" + marker, "garbage").inheritIO().start();
            assertThat(p.waitFor()).isZero();
            assertThat(Groups.alive(ours.pgid())).isFalse();
            assertThat(Groups.alive(other.pgid())).isTrue();
        }
    }
}
