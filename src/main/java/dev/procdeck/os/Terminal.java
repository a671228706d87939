package dev.procdeck.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a standard stream is a terminal. System.console() cannot say: it needs stdin and stdout both. */
public final class Terminal {
    private static final boolean NATIVE = Libc.AVAILABLE;

    private Terminal() {
    }


    /** True if file descriptor 0 is a terminal (`procdeck run psql | tee log` still has one). */
    public static boolean stdinIsTerminal() {
        if (NATIVE) {
            try {
                return Libc.isatty(0) == 1;
            } catch (UnsatisfiedLinkError e) {
                // fall through to /proc
            }
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
