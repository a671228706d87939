package dev.procdeck.os;

import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The line-discipline settings of a terminal (termios), read through tcgetattr(3). On Linux a pseudo-terminal's
 * master reports its slave's settings, so procdeck can see what the program on the other side asked for: no
 * echo while a password is typed, which characters mean interrupt and end-of-file.
 *
 * @param echo           ECHO: the terminal echoes what is typed (off at a password prompt)
 * @param canonical      ICANON: input is delivered line by line, with erase and kill editing
 * @param signals        ISIG: the interrupt and quit characters send SIGINT and SIGQUIT to the foreground group
 * @param interruptChar  VINTR, usually ^C (3)
 * @param endOfFileChar  VEOF, usually ^D (4)
 */
public record TerminalModes(boolean echo, boolean canonical, boolean signals, byte interruptChar, byte endOfFileChar) {
    /** What a fresh terminal has: echo, line editing, ^C interrupts and ^D ends input. */
    public static final TerminalModes DEFAULTS = new TerminalModes(true, true, true, (byte) 3, (byte) 4);

    // Linux's struct termios (glibc and the kernel agree up to c_cc): four 32-bit flag words, c_line, c_cc[32].
    private static final int LFLAG_OFFSET = 12;
    private static final int CC_OFFSET = 17;
    private static final int VINTR = 0;
    private static final int VEOF = 4;
    private static final int ISIG = 0x1;
    private static final int ICANON = 0x2;
    private static final int ECHO = 0x8;
    /** Larger than glibc's struct termios (60 bytes), in case a libc appends fields. */
    private static final int BUFFER_BYTES = 256;

    /** The modes of terminal {@code fd}, or empty if they cannot be read (not Linux, no JNA, not a terminal). */
    public static Optional<TerminalModes> of(int fd) {
        if (!Platform.isLinux() || !Libc.AVAILABLE || fd < 0) {
            return Optional.empty();
        }
        byte[] termios = new byte[BUFFER_BYTES];
        try {
            if (Libc.tcgetattr(fd, termios) != 0) {
                return Optional.empty();
            }
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty();
        }
        int lflag = ByteBuffer.wrap(termios).order(ByteOrder.nativeOrder()).getInt(LFLAG_OFFSET);
        return Optional.of(new TerminalModes((lflag & ECHO) != 0, (lflag & ICANON) != 0, (lflag & ISIG) != 0,
                termios[CC_OFFSET + VINTR], termios[CC_OFFSET + VEOF]));
    }
}
