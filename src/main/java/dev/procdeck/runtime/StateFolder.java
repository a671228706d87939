package dev.procdeck.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where procdeck keeps its state for one project: {@code $XDG_STATE_HOME/procdeck/<name>-<hash>/} (by default
 * {@code ~/.local/state/procdeck/...}), one folder per project keyed by the project's canonical path. Never
 * inside the project: a cloned repository may ship any files it likes, and nothing in a project folder is
 * trusted or written.
 *
 * <p>Folders are created 0700 and files 0600 in the same system call that creates them (no window in which
 * they are wider than that). An existing procdeck folder that is a symlink, is not a folder, or belongs to
 * someone else is refused; one of ours with wider modes is narrowed. Paths inside are never followed through
 * symlinks, and nothing is deleted unless its real location is inside the state root.
 */
public final class StateFolder {
    public static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path root;
    private final Path project;

    private StateFolder(Path root, Path project) {
        this.root = root;
        this.project = project;
    }

    /**
     * The state folder of a project, without touching the disk beyond resolving the project's canonical
     * path. {@code env} is the environment to read {@code XDG_STATE_HOME} and {@code HOME} from.
     */
    public static StateFolder of(Path projectRoot, Map<String, String> env) throws IOException {
        Path canonical = projectRoot.toRealPath();
        Path root = stateRoot(env);
        return new StateFolder(root, root.resolve(folderName(canonical)));
    }

    /** The project folder {@code folder} found directly inside the state root {@code root}. */
    static StateFolder inRoot(Path root, Path folder) {
        return new StateFolder(root, folder);
    }

    /**
     * {@code $XDG_STATE_HOME/procdeck}, or {@code $HOME/.local/state/procdeck}. HOME is read from the
     * environment first: Java's {@code user.home} comes from the password database, and a user (or a test) who
     * points HOME elsewhere means it.
     */
    public static Path stateRoot(Map<String, String> env) {
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg).normalize().resolve("procdeck");
        }
        String home = env.get("HOME");
        if (home == null || home.isEmpty() || !Path.of(home).isAbsolute()) {
            home = System.getProperty("user.home");
        }
        return Path.of(home).normalize().resolve(".local").resolve("state").resolve("procdeck");
    }

    /** {@code demo-3f9a1c2b}: the project folder's name (made safe) and a hash of its canonical path. */
    static String folderName(Path canonical) {
        Path name = canonical.getFileName();
        String readable = name == null ? "root" : name.toString().replaceAll("[^A-Za-z0-9._-]", "_");
        if (readable.length() > 40) {
            readable = readable.substring(0, 40);
        }
        if (readable.isEmpty() || readable.startsWith(".")) {
            readable = "p" + readable;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return readable + "-" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** This project's folder. */
    public Path project() {
        return project;
    }

    /** Where the sessions of this project live, one folder each. */
    public Path sessions() {
        return project.resolve("sessions");
    }

    /**
     * Creates (or checks) the state root, the project folder and its sessions folder. Throws with a message
     * that says what is wrong when one of them cannot be made safe or cannot be written.
     */
    public void prepare() throws IOException {
        Path parent = root.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            // ~/.local/state itself: the XDG spec wants it 0700 as well.
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
        }
        for (Path dir : List.of(root, project, sessions())) {
            secureDirectory(dir);
        }
    }

    /**
     * True if the project's folder exists and is safe to read (see {@link #prepare}); false if there is none.
     * Throws if it exists but is not safe: then nothing in it may be trusted.
     */
    public boolean existsSafely() throws IOException {
        for (Path dir : List.of(root, project, sessions())) {
            if (!Files.exists(dir, NOFOLLOW)) {
                return false;
            }
            checkDirectory(dir, readAttributes(dir));
        }
        return true;
    }

    /** Creates {@code dir} 0700, or checks an existing one (fixing its mode if it is ours). */
    static void secureDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
            return;
        } catch (FileAlreadyExistsException e) {
            // Check what is there below.
        }
        checkDirectory(dir, readAttributes(dir));
    }

    private static void checkDirectory(Path dir, PosixFileAttributes a) throws IOException {
        if (a.isSymbolicLink()) {
            throw new IOException("refusing state folder " + dir + ": it is a symbolic link");
        }
        if (!a.isDirectory()) {
            throw new IOException("refusing state folder " + dir + ": it is not a folder");
        }
        if (!a.owner().equals(currentUser(dir))) {
            throw new IOException("refusing state folder " + dir + ": it belongs to " + a.owner().getName());
        }
        Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        mode.addAll(a.permissions());
        if (mode.retainAll(FOLDER_MODE)) {
            // Ours but open to others (an older procdeck, a umask of 0): narrow it rather than give up. A
            // narrower mode (read-only) is the user's choice and left alone: then we simply cannot write.
            Files.setPosixFilePermissions(dir, mode);
        }
    }

    private static PosixFileAttributes readAttributes(Path p) throws IOException {
        return Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW);
    }

    /** The user procdeck runs as, as the file system names owners. */
    private static UserPrincipal currentUser(Path anywhere) throws IOException {
        return anywhere.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    /** Creates a new folder 0700; fails if anything (a symlink included) is already there. */
    public static Path createPrivateDirectory(Path dir) throws IOException {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
    }

    /**
     * Creates a new file 0600 and opens it for writing. Fails if anything (a symlink included) is already
     * there, so nothing planted is ever written through.
     */
    public static OutputStream createPrivateFile(Path file) throws IOException {
        return Channels.newOutputStream(createPrivateChannel(file));
    }

    private static SeekableByteChannel createPrivateChannel(Path file) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_MODE);
        return Files.newByteChannel(file, options, mode);
    }

    /**
     * Replaces {@code file} with {@code content} atomically (a reader sees the old or the new file, never half
     * of one), the new file created 0600.
     */
    public static void writePrivateFile(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a leftover of a crash; delete() removes a symlink itself, not its target
        try (SeekableByteChannel ch = createPrivateChannel(tmp)) {
            ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Reads a small state file: only a regular file (never through a symlink, never a FIFO that would block),
     * and at most {@code maxBytes}; a larger one is refused rather than read.
     */
    public static String readSmallFile(Path file, int maxBytes) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
        if (!a.isRegularFile()) {
            throw new IOException(file.getFileName() + " is not a regular file");
        }
        if (a.size() > maxBytes) {
            throw new IOException(file.getFileName() + " is too large (" + a.size() + " bytes)");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException(file.getFileName() + " is too large");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Real folders (not symlinks, not files) directly inside {@code dir}, sorted by name. */
    public static List<Path> subfolders(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isDirectory(p, NOFOLLOW)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    /** True if {@code p}'s real location (its folder resolved, itself not followed) is strictly inside the root. */
    public boolean contains(Path p) {
        try {
            Path realRoot = root.toRealPath();
            Path parent = p.toAbsolutePath().normalize().getParent();
            if (parent == null) {
                return false;
            }
            Path real = parent.toRealPath().resolve(p.getFileName());
            return real.startsWith(realRoot) && !real.equals(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes one file inside the state root; never what a symlink points to, never anything outside. */
    public void deleteFile(Path file) throws IOException {
        if (!contains(file)) {
            throw new IOException("refusing to delete " + file + ": not inside " + root);
        }
        Files.deleteIfExists(file);
    }

    /**
     * Deletes a folder and everything in it. Symlinks inside are deleted as links, never followed (the walk
     * does not follow links), and every single delete is checked to be inside the state root first.
     */
    public void deleteTree(Path dir) throws IOException {
        if (!contains(dir) || Files.isSymbolicLink(dir) || !Files.isDirectory(dir, NOFOLLOW)) {
            throw new IOException("refusing to delete " + dir + ": not a folder inside " + root);
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                delete(d);
                return FileVisitResult.CONTINUE;
            }

            private void delete(Path p) throws IOException {
                if (!contains(p)) {
                    throw new IOException("refusing to delete " + p + ": not inside " + root);
                }
                try {
                    Files.delete(p);
                } catch (NoSuchFileException e) {
                    // Gone already.
                }
            }
        });
    }

    /** Another procdeck holds the project's run lock: it runs the project now. */
    public static final class AlreadyRunning extends IOException {
        private final long pid;

        AlreadyRunning(long pid) {
            super("procdeck" + (pid > 0 ? " (pid " + pid + ")" : "") + " already runs this project");
            this.pid = pid;
        }

        /** The pid that holds the lock, or -1 when it did not write it down yet. */
        public long pid() {
            return pid;
        }
    }

    /**
     * Takes the project's run lock ({@code run.lock}, an fcntl lock the kernel drops when its holder dies, however
     * it dies), held until the returned channel is closed: one formation per project, whoever starts first, even
     * when two start in the same millisecond or the holder is stopped with Ctrl-Z. Taken before anything
     * launches; only its holder may replace the control socket.
     *
     * @throws AlreadyRunning when another procdeck holds it, with its pid
     */
    public java.nio.channels.FileChannel lockRun() throws IOException {
        Path file = project.resolve("run.lock");
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                Set.of(java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.READ,
                        java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(FILE_MODE));
        java.nio.channels.FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held in this JVM already (a second window on the same project)
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            long pid = -1;
            try {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32);
                ch.read(b, 0);
                pid = Long.parseLong(new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.US_ASCII).strip());
            } catch (IOException | RuntimeException e) {
                // Not written yet: the holder just took it.
            }
            ch.close();
            throw new AlreadyRunning(pid);
        }
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0);
        return ch;
    }

    @Override
    public String toString() {
        return project.toString();
    }
}
