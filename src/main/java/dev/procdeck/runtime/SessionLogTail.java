package dev.procdeck.runtime;

import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Reads the newest lines of a session's log ({@link SessionLog}'s files, {@code 2024-01-31 12:00:00.123 web.1 |
 * text}) backwards from the end, for {@code procdeck logs} lines older than the server's in-memory window.
 * Bounded: at most {@link #MAX_SCAN_BYTES} are read however few lines match.
 */
final class SessionLogTail {
    static final long MAX_SCAN_BYTES = 64L * 1024 * 1024;
    /**
     * The text one request may pick, however many lines it asks for: 10,000 lines of 64 KiB would be 640 MiB in
     * a 96 MiB heap. The oldest of the asked lines are the ones left out.
     */
    static final long MAX_PICKED_BYTES = Long.getLong("procdeck.control.tailBytes", 4L * 1024 * 1024);
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_LINE = 1024 * 1024;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final int TIME_LENGTH = 23;

    private final LogQuery query;
    private final int max;
    private final Instant before;
    private final ZoneId zone;
    private final ArrayDeque<LogLine> picked = new ArrayDeque<>();
    private long scanned;
    private long pickedBytes;
    private boolean done;

    private SessionLogTail(LogQuery query, int max, Instant before, ZoneId zone) {
        this.query = query;
        this.max = max;
        this.before = before;
        this.zone = zone;
    }

    /** Up to {@code max} lines older than {@code before} that match {@code query}, oldest first. */
    static List<LogLine> read(Path sessionDir, LogQuery query, int max, Instant before, ZoneId zone) {
        SessionLogTail tail = new SessionLogTail(query, max, before, zone);
        if (max <= 0) {
            return List.of();
        }
        try {
            List<Path> files = SessionLog.files(sessionDir);
            for (int i = files.size() - 1; i >= 0 && !tail.done; i--) {
                tail.scan(files.get(i));
            }
        } catch (IOException e) {
            // What was read is returned; a log that cannot be read simply has no older lines to offer.
        }
        return new ArrayList<>(tail.picked);
    }

    private void scan(Path file) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            long pos = ch.size();
            byte[] carry = new byte[0];
            while (pos > 0 && !done) {
                int n = (int) Math.min(CHUNK, pos);
                pos -= n;
                ByteBuffer buf = ByteBuffer.allocate(n);
                ch.position(pos);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // read the whole chunk
                }
                scanned += n;
                byte[] data = new byte[n + carry.length];
                System.arraycopy(buf.array(), 0, data, 0, n);
                System.arraycopy(carry, 0, data, n, carry.length);
                int end = data.length;
                for (int i = data.length - 1; i >= 0 && !done; i--) {
                    if (data[i] == '\n') {
                        if (i + 1 < end) {
                            take(data, i + 1, end);
                        }
                        end = i;
                    }
                }
                carry = end > MAX_LINE ? new byte[0] : Arrays.copyOfRange(data, 0, end);
                if (scanned > MAX_SCAN_BYTES) {
                    done = true;
                }
            }
            if (!done && carry.length > 0) {
                take(carry, 0, carry.length);
            }
        }
    }

    private void take(byte[] data, int from, int to) {
        LogLine line = parse(new String(data, from, to - from, StandardCharsets.UTF_8), zone);
        if (line == null || !line.time().isBefore(before)) {
            return;
        }
        if (query.since() != null && line.time().isBefore(query.since())) {
            done = true;
            return;
        }
        if (query.matches(line)) {
            long bytes = 2L * line.text().length() + 64; // UTF-16 and the line's own fields
            if (pickedBytes + bytes > MAX_PICKED_BYTES) {
                done = true;
                return;
            }
            pickedBytes += bytes;
            picked.addFirst(line);
            if (picked.size() >= max) {
                done = true;
            }
        }
    }

    /** One line of the session log, or null if it does not have its shape. */
    static LogLine parse(String text, ZoneId zone) {
        if (text.length() < TIME_LENGTH + 4 || text.charAt(TIME_LENGTH) != ' ') {
            return null;
        }
        Instant time;
        try {
            time = LocalDateTime.parse(text.substring(0, TIME_LENGTH), TIME).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
        String rest = text.substring(TIME_LENGTH + 1);
        int space = rest.indexOf(' ');
        if (space <= 0 || space + 2 > rest.length()) {
            return null;
        }
        String source = rest.substring(0, space);
        char mark = rest.charAt(space + 1);
        String body = rest.length() > space + 3 ? rest.substring(space + 3) : "";
        if (source.equals("system")) {
            // Events are written without the instance they concern; their text starts with its name.
            int end = body.indexOf(' ');
            String first = end < 0 ? body : body.substring(0, end);
            first = first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
            String instance = first.matches("[^.\\s]+\\.[0-9]+") ? first : LogLine.PROCDECK;
            return new LogLine(0, time, instance, LogStream.SYSTEM, body, true);
        }
        LogStream stream = mark == '!' ? LogStream.STDERR : LogStream.STDOUT;
        return new LogLine(0, time, source, stream, body, true);
    }
}
