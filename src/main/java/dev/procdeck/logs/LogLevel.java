package dev.procdeck.logs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The severity a line announces, when it has a recognisable one: {@code ERROR}, {@code WARN}, {@code INFO},
 * {@code DEBUG} as upper-case words ({@code [ERROR]}, {@code ERROR:}), logfmt {@code level=error} and JSON
 * {@code "level":"warn"} (any case). Lower-case words in prose ("no error") do not count. Only the start of a
 * long line is looked at.
 */
public enum LogLevel {
    ERROR, WARN, INFO, DEBUG, NONE;

    private static final int LOOK_AT = 300;
    private static final Pattern KEYED = Pattern.compile(
            "(?i)\"?(?:level|lvl|severity)\"?\\s*[:=]\\s*\"?(fatal|critical|crit|error|err|warning|warn|info|notice|debug|trace)\\b");
    private static final Pattern WORD = Pattern.compile(
            "(?<![A-Za-z0-9_])(FATAL|CRITICAL|ERROR|WARNING|WARN|INFO|DEBUG|TRACE)(?![A-Za-z0-9_])|\\[(fatal|error|warn|warning|info|debug|trace)\\]");

    /** The level of a line's plain text (no colour codes). */
    public static LogLevel of(String plainText) {
        String head = plainText.length() > LOOK_AT ? plainText.substring(0, LOOK_AT) : plainText;
        Matcher keyed = KEYED.matcher(head);
        if (keyed.find()) {
            return named(keyed.group(1));
        }
        Matcher word = WORD.matcher(head);
        if (word.find()) {
            return named(word.group(1) != null ? word.group(1) : word.group(2));
        }
        return NONE;
    }

    private static LogLevel named(String word) {
        return switch (word.toLowerCase(java.util.Locale.ROOT)) {
            case "fatal", "critical", "crit", "error", "err" -> ERROR;
            case "warning", "warn" -> WARN;
            case "info", "notice" -> INFO;
            default -> DEBUG;
        };
    }

    /** The level of a line, cached per line is not needed: lines are short-lived in the filter's hot path. */
    public static LogLevel of(LogLine line) {
        return line.stream() == LogStream.SYSTEM ? NONE : of(AnsiText.stripColours(line));
    }
}
