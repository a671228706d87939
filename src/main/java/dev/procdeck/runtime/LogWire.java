package dev.procdeck.runtime;

import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Log lines in the control protocol's {@code logs} stream, both ways: {@link RecentOutput} writes frames
 * ({@code {"batch":[{"t":..,"i":..,"s":..,"x":..},...]}}, one per batch of output), {@code procdeck logs} and an
 * attached dashboard read each frame once and each entry back into a line.
 */
public final class LogWire {
    /** Characters kept of an instance name from the socket: a type name is at most 63, its number a few more. */
    private static final int MAX_INSTANCE = 100;
    /**
     * What one frame may hold, in bytes as {@link #estimatedBytes} counts them (never fewer than it takes): a
     * batch larger than this goes out as several frames, each well within what a client reads as one message
     * ({@link ControlProtocol#MAX_RESPONSE_BYTES}). A single line is far smaller (the splitter cuts at 64 KiB).
     */
    static final long FRAME_BYTES = 1024 * 1024;

    private LogWire() {
    }

    /** One line in a frame: its time (ms), instance, stream ({@code out}, {@code err}, {@code sys}) and text. */
    public record Entry(long t, String i, String s, String x) {
    }

    public static Entry write(LogLine line) {
        return new Entry(line.time().toEpochMilli(), line.instance(), switch (line.stream()) {
            case STDOUT -> "out";
            case STDERR -> "err";
            case SYSTEM -> "sys";
        }, line.text());
    }

    /**
     * At least what {@code line} takes as an entry: a UTF-16 char is at most 3 bytes of UTF-8, and the only
     * escapes a cleaned line holds (ESC of a colour sequence, quotes, backslashes) at most triple a char.
     */
    static long estimatedBytes(LogLine line) {
        return 3L * (line.text().length() + line.instance().length()) + 64;
    }

    /** The entries of a frame, or null when {@code message} is no frame. */
    public static List<?> entries(Map<String, Object> message) {
        return message.get("batch") instanceof List<?> l ? l : null;
    }

    /**
     * The line an entry carries, as a batch of one, cleaned again: what comes over a socket is not
     * trusted, so only colour sequences survive (see {@link LogBatch#of}).
     */
    public static LogBatch read(Map<?, ?> l, long sequence) {
        Instant time = java.util.Objects.requireNonNullElse(InstanceWire.instantOf(l.get("t")), Instant.EPOCH);
        // Not trusted either: a name with a newline or a megabyte of it would go into every line's prefix.
        String instance = java.util.Objects.requireNonNullElse(InstanceWire.shown(l.get("i"), MAX_INSTANCE), "");
        String text = String.valueOf(l.get("x"));
        if ("sys".equals(l.get("s"))) {
            return LogBatch.event(instance.isEmpty() ? LogLine.PROCDECK : instance, time, sequence, text);
        }
        LogStream stream = "err".equals(l.get("s")) ? LogStream.STDERR : LogStream.STDOUT;
        return LogBatch.of(instance.isEmpty() ? LogLine.PROCDECK : instance, stream, time, sequence, List.of(text));
    }
}
