package dev.procdeck.os;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The one binding to the C library (through JNA), for the calls the JDK does not offer: signalling process
 * groups, thread priorities, sysconf, isatty, pipes and terminal modes. {@link #AVAILABLE} is false where JNA cannot load;
 * every caller has a fallback then.
 */
final class Libc {
    /**
     * The versioned soname on Linux: asking JNA for plain "c" makes it try libc.so (a linker script, not a
     * library) and then run {@code /sbin/ldconfig -p} to search, which costs every start 0.1 s.
     */
    static final String NAME = Platform.isLinux() ? "libc.so.6" : Platform.C_LIBRARY_NAME;

    static final boolean AVAILABLE;

    static {
        boolean ok;
        try {
            Native.register(Libc.class, NAME);
            ok = true;
        } catch (Throwable e) {
            ok = false;
        }
        AVAILABLE = ok;
    }

    private Libc() {
    }

    static native int kill(int pid, int sig);

    static native int getpgrp();

    static native int setpriority(int which, int who, int prio);

    static native long sysconf(int name);

    static native int isatty(int fd);

    static native int pipe2(int[] fds, int flags);

    static native int close(int fd);

    /** {@code termios} is a buffer at least as large as the platform's struct termios (see {@link TerminalModes}). */
    static native int tcgetattr(int fd, byte[] termios);

    static int lastError() {
        return Native.getLastError();
    }
}
