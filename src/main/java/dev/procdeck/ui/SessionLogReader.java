package dev.procdeck.ui;

import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.runtime.SessionLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Reads a session's log back from disk (the files {@link SessionLog} writes, oldest first), for filters that
 * reach past what memory holds and for Save whole log. Runs on the io executor, reports progress as a fraction
 * of the bytes and stops when cancelled. Lines come back as they were written: time to the millisecond, the
 * source ({@code web.1 | }, {@code web.1 ! }, {@code system | }), text without colour codes.
 */
final class SessionLogReader {
    /** SessionLog's line prefix: {@code yyyy-MM-dd HH:mm:ss.SSS }. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final int TIME_LENGTH = 23;

    private SessionLogReader() {
    }

    /**
     * Hands every line of the session log in {@code dir} to {@code sink}, oldest first, with sequence numbers in
     * file order (all below {@code sequenceBase + lines}).
     *
     * @throws CancellationException when {@code cancelled} turns true
     */
    static long read(Path dir, ZoneId zone, long sequenceBase, Consumer<LogLine> sink, DoubleConsumer progress,
                     BooleanSupplier cancelled) throws IOException {
        List<Path> files = SessionLog.files(dir);
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        long done = 0;
        long count = 0;
        for (Path f : files) {
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(f), decoder), 1 << 16)) {
                String raw;
                while ((raw = in.readLine()) != null) {
                    if ((count & 4095) == 0) {
                        if (cancelled.getAsBoolean()) {
                            throw new CancellationException("cancelled");
                        }
                        progress.accept(total == 0 ? 1 : Math.min(1.0, (double) done / total));
                    }
                    done += raw.length() + 1;
                    sink.accept(parse(sequenceBase + count, raw, zone));
                    count++;
                }
            }
        }
        progress.accept(1);
        return count;
    }

    /** One line of the file as a log line; what does not parse is kept whole as a procdeck line. */
    static LogLine parse(long sequence, String raw, ZoneId zone) {
        java.time.Instant time = java.time.Instant.EPOCH;
        if (raw.length() > TIME_LENGTH + 1 && raw.charAt(TIME_LENGTH) == ' ') {
            try {
                time = LocalDateTime.parse(raw.substring(0, TIME_LENGTH), TIME).atZone(zone).toInstant();
                String rest = raw.substring(TIME_LENGTH + 1);
                int space = rest.indexOf(' ');
                if (space > 0 && rest.length() >= space + 3 && rest.charAt(space + 2) == ' ') {
                    String source = rest.substring(0, space);
                    char mark = rest.charAt(space + 1);
                    String text = rest.substring(space + 3);
                    if (source.equals("system") && mark == '|') {
                        return new LogLine(sequence, time, eventInstance(text), LogStream.SYSTEM, text);
                    }
                    if (mark == '|' || mark == '!') {
                        return new LogLine(sequence, time, source, mark == '!' ? LogStream.STDERR : LogStream.STDOUT, text);
                    }
                }
            } catch (DateTimeParseException e) {
                // falls through: kept as it is
            }
        }
        return new LogLine(sequence, time, LogLine.PROCDECK, LogStream.SYSTEM, raw);
    }

    /** Events name their instance first ("web.1 started ...", "web.1: port ..."); others are procdeck's. */
    private static String eventInstance(String text) {
        int end = 0;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || "._-".indexOf(text.charAt(end)) >= 0)) {
            end++;
        }
        String word = end > 0 && text.charAt(end - 1) == '.' ? text.substring(0, end - 1) : text.substring(0, end);
        int dot = word.lastIndexOf('.');
        if (dot > 0 && dot < word.length() - 1 && word.substring(dot + 1).chars().allMatch(Character::isDigit)) {
            return word;
        }
        return LogLine.PROCDECK;
    }
}
