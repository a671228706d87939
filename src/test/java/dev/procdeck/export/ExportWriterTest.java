package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportWriterTest {
    @TempDir
    Path dir;

    private final List<ExportedFile> files = List.of(new ExportedFile("a.service", "A\n"),
            new ExportedFile("b-secret.yaml", "B\n", true));

    @Test
    void writesIntoANewOrEmptyFolder() throws Exception {
        Path out = dir.resolve("new/deeper");
        assertThat(ExportWriter.write(out, files, false)).containsExactly(out.resolve("a.service"), out.resolve("b-secret.yaml"));
        assertThat(Files.readString(out.resolve("a.service"))).isEqualTo("A\n");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        ExportWriter.write(empty, files, false);
        assertThat(Files.readString(empty.resolve("b-secret.yaml"))).isEqualTo("B\n");
    }

    @Test
    void aFolderWithFilesNeedsForceAndThenSameNamesAreReplaced() throws Exception {
        Files.writeString(dir.resolve("other.txt"), "keep");
        Files.writeString(dir.resolve("a.service"), "old and longer\n");
        assertThatThrownBy(() -> ExportWriter.write(dir, files, false))
                .isInstanceOf(ExportWriter.ExportWriteException.class).hasMessageContaining("is not empty")
                .hasMessageContaining("--force");
        assertThat(Files.readString(dir.resolve("a.service"))).isEqualTo("old and longer\n");
        ExportWriter.write(dir, files, true);
        assertThat(Files.readString(dir.resolve("a.service"))).isEqualTo("A\n");
        assertThat(Files.readString(dir.resolve("other.txt"))).isEqualTo("keep");
    }

    @Test
    void neverWritesThroughASymbolicLink() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertThatThrownBy(() -> ExportWriter.write(link, files, true)).hasMessageContaining("symbolic link");
        assertThat(real).isEmptyDirectory();

        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.createSymbolicLink(out.resolve("a.service"), victim);
        assertThatThrownBy(() -> ExportWriter.write(out, files, true)).hasMessageContaining("a.service is a symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("untouched");
        assertThat(out.resolve("b-secret.yaml")).doesNotExist(); // checked before anything is written
    }

    @Test
    void aFileNameCannotLeaveTheFolder() {
        assertThatThrownBy(() -> new ExportedFile("../x", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExportedFile("..", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
