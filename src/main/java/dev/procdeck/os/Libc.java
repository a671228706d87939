package dev.procdeck.os;

import com.sun.jna.Platform;

/** Where the C library is, for JNA. */
final class Libc {
    /**
     * The versioned soname on Linux: asking JNA for plain "c" makes it try libc.so (a linker script, not a
     * library) and then run {@code /sbin/ldconfig -p} to search, which costs every start 0.1 s.
     */
    static final String NAME = Platform.isLinux() ? "libc.so.6" : Platform.C_LIBRARY_NAME;

    private Libc() {
    }
}
