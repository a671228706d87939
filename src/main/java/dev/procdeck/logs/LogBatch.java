package dev.procdeck.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The unit of output from a reader to every consumer: the whole lines of one read of one child stream, as
 * bytes. Lines stay bytes from the pipe to the terminal and to disk (no String per line on the headless path);
 * only the dashboard decodes them, on its own thread, through {@link #lines()}.
 *
 * <p>The bytes are already safe: every line ends with {@code '\n'}, is valid UTF-8 and carries no control
 * character or escape sequence except TAB and SGR colour codes ({@link LineSplitter} guarantees it, cleaning
 * the rare suspect batch once). {@code plain} says there is no ESC at all, which spares every consumer a search.
 * A batch is immutable once published: consumers may keep it after the call.
 *
 * @param firstSequence sequence of the first line; line {@code i} has {@code firstSequence + i}
 */
public record LogBatch(String instance, LogStream stream, Instant time, long firstSequence, int lineCount,
                       byte[] bytes, boolean plain) {

    /** The size consumers account for: bytes plus a fixed overhead, so that floods of empty lines count too. */
    public long cost() {
        return bytes.length + 64L;
    }

    public boolean isEvent() {
        return stream == LogStream.SYSTEM;
    }

    /** Decodes the lines; costs a String each, so only the dashboard and tests call it. */
    public List<LogLine> lines() {
        List<LogLine> out = new ArrayList<>(lineCount);
        int start = 0;
        long seq = firstSequence;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                String text = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                out.add(plain ? new LogLine(seq++, time, instance, stream, text, true)
                        : new LogLine(seq++, time, instance, stream, text));
                start = i + 1;
            }
        }
        return out;
    }

    /** Position after the next line end from {@code from}, or {@code bytes.length}. */
    public static int lineEnd(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return bytes.length;
    }

    /**
     * One procdeck event line. The text goes through {@link AnsiText#keepColours} (which also removes
     * newlines), because events quote names and commands from the project.
     */
    public static LogBatch event(String instance, Instant time, long sequence, String text) {
        String safe = AnsiText.keepColours(text);
        byte[] b = (safe + "\n").getBytes(StandardCharsets.UTF_8);
        return new LogBatch(instance, LogStream.SYSTEM, time, sequence, 1, b, safe.indexOf('\u001b') < 0);
    }

    /** Encodes already decoded lines of one instance and stream (compatibility and tests). */
    public static LogBatch of(String instance, LogStream stream, Instant time, long firstSequence, List<String> texts) {
        StringBuilder sb = new StringBuilder();
        boolean plain = true;
        for (String t : texts) {
            String safe = AnsiText.keepColours(t);
            plain &= safe.indexOf('\u001b') < 0;
            sb.append(safe).append('\n');
        }
        return new LogBatch(instance, stream, time, firstSequence, texts.size(),
                sb.toString().getBytes(StandardCharsets.UTF_8), plain);
    }

    /** Groups consecutive lines of one instance and stream into batches (keeping their sequence numbers). */
    public static java.util.List<LogBatch> batchesOf(java.util.List<LogLine> lines) {
        java.util.List<LogBatch> out = new java.util.ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            LogLine first = lines.get(i);
            int j = i + 1;
            while (j < lines.size() && lines.get(j).instance().equals(first.instance())
                    && lines.get(j).stream() == first.stream() && lines.get(j).time().equals(first.time())
                    && lines.get(j).sequence() == first.sequence() + (j - i)) {
                j++;
            }
            java.util.List<String> texts = new java.util.ArrayList<>(j - i);
            for (int k = i; k < j; k++) {
                texts.add(lines.get(k).text());
            }
            java.time.Instant t = first.time();
            out.add(LogBatch.of(first.instance(), first.stream(), t, first.sequence(), texts));
            i = j;
        }
        return out;
    }
}
