package dev.procdeck.runtime;

import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One log line in the control protocol's {@code logs} stream ({@code {"log":{"t":..,"i":..,"s":..,"x":..}}}),
 * both ways: {@link ControlServer} writes it, {@code procdeck logs} and an attached dashboard read it back.
 */
public final class LogWire {
    /** Characters kept of an instance name from the socket: a type name is at most 63, its number a few more. */
    private static final int MAX_INSTANCE = 100;

    private LogWire() {
    }

    public static Map<String, Object> write(LogLine line) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("t", line.time().toEpochMilli());
        l.put("i", line.instance());
        l.put("s", switch (line.stream()) {
            case STDOUT -> "out";
            case STDERR -> "err";
            case SYSTEM -> "sys";
        });
        l.put("x", line.text());
        return Map.of("log", l);
    }

    /**
     * The line a {@code "log"} object carries, as a batch of one, cleaned again: what comes over a socket is not
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
