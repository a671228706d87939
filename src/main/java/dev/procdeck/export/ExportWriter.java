package dev.procdeck.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes exported files into a folder. It refuses a folder that is not empty unless forced (a typo must not mix
 * an export into /etc/systemd/system unasked), and never follows a symbolic link: not the folder itself, not a
 * file in it (a link planted where a unit goes would otherwise redirect the write anywhere).
 */
public final class ExportWriter {
    private static final Set<PosixFilePermission> SECRET_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private ExportWriter() {
    }

    /** Why nothing (or not everything) was written, in words for the user. */
    public static final class ExportWriteException extends IOException {
        public ExportWriteException(String message) {
            super(message);
        }
    }

    /**
     * @param force also write into a folder that already holds files, replacing those of the same names
     * @return the paths written, in order
     */
    public static List<Path> write(Path outDir, List<ExportedFile> files, boolean force) throws IOException {
        Path dir = outDir.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(dir)) {
            throw new ExportWriteException(dir + " is a symbolic link; procdeck does not write through links, give"
                    + " the real folder");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new ExportWriteException(dir + " exists and is not a folder; give a folder to export into");
            }
            if (!force && !isEmpty(dir)) {
                throw new ExportWriteException(dir + " is not empty; export into an empty or new folder, or add"
                        + " --force to write beside what is there (files of the same names are replaced)");
            }
        } else {
            Files.createDirectories(dir);
        }
        // A replaced file must be a regular file: a FIFO would block the write, a folder cannot be replaced.
        for (ExportedFile f : files) {
            Path target = dir.resolve(f.name());
            if (Files.isSymbolicLink(target)) {
                throw new ExportWriteException(target + " is a symbolic link; procdeck does not write through links,"
                        + " remove it first");
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ExportWriteException(target + " exists and is not a regular file; remove it first");
            }
        }
        List<Path> written = new ArrayList<>();
        for (ExportedFile f : files) {
            Path target = dir.resolve(f.name());
            writeFile(target, f);
            written.add(target);
        }
        return written;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void writeFile(Path target, ExportedFile f) throws IOException {
        Set<PosixFilePermission> mode = f.secret() ? SECRET_MODE : PUBLIC_MODE;
        // NOFOLLOW_LINKS makes the open itself refuse a link that appeared since the check (O_NOFOLLOW).
        Set<OpenOption> options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel ch = Files.newByteChannel(target, options, PosixFilePermissions.asFileAttribute(mode))) {
            ByteBuffer bytes = ByteBuffer.wrap(f.content().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ExportWriteException(target + " appeared while writing; try again");
        } catch (IOException e) {
            if (Files.isSymbolicLink(target)) {
                throw new ExportWriteException(target + " is a symbolic link; procdeck does not write through links,"
                        + " remove it first");
            }
            throw e;
        }
        // The creation mode is filtered by the umask and does not apply to a replaced file: set it explicitly,
        // so that a Secret replaced with --force does not keep a world-readable mode.
        Files.setPosixFilePermissions(target, mode);
    }
}
