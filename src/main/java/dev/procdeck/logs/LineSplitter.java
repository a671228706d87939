package dev.procdeck.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a child's byte stream into batches of whole lines, as bytes: one batch per read, never merged with
 * another child's bytes. Each line of a batch ends with {@code '\n'}. A final line without newline is still
 * delivered (with one), and a line longer than {@code maxLineBytes} is cut into pieces that end with
 * {@link #CONTINUED}, so memory stays bounded whatever the child prints.
 *
 * <p>The common batch (printable ASCII and TAB only) is handed on as a single copy of the read buffer: no
 * String, no per-line allocation. A batch with a suspect byte (a control, DEL, CR, or any non-ASCII byte, which
 * may be invalid UTF-8 or encode a C1 control) is cleaned once, here, into new bytes: invalid UTF-8 becomes
 * U+FFFD and every escape or control sequence except SGR colours is removed ({@link AnsiText#keepColours}),
 * which also drops the CR of CRLF. Consumers can then copy the bytes as they are.
 */
public final class LineSplitter {
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    /** Appended to every piece of an over-long line except the last. */
    public static final String CONTINUED = " [\u2026continued]";
    private static final byte[] CONTINUED_BYTES = CONTINUED.getBytes(StandardCharsets.UTF_8);
    /** Size of one read: big reads are what keeps a flood cheap (few syscalls, few batches). */
    public static final int READ_BUFFER_BYTES = 64 * 1024;

    /**
     * Receives the whole lines of one read.
     *
     * @param lines     bytes of {@code lineCount} lines, each ending in {@code '\n'}; owned by the receiver
     * @param plain     no ESC byte at all (the bytes are safe either way)
     */
    @FunctionalInterface
    public interface Sink {
        void accept(byte[] lines, int lineCount, boolean plain);
    }

    private final int maxLineBytes;
    private final Sink sink;
    // The start of a line that did not end within its read: at most maxLineBytes (plus a cut UTF-8 sequence).
    private byte[] pending = new byte[256];
    private int pendingLength;
    // Assembly of a batch that is not a single slice of the read buffer (a carried or cut line).
    private byte[] out = new byte[1024];
    private int outLength;
    private int lineCount;
    // Whether the line being assembled / the batch has a byte that may need cleaning. Found while scanning for
    // newlines anyway, it spares the common all-printable batch a second pass.
    private boolean lineSuspect;
    private boolean batchSuspect;

    public LineSplitter(int maxLineBytes, Sink sink) {
        if (maxLineBytes < 8) {
            throw new IllegalArgumentException("maxLineBytes too small: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.sink = sink;
    }

    /** Reads until end of stream, delivering one batch per read. */
    public void pump(InputStream in) throws IOException {
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        int n;
        while ((n = in.read(buffer)) > 0) {
            feed(buffer, 0, n);
        }
        finish();
    }

    /** Splits {@code len} bytes; complete lines are delivered, the rest waits for more bytes. */
    public void feed(byte[] bytes, int off, int len) {
        int end = off + len;
        int start = off;
        // A run of complete, short lines still in `bytes`, copied in one go (or handed on as the whole batch).
        int runStart = -1;
        int runEnd = -1;
        for (int i = off; i < end; i++) {
            byte b = bytes[i];
            if (b != '\n') {
                // Signed bytes: everything from 0x80 up is negative, hence "below 0x20" too. CR counts too.
                if (b < 0x20 ? b != '\t' : b == 0x7f) {
                    lineSuspect = true;
                }
                continue;
            }
            batchSuspect |= lineSuspect;
            lineSuspect = false;
            lineCount++;
            if (pendingLength == 0 && i - start <= maxLineBytes) {
                if (runStart < 0) {
                    runStart = start;
                }
                runEnd = i + 1;
            } else {
                if (runStart >= 0) {
                    put(bytes, runStart, runEnd - runStart);
                    runStart = -1;
                }
                if (pendingLength == 0) {
                    int cutStart = start;
                    while (i - cutStart > maxLineBytes) {
                        int cut = utf8Boundary(bytes, cutStart, cutStart + maxLineBytes);
                        putPiece(bytes, cutStart, cut);
                        cutStart = cut;
                    }
                    put(bytes, cutStart, i + 1 - cutStart);
                } else {
                    carry(bytes, start, i - start);
                    put(pending, 0, pendingLength);
                    put((byte) '\n');
                    pendingLength = 0;
                }
            }
            start = i + 1;
        }
        if (start < end) {
            if (runStart >= 0 && pendingLength + (end - start) > maxLineBytes) {
                // The partial line will be cut: its pieces must follow the run.
                put(bytes, runStart, runEnd - runStart);
                runStart = -1;
            }
            carry(bytes, start, end - start);
        }
        if (runStart >= 0 && outLength == 0) {
            // The common case: the batch is one slice of the read buffer, copied once.
            emit(Arrays.copyOfRange(bytes, runStart, runEnd));
            return;
        }
        if (runStart >= 0) {
            put(bytes, runStart, runEnd - runStart);
        }
        if (outLength > 0) {
            emit(Arrays.copyOf(out, outLength));
        }
    }

    /** Delivers a final line that had no newline. */
    public void finish() {
        if (pendingLength > 0) {
            batchSuspect |= lineSuspect;
            lineSuspect = false;
            put(pending, 0, pendingLength);
            put((byte) '\n');
            pendingLength = 0;
            lineCount++;
            emit(Arrays.copyOf(out, outLength));
        }
    }

    private void emit(byte[] lines) {
        int count = lineCount;
        boolean suspect = batchSuspect;
        outLength = 0;
        lineCount = 0;
        batchSuspect = false;
        if (out.length > 4 * READ_BUFFER_BYTES) {
            out = new byte[1024]; // a burst of long lines must not pin a big buffer for the life of the reader
        }
        if (suspect) {
            byte[] safe = sanitize(lines);
            sink.accept(safe, count, indexOf(safe, (byte) 0x1b) < 0);
        } else {
            sink.accept(lines, count, true);
        }
    }

    /** Adds bytes of a line that has not ended yet to the pending line, cutting it when it grows too long. */
    private void carry(byte[] bytes, int off, int len) {
        while (pendingLength + len > maxLineBytes) {
            batchSuspect |= lineSuspect;
            int room = maxLineBytes - pendingLength;
            ensurePending(maxLineBytes);
            System.arraycopy(bytes, off, pending, pendingLength, room);
            int cut = utf8Boundary(pending, 0, maxLineBytes);
            putPiece(pending, 0, cut);
            int carried = maxLineBytes - cut;
            System.arraycopy(pending, cut, pending, 0, carried);
            pendingLength = carried;
            off += room;
            len -= room;
        }
        ensurePending(pendingLength + len);
        System.arraycopy(bytes, off, pending, pendingLength, len);
        pendingLength += len;
    }

    /** One piece of a cut line: its bytes, the marker, a newline. */
    private void putPiece(byte[] bytes, int from, int to) {
        put(bytes, from, to - from);
        put(CONTINUED_BYTES, 0, CONTINUED_BYTES.length);
        put((byte) '\n');
        lineCount++;
    }

    private void put(byte[] bytes, int off, int len) {
        ensureOut(len);
        System.arraycopy(bytes, off, out, outLength, len);
        outLength += len;
    }

    private void put(byte b) {
        ensureOut(1);
        out[outLength++] = b;
    }

    private void ensureOut(int extra) {
        if (outLength + extra > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + extra));
        }
    }

    private void ensurePending(int needed) {
        if (needed > pending.length) {
            pending = Arrays.copyOf(pending, Math.min(Math.max(needed, pending.length * 2), maxLineBytes + 4));
        }
    }

    /**
     * Cleans a suspect batch once: each line with a suspect byte is decoded (invalid UTF-8 → U+FFFD), stripped
     * of every control and escape sequence but SGR, and encoded again; the others are copied.
     */
    static byte[] sanitize(byte[] lines) {
        java.io.ByteArrayOutputStream safe = new java.io.ByteArrayOutputStream(lines.length + 16);
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i] != '\n') {
                continue;
            }
            if (!isSafe(lines, start, i)) {
                // The marker of a cut piece is ours: clean only what precedes it, or an ESC at the end of the
                // piece would swallow the marker's first characters.
                int textEnd = endsWithMarker(lines, start, i) ? i - CONTINUED_BYTES.length : i;
                String text = AnsiText.keepColours(new String(lines, start, textEnd - start, StandardCharsets.UTF_8));
                safe.writeBytes(text.getBytes(StandardCharsets.UTF_8));
                safe.write(lines, textEnd, i + 1 - textEnd);
            } else {
                safe.write(lines, start, i + 1 - start);
            }
            start = i + 1;
        }
        return safe.toByteArray();
    }

    /**
     * True if the bytes are valid UTF-8 without any control character but TAB (C0, DEL, C1) and so need no
     * cleaning: accented text and emoji then cost no String round trip.
     */
    /** E2 80 8E/8F (LRM, RLM), E2 80 AA..AE (embeddings, overrides), E2 81 A6..A9 (isolates). */
    private static boolean isBidiControl(int second, int third) {
        return second == 0x80 && (third == 0x8E || third == 0x8F || (third >= 0xAA && third <= 0xAE))
                || second == 0x81 && third >= 0xA6 && third <= 0xA9;
    }

    static boolean isSafe(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                if (c < 0x20 ? c != '\t' : c == 0x7f) {
                    return false;
                }
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                if (c == 0xD8 && i + 1 < to && (b[i + 1] & 0xFF) == 0x9C) {
                    return false; // U+061C ARABIC LETTER MARK, a bidi control
                }
                if (c == 0xC2) {
                    lo = 0xA0; // C2 80..9F encodes the C1 controls
                }
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE2 && i + 2 < to && isBidiControl(b[i + 1] & 0xFF, b[i + 2] & 0xFF)) {
                    return false; // shown visibly by AnsiText
                }
                if (c == 0xE0) {
                    lo = 0xA0;
                } else if (c == 0xED) {
                    hi = 0x9F; // no surrogates
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) {
                    lo = 0x90;
                } else if (c == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                return false;
            }
            if (i + need >= to) {
                return false;
            }
            int second = b[i + 1] & 0xFF;
            if (second < lo || second > hi) {
                return false;
            }
            for (int k = 2; k <= need; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += need + 1;
        }
        return true;
    }

    private static boolean endsWithMarker(byte[] bytes, int start, int end) {
        int m = CONTINUED_BYTES.length;
        return end - start >= m && Arrays.equals(bytes, end - m, end, CONTINUED_BYTES, 0, m);
    }

    static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Moves a cut position back so that it does not fall inside a UTF-8 multi-byte sequence (reads only before cut). */
    private static int utf8Boundary(byte[] bytes, int start, int cut) {
        int i = cut - 1;
        for (int back = 0; back < 3 && i > start && (bytes[i] & 0xC0) == 0x80; back++) {
            i--;
        }
        int lead = bytes[i] & 0xFF;
        int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (i + length > cut && i > start) {
            return i;
        }
        return cut;
    }
}
