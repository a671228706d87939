package dev.procdeck.os;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A pipe that procdeck owns, for a child's stdout or stderr. The JDK's own process pipes are closed by its
 * reaper as soon as the main process exits (it drains what is buffered and closes the file descriptor), so
 * processes left in the group, still writing, would lose their lines and get EPIPE. This pipe stays open until
 * every writer has closed it: the reader sees end-of-file only when the whole group is done with it.
 *
 * <p>The child gets the write end through {@link #writeEnd()} (a {@code /proc/self/fd} path that the JDK opens
 * in the parent and hands to the child); after the spawn, {@link #afterSpawn()} closes procdeck's copy of it.
 */
public final class Pipe implements AutoCloseable {
    private static final boolean NATIVE = Libc.AVAILABLE && new File("/proc/self/fd").isDirectory();
    private static final int O_CLOEXEC = 0x80000;

    private int writeFd;
    private final InputStream in;

    private Pipe(int readFd, int writeFd) throws IOException {
        this.writeFd = writeFd;
        try {
            // A stream of our own on the read end (a new descriptor for the same pipe), so the JDK manages it.
            this.in = new FileInputStream("/proc/self/fd/" + readFd);
        } finally {
            Libc.close(readFd);
        }
    }

    /** True where procdeck can make its own pipes (Linux with JNA); elsewhere the JDK's pipes are used. */
    public static boolean supported() {
        return NATIVE;
    }

    public static Pipe open() throws IOException {
        if (!NATIVE) {
            throw new IOException("pipes of our own need JNA and /proc");
        }
        int[] fds = new int[2];
        if (Libc.pipe2(fds, O_CLOEXEC) != 0) {
            throw new IOException("pipe2 failed: errno " + Libc.lastError());
        }
        try {
            return new Pipe(fds[0], fds[1]);
        } catch (IOException | RuntimeException e) {
            Libc.close(fds[1]);
            throw e;
        }
    }

    /** Where the child's output goes: the JDK opens this path in the parent and passes it to the child. */
    public File writeEnd() {
        return new File("/proc/self/fd/" + writeFd);
    }

    /** After the spawn: only the child (and what it starts) holds the write end now, so end-of-file means "all done". */
    public synchronized void afterSpawn() {
        if (writeFd >= 0) {
            Libc.close(writeFd);
            writeFd = -1;
        }
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() {
        afterSpawn();
        try {
            in.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }
}
