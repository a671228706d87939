package dev.procdeck.logs;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The plain-text rendering of a log line used for files (session logs, "Save log"): time, source, a
 * separator that marks the stream ({@code |} stdout, {@code !} stderr, {@code |} after "system"), and the text
 * without any escape sequence.
 */
public final class PlainLogFormat {
    private final DateTimeFormatter time;

    public PlainLogFormat(String timePattern, ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern(timePattern).withZone(zone);
    }

    public String format(LogLine line) {
        StringBuilder sb = new StringBuilder(line.text().length() + 40);
        time.formatTo(line.time(), sb);
        sb.append(' ').append(source(line)).append(AnsiText.stripColours(line));
        return sb.toString();
    }

    /** What stands between the time and the text: {@code "web.1 | "}, {@code "web.1 ! "} or {@code "system | "}. */
    public static String source(LogLine line) {
        if (line.stream() == LogStream.SYSTEM) {
            return "system | ";
        }
        return line.instance() + (line.stream() == LogStream.STDERR ? " ! " : " | ");
    }
}
