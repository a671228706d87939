package dev.procdeck.logs;

/**
 * Byte-level helpers for the already cleaned lines of a {@link LogBatch}, where the only escape sequences left
 * are SGR colour codes ({@code ESC [ params m}): writers strip or keep them without decoding to text.
 */
public final class AnsiBytes {
    private static final byte ESC = 0x1b;

    private AnsiBytes() {
    }

    /** Position of the first ESC in {@code [from, to)}, or -1. */
    public static int indexOfEsc(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == ESC) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Copies {@code src[from, to)} to {@code dst} at {@code at} without its SGR sequences; {@code dst} must have
     * room for {@code to - from} bytes.
     *
     * @return the position in {@code dst} after the copy
     */
    public static int stripSgr(byte[] src, int from, int to, byte[] dst, int at) {
        int i = from;
        while (i < to) {
            byte c = src[i];
            if (c != ESC) {
                dst[at++] = c;
                i++;
                continue;
            }
            // Cleaned bytes: an ESC always starts "ESC [ digits/;/: m". Skip up to and including the 'm'
            // (never past a newline, in case the bytes were not cleaned).
            int j = i + 1;
            while (j < to && src[j] != 'm' && src[j] != '\n') {
                j++;
            }
            i = j < to && src[j] == 'm' ? j + 1 : j;
        }
        return at;
    }
}
