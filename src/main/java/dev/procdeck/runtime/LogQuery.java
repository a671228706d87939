package dev.procdeck.runtime;

import com.google.re2j.Pattern;
import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.UserRegex;
import java.time.Instant;

/** What a {@code logs} request asks for, checked: which lines, how many, and whether to follow. */
record LogQuery(int lines, boolean follow, String type, String instance, Pattern grep, Instant since) {
    static final int MAX_LOG_LINES = 10_000;
    static final int DEFAULT_LINES = 100;

    boolean matches(LogLine line) {
        if (instance != null && !instance.equals(line.instance())) {
            return false;
        }
        if (type != null && !type.equals(line.type())) {
            return false;
        }
        if (since != null && line.time().isBefore(since)) {
            return false;
        }
        return grep == null || grep.matcher(AnsiText.stripColours(line)).find();
    }

    static LogQuery of(ControlMessages.Logs r) {
        long count = r.lines() == null ? DEFAULT_LINES : r.lines();
        if (count < 0 || count > MAX_LOG_LINES) {
            throw new IllegalArgumentException("\"lines\" must be a whole number from 0 to " + MAX_LOG_LINES);
        }
        if (r.since() != null && (r.since() < 0 || r.since() > InstanceWire.LATEST_MILLIS)) {
            throw new IllegalArgumentException("\"since\" must be a time in milliseconds since 1970");
        }
        Pattern grep = null;
        if (r.grep() != null) {
            try {
                grep = UserRegex.compile(r.grep(), true); // linear time: no pattern can hold this thread
            } catch (UserRegex.InvalidRegexException e) {
                throw new IllegalArgumentException("invalid --grep pattern: " + e.getMessage());
            }
        }
        return new LogQuery((int) count, Boolean.TRUE.equals(r.follow()), r.type(), r.instance(), grep,
                r.since() == null ? null : Instant.ofEpochMilli(r.since()));
    }
}
