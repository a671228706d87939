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

    @Test
    void aFolderOthersMayWriteToIsRefusedWithTheFix() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> ExportWriter.write(open, files, false))
                .isInstanceOf(ExportWriter.ExportWriteException.class)
                .hasMessage(open + " can be written by every user (mode rwxrwxrwx), who could change the exported"
                        + " files before they are installed: chmod go-w " + open + ", or export into a folder of your own");
        assertThat(open.resolve("a.service")).doesNotExist();
    }

    @Test
    void aHardLinkPlantedWhereAFileGoesIsReplacedNotWrittenThrough() throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        Path hers = Files.writeString(dir.resolve("hers.txt"), "her file\n");
        Files.createLink(out.resolve("b-secret.yaml"), hers);
        ExportWriter.write(out, files, true);
        assertThat(Files.readString(hers)).isEqualTo("her file\n");
        assertThat(Files.readString(out.resolve("b-secret.yaml"))).isEqualTo("B\n");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("b-secret.yaml"))))
                .isEqualTo("rw-------");
        try (var left = Files.list(out)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.service", "b-secret.yaml");
        }
    }

    @Test
    void aFolderAnotherUserOwnsIsRefusedEvenForRoot() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can give a folder to another user");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        var nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(theirs, nobody);
        assertThatThrownBy(() -> ExportWriter.write(theirs, files, false))
                .isInstanceOf(ExportWriter.ExportWriteException.class)
                .hasMessageStartingWith(theirs + " belongs to nobody, not to root;");
        assertThat(theirs.resolve("b-secret.yaml")).doesNotExist();
    }

    @Test
    void aNewFolderIsCreatedOursAloneToWriteWhateverTheUmask() throws Exception {
        Path out = dir.resolve("fresh/er");
        ExportWriter.write(out, files, false);
        assertThat(Files.getPosixFilePermissions(out)).doesNotContain(
                java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    }
}
