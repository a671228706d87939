package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLoaderTest {
    @TempDir
    Path dir;

    @Test
    void loadsProcfileAndDefaultDotEnv() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\n");
        Files.writeString(dir.resolve(".env"), "A=$USER-x\n");
        Project p = ProjectLoader.load(dir, null, List.of(), Map.of("USER", "me"));
        assertThat(p.root()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(p.dotEnv()).containsEntry("A", "me-x");
    }

    @Test
    void laterEnvFilesWinAndSeeEarlierValues() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\n");
        Files.writeString(dir.resolve("a.env"), "A=1\nB=1\n");
        Files.writeString(dir.resolve("b.env"), "B=2\nC=${A}3\n");
        Project p = ProjectLoader.load(dir, null, List.of(Path.of("a.env"), Path.of("b.env")), Map.of());
        assertThat(p.dotEnv()).containsEntry("A", "1").containsEntry("B", "2").containsEntry("C", "13");
    }

    @Test
    void missingThingsNameThePathLookedFor() {
        assertThatThrownBy(() -> ProjectLoader.load(dir.resolve("nope"), null, List.of(), Map.of()))
                .hasMessageContaining("nope").hasMessageContaining("folder not found");
        assertThatThrownBy(() -> ProjectLoader.load(dir, null, List.of(), Map.of()))
                .hasMessageContaining(dir.resolve("Procfile").toString()).hasMessageContaining("no Procfile found");
    }

    @Test
    void aProcfileOrEnvFileThatIsAFifoOrDeviceIsNamedAsSuchNotAsMissing() throws Exception {
        Files.createSymbolicLink(dir.resolve("Procfile"), Path.of("/dev/zero"));
        assertThatThrownBy(() -> ProjectLoader.load(dir, null, List.of(), Map.of()))
                .hasMessageContaining(dir.resolve("Procfile").toString())
                .hasMessageContaining("not a regular file").hasMessageNotContaining("no Procfile found");
        Files.delete(dir.resolve("Procfile"));
        Files.writeString(dir.resolve("Procfile"), "web: ./web\n");
        Path fifo = dir.resolve("fifo.env");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> ProjectLoader.load(dir, null, List.of(Path.of("fifo.env")), Map.of()))
                .hasMessageContaining("fifo.env").hasMessageContaining("not a regular file")
                .hasMessageNotContaining("env file not found");
        Files.createDirectories(dir.resolve("conf"));
        assertThatThrownBy(() -> ProjectLoader.load(dir, null, List.of(Path.of("conf")), Map.of()))
                .hasMessageContaining("conf").hasMessageContaining("a folder, not an env file");
    }

    @Test
    void theDefaultDotEnvAsAFifoOrDeviceIsAnErrorNotSilentlySkippedButAVirtualenvFolderIsFine() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\n");
        Files.createDirectories(dir.resolve(".env")); // python -m venv .env
        assertThat(ProjectLoader.load(dir, null, List.of(), Map.of()).dotEnv()).isEmpty();
        Files.delete(dir.resolve(".env"));
        Files.createSymbolicLink(dir.resolve(".env"), Path.of("/dev/zero"));
        // Skipping it would run the app without its settings and say nothing; reading it would never end.
        assertThatThrownBy(() -> ProjectLoader.load(dir, null, List.of(), Map.of()))
                .hasMessageContaining(dir.resolve(".env").toString()).hasMessageContaining("not a regular file");
    }

    @Test
    void missingNamedEnvFileIsAnError() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\n");
        assertThatThrownBy(() -> ProjectLoader.load(dir, null, List.of(Path.of("missing.env")), Map.of()))
                .hasMessageContaining("missing.env").hasMessageContaining("env file not found");
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws Exception {
        Files.write(dir.resolve("Procfile"), new byte[] {'w', 'e', 'b', ':', ' ', 'a', '\n', 'x', ':', ' ', (byte) 0xff, '\n'});
        assertThatThrownBy(() -> ProjectLoader.load(dir, null, List.of(), Map.of()))
                .hasMessageContaining("Procfile:2: error: not valid UTF-8");
    }

    @Test
    void procfileOptionNamingAFolderMeansItsProcfileAndRunsThere() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("Procfile"), "web: ./web\n");
        Files.writeString(app.resolve(".env"), "FROM=app\n");
        Project p = ProjectLoader.load(null, app, List.of(), Map.of());
        assertThat(p.procfilePath()).isEqualTo(app.resolve("Procfile").toAbsolutePath());
        assertThat(p.root()).as("the working dir is the folder, not its parent").isEqualTo(app.toAbsolutePath());
        assertThat(p.dotEnv()).containsEntry("FROM", "app");
        assertThat(ProjectLoader.load(dir, Path.of("app"), List.of(), Map.of()).procfilePath())
                .isEqualTo(app.resolve("Procfile").toAbsolutePath());
    }

    @Test
    void aOneOffNeedsNoProcfileButANamedOneMustExist() throws Exception {
        Files.writeString(dir.resolve(".env"), "ONLY=env\n");
        Project p = ProjectLoader.load(dir, null, List.of(), Map.of(), false);
        assertThat(p.procfile().types()).isEmpty();
        assertThat(p.dotEnv()).containsEntry("ONLY", "env");
        assertThatThrownBy(() -> ProjectLoader.load(dir, Path.of("Procfile.dev"), List.of(), Map.of(), false))
                .hasMessageContaining("no Procfile found");
    }
}
