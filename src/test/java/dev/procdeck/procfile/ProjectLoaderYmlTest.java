package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** procdeck.yml as the loader finds it on disk: beside the Procfile, and never trusted to be a plain file. */
class ProjectLoaderYmlTest {
    @TempDir
    Path dir;

    private Path yml;

    @BeforeEach
    void procfile() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nworker: ./worker\n");
        yml = dir.resolve("procdeck.yml");
    }

    private Project load() throws ProjectFileException {
        return ProjectLoader.load(dir, null, List.of(), Map.of());
    }

    @Test
    void withoutTheFileTheConfigIsNone() throws Exception {
        assertThat(load().config()).isSameAs(ProjectConfig.NONE);
    }

    @Test
    void theFileFillsTheConfigAndItsWarningsAreKept() throws Exception {
        Files.writeString(yml, "formation: {web: 2}\ntypes:\n  web:\n    restart: never\n    restrat: x\n");
        ProjectConfig config = load().config();
        assertThat(config.file()).isEqualTo(yml.toAbsolutePath());
        assertThat(config.formation()).isEqualTo(Map.of("web", 2));
        assertThat(config.type("web").restart()).isEqualTo(RestartMode.NEVER);
        assertThat(config.warnings()).extracting(ParseProblem::toString).containsExactly(
                yml.toAbsolutePath() + ":5:5: warning: unknown key 'restrat' in type 'web' (did you mean restart?);"
                        + " it is ignored");
    }

    @Test
    void errorsNameTheFullPathLineAndColumnAlongsideEnvErrors() throws Exception {
        Files.writeString(yml, "types:\n  web:\n    restart: sometimes\n");
        Files.writeString(dir.resolve(".env"), "BROKEN\n");
        assertThatThrownBy(this::load).isInstanceOf(ProjectFileException.class)
                .hasMessageContaining(".env:1: error:")
                .hasMessageContaining(yml.toAbsolutePath() + ":3:14: error: restart must be always, on-failure or never");
    }

    @Test
    void theFileBesideTheProcfileIsReadNotTheOneInTheWorkingFolder() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("Procfile"), "api: ./api\n");
        Files.writeString(app.resolve("procdeck.yml"), "types: {api: {tty: true}}\n");
        Files.writeString(yml, "this would not parse: [\n");
        Project p = ProjectLoader.load(dir, Path.of("app/Procfile"), List.of(), Map.of());
        assertThat(p.config().type("api").tty()).isTrue();
    }

    @Test
    void aFifoOrASymlinkToOneIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Files.createSymbolicLink(yml, fifo);
        assertThatThrownBy(this::load).hasMessageContaining(yml.toString()).hasMessageContaining("not a regular file");
        Files.delete(yml);
        assertThat(new ProcessBuilder("mkfifo", yml.toString()).start().waitFor()).isZero();
        assertThatThrownBy(this::load).hasMessageContaining(yml.toString()).hasMessageContaining("not a regular file");
    }

    @Test
    void aDeviceADanglingLinkAndAFolderAreEachExplained() throws Exception {
        Files.createSymbolicLink(yml, Path.of("/dev/zero"));
        assertThatThrownBy(this::load).hasMessageContaining("not a regular file");
        Files.delete(yml);
        Files.createSymbolicLink(yml, dir.resolve("nowhere.yml"));
        assertThatThrownBy(this::load).hasMessageContaining("a symbolic link to nothing");
        Files.delete(yml);
        Files.createDirectory(yml);
        assertThatThrownBy(this::load).hasMessageContaining("a folder, not a file");
    }

    @Test
    void aSymlinkToARegularFileIsFollowedLikeForTheProcfile() throws Exception {
        Path real = Files.writeString(dir.resolve("shared.yml"), "types: {worker: {stop_signal: INT}}\n");
        Files.createSymbolicLink(yml, real);
        assertThat(load().config().type("worker").stopSignal()).isEqualTo("INT");
    }

    @Test
    void aHugeFileIsRefusedBeforeItIsRead() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(yml.toFile(), "rw")) {
            f.setLength(ProjectLoader.MAX_FILE_BYTES + 1); // sparse: costs no disk
        }
        assertThatThrownBy(this::load).hasMessageContaining(yml.toString()).hasMessageContaining("larger than the");
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws Exception {
        Files.write(yml, new byte[] {'t', 'y', 'p', 'e', 's', ':', '\n', ' ', ' ', (byte) 0xc3, '\n'});
        assertThatThrownBy(this::load).hasMessageContaining(yml + ":2: error: not valid UTF-8");
    }

    @Test
    void aOneOffWithoutProcfileIgnoresTheFileWhichCouldNameNoType() throws Exception {
        Files.delete(dir.resolve("Procfile"));
        Files.writeString(yml, "types: {web: {tty: true}}\n");
        assertThat(ProjectLoader.load(dir, null, List.of(), Map.of(), false).config()).isSameAs(ProjectConfig.NONE);
    }
}
