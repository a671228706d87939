package dev.procdeck.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a child's byte stream into lines: one output line per child line, never merged with another
 * child's bytes. Invalid UTF-8 becomes U+FFFD, CRLF loses its CR, a final line without newline is still
 * delivered, and a line longer than {@code maxLineBytes} is cut into pieces that end with
 * {@link #CONTINUED} so memory stays bounded whatever the child prints.
 */
public final class LineSplitter {
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    /** Appended to every piece of an over-long line except the last. */
    public static final String CONTINUED = " [\u2026continued]";

    private final int maxLineBytes;
    /** Receives the lines of one read; {@code clean} when none holds a control character or escape sequence. */
    @FunctionalInterface
    public interface Sink {
        void accept(List<String> lines, boolean clean);
    }

    private final Sink sink;
    private byte[] pending = new byte[256];
    private int pendingLength;
    // Whether the line being assembled has a byte that may need sanitising (a control, DEL or any non-ASCII
    // byte, which could encode a C1 control). Found while scanning for newlines anyway, it spares the common
    // all-printable line a second pass over its characters.
    private boolean lineSuspect;
    private boolean batchSuspect;

    public LineSplitter(int maxLineBytes, Sink sink) {
        if (maxLineBytes < 8) {
            throw new IllegalArgumentException("maxLineBytes too small: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.sink = sink;
    }

    /** Reads until end of stream, delivering one batch of lines per read. */
    public void pump(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            feed(buffer, 0, n);
        }
        finish();
    }

    /** Splits {@code len} bytes; complete lines are delivered, the rest waits for more bytes. */
    public void feed(byte[] bytes, int off, int len) {
        List<String> lines = new ArrayList<>();
        batchSuspect = false;
        int end = off + len;
        int start = off;
        for (int i = off; i < end; i++) {
            byte b = bytes[i];
            if (b != '\n') {
                // Signed bytes: everything from 0x80 up is negative, hence "below 0x20" too.
                if (b < 0x20 ? b != '\t' && !(b == '\r' && i + 1 < end && bytes[i + 1] == '\n') : b == 0x7f) {
                    lineSuspect = true;
                }
                continue;
            }
            batchSuspect |= lineSuspect;
            lineSuspect = false;
            if (pendingLength == 0) {
                int lineEnd = i;
                while (lineEnd - start > maxLineBytes) {
                    int cut = utf8Boundary(bytes, start, start + maxLineBytes);
                    lines.add(decode(bytes, start, cut) + CONTINUED);
                    start = cut;
                }
                lines.add(decode(bytes, start, stripCr(bytes, start, lineEnd)));
            } else {
                append(bytes, start, i - start, lines);
                lines.add(decode(pending, 0, stripCr(pending, 0, pendingLength)));
                pendingLength = 0;
            }
            start = i + 1;
        }
        if (start < end) {
            append(bytes, start, end - start, lines);
        }
        if (!lines.isEmpty()) {
            sink.accept(lines, !batchSuspect);
        }
    }

    /** Delivers a final line that had no newline. */
    public void finish() {
        if (pendingLength > 0) {
            String last = decode(pending, 0, stripCr(pending, 0, pendingLength));
            pendingLength = 0;
            boolean clean = !lineSuspect;
            lineSuspect = false;
            sink.accept(List.of(last), clean);
        }
    }

    private void append(byte[] bytes, int off, int len, List<String> lines) {
        while (pendingLength + len > maxLineBytes) {
            batchSuspect |= lineSuspect;
            int room = maxLineBytes - pendingLength;
            ensureCapacity(maxLineBytes);
            System.arraycopy(bytes, off, pending, pendingLength, room);
            int cut = utf8Boundary(pending, 0, maxLineBytes);
            lines.add(decode(pending, 0, cut) + CONTINUED);
            int carried = maxLineBytes - cut;
            System.arraycopy(pending, cut, pending, 0, carried);
            pendingLength = carried;
            off += room;
            len -= room;
        }
        ensureCapacity(pendingLength + len);
        System.arraycopy(bytes, off, pending, pendingLength, len);
        pendingLength += len;
    }

    private void ensureCapacity(int needed) {
        if (needed > pending.length) {
            byte[] bigger = new byte[Math.min(Math.max(needed, pending.length * 2), maxLineBytes + 4)];
            System.arraycopy(pending, 0, bigger, 0, pendingLength);
            pending = bigger;
        }
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

    private static int stripCr(byte[] bytes, int start, int end) {
        return end > start && bytes[end - 1] == '\r' ? end - 1 : end;
    }

    private static String decode(byte[] bytes, int start, int end) {
        // The String constructor replaces malformed input with U+FFFD instead of throwing.
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }
}
