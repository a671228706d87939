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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes exported files into a folder. It refuses a folder that is not empty unless forced (a typo must not mix
 * an export into /etc/systemd/system unasked), and never follows a symbolic link: not the folder itself, not a
 * file in it (a link planted where a unit goes would otherwise redirect the write anywhere). It refuses a folder
 * that another user owns or that others may write to: whoever can write there can swap a unit's ExecStart=
 * before it is copied into place, or plant a hard link to read a Secret. Each file is written under a fresh name
 * created exclusively ({@code O_CREAT|O_EXCL}, no link followed) and renamed over the target, so an existing
 * file, or a hard link someone made to a file of theirs, is replaced rather than written through.
 */
public final class ExportWriter {
    private static final Set<PosixFilePermission> SECRET_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

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
            requireOnlyOursToWrite(dir);
            if (!force && !isEmpty(dir)) {
                throw new ExportWriteException(dir + " is not empty; export into an empty or new folder, or add"
                        + " --force to write beside what is there (files of the same names are replaced)");
            }
        } else {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(FOLDER_MODE)); // the umask may narrow it
            requireOnlyOursToWrite(dir);
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

    /**
     * A folder another user owns, or one that group or others may write to, is refused with the fix: the export's
     * files would be theirs to change before anyone installs them.
     */
    static void requireOnlyOursToWrite(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal me = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        if (!a.owner().equals(me)) {
            throw new ExportWriteException(dir + " belongs to " + a.owner().getName() + ", not to "
                    + me.getName() + "; whoever owns it can change the exported files before they are installed:"
                    + " export into a folder of your own");
        }
        Set<PosixFilePermission> mode = a.permissions();
        // A group of one's own name is the user's private group (Debian's umask 002 makes folders group-writable).
        boolean othersInGroup = mode.contains(PosixFilePermission.GROUP_WRITE) && !a.group().getName().equals(me.getName());
        if (othersInGroup || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new ExportWriteException(dir + " can be written by " + (mode.contains(PosixFilePermission.OTHERS_WRITE)
                    ? "every user" : "its group") + " (mode " + PosixFilePermissions.toString(mode) + "), who could"
                    + " change the exported files before they are installed: chmod go-w " + dir
                    + ", or export into a folder of your own");
        }
    }

    private static void writeFile(Path target, ExportedFile f) throws IOException {
        Set<PosixFilePermission> mode = f.secret() ? SECRET_MODE : PUBLIC_MODE;
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + Long.toUnsignedString(
                RANDOM.nextLong(), 36) + ".tmp");
        // CREATE_NEW is O_CREAT|O_EXCL: a name that exists (a planted file, link or hard link) fails the open
        // instead of being written through; NOFOLLOW_LINKS adds O_NOFOLLOW.
        Set<OpenOption> options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW,
                LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel ch = Files.newByteChannel(temporary, options,
                PosixFilePermissions.asFileAttribute(SECRET_MODE))) {
            // Created 0600 (narrowed further by the umask at most), widened only once complete: a Secret is never
            // readable by others, not even while it is being written.
            ByteBuffer bytes = ByteBuffer.wrap(f.content().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            Files.setPosixFilePermissions(temporary, mode);
            // A rename replaces the name, never the file behind it: a hard link to someone's file keeps its content.
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new ExportWriteException(temporary + " appeared while writing; try again");
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
}
