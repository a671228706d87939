package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogStream;
import dev.procdeck.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFolderTest {
    /** The marker a supervisor would have put into the instances of the session under test. */
    private static final String MARK = GroupRecord.newMarker();

    @TempDir
    Path tmp;

    private Map<String, String> env() {
        return Map.of("XDG_STATE_HOME", tmp.resolve("xdg").toString());
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void stateLivesUnderXdgStateHomeElseHomeFromTheEnvironment() {
        assertThat(StateFolder.stateRoot(Map.of("XDG_STATE_HOME", "/x/state", "HOME", "/h")))
                .isEqualTo(Path.of("/x/state/procdeck"));
        assertThat(StateFolder.stateRoot(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.local/state/procdeck"));
        assertThat(StateFolder.stateRoot(Map.of("XDG_STATE_HOME", "relative", "HOME", "/h")))
                .as("the XDG spec ignores relative paths").isEqualTo(Path.of("/h/.local/state/procdeck"));
        assertThat(StateFolder.stateRoot(Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".local/state/procdeck"));
    }

    @Test
    void oneFolderPerProjectKeyedByItsCanonicalPath() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("one/demo"));
        Path b = Files.createDirectories(tmp.resolve("two/demo"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), a);
        StateFolder sa = StateFolder.of(a, env());
        assertThat(sa.project().getFileName().toString()).matches("demo-[0-9a-f]{8}");
        assertThat(StateFolder.of(b, env()).project()).isNotEqualTo(sa.project());
        assertThat(StateFolder.of(link, env()).project()).isEqualTo(sa.project());
        assertThat(sa.project().getParent()).isEqualTo(tmp.resolve("xdg/procdeck"));
    }

    @Test
    void foldersAre0700AndFiles0600FromTheStart() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("demo"));
        Session session = Session.open(project, Duration.ofSeconds(1), env());
        try {
            LogBus bus = new LogBus(Clock.systemUTC());
            bus.addListener(session.log());
            bus.publish("web.1", LogStream.STDOUT, List.of("DATABASE_URL=postgres://secret"));
            try (Groups groups = new Groups()) {
                GroupRecord g = groups.sleeper(MARK);
                session.groupStarted(g.pgid(), g.startTime(), g.marker());
                Path file = session.dir().resolve("groups");
                Await.until(Duration.ofSeconds(5), () -> Files.exists(file), "the groups file");
                session.groupEnded(g.pgid());
            }
        } finally {
            session.close();
        }
        StateFolder state = StateFolder.of(project, env());
        Path dir = session.dir();
        assertThat(dir).startsWith(state.sessions());
        for (Path d : List.of(state.root(), state.project(), state.sessions(), dir)) {
            assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(files::add);
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("owner", "groups", "output-0001.log");
        for (Path f : files) {
            assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
        }
        try (Stream<Path> s = Files.list(project)) {
            assertThat(s.toList()).as("nothing is written into the project").isEmpty();
        }
    }

    @Test
    void aWideStateFolderOfOursIsNarrowed() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("xdg/procdeck"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        StateFolder state = StateFolder.of(Files.createDirectories(tmp.resolve("demo")), env());
        state.prepare();
        assertThat(mode(root)).isEqualTo("rwx------");
        assertThat(mode(state.project())).isEqualTo("rwx------");
    }

    @Test
    void aStateFolderThatIsASymlinkIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createDirectories(tmp.resolve("xdg"));
        Files.createSymbolicLink(tmp.resolve("xdg/procdeck"), elsewhere);
        Path project = Files.createDirectories(tmp.resolve("demo"));
        assertThatThrownBy(() -> StateFolder.of(project, env()).prepare()).hasMessageContaining("symbolic link");

        Session session = Session.open(project, Duration.ofSeconds(1), env());
        List<String> messages = new ArrayList<>();
        session.publishTo(messages::add);
        session.close();
        assertThat(session.dir()).isNull();
        assertThat(messages).singleElement().asString().contains("state folder not writable", "symbolic link",
                "watchdog keeps the process groups in memory");
        try (Stream<Path> s = Files.list(elsewhere)) {
            assertThat(s.toList()).as("nothing written through the link").isEmpty();
        }
    }

    @Test
    void aStateFolderOfAnotherUserIsRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can hand a folder to another user");
        Path root = Files.createDirectories(tmp.resolve("xdg/procdeck"));
        Files.setOwner(root, root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Path project = Files.createDirectories(tmp.resolve("demo"));
        assertThatThrownBy(() -> StateFolder.of(project, env()).prepare()).hasMessageContaining("belongs to nobody");
        List<String> problems = new ArrayList<>();
        assertThat(Session.leftovers(StateFolder.of(project, env()), problems::add)).isEmpty();
        assertThat(problems).singleElement().asString().contains("belongs to nobody");
    }

    @Test
    void plantedFilesAreNeverWrittenThroughNorReadWhenHuge() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "precious");
        Path dir = Files.createDirectories(tmp.resolve("state"));
        Path link = Files.createSymbolicLink(dir.resolve("output-0001.log"), outside);
        assertThatThrownBy(() -> StateFolder.createPrivateFile(link)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> StateFolder.readSmallFile(link, 100)).hasMessageContaining("not a regular file");
        Path huge = Files.write(dir.resolve("groups"), new byte[100_000]);
        assertThatThrownBy(() -> StateFolder.readSmallFile(huge, 64 * 1024)).hasMessageContaining("too large");
        assertThat(Files.readString(outside)).isEqualTo("precious");
    }
}
