package dev.procdeck.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns {@link LogBatch}es into text lines {@code [time][source]text\n}, as bytes, for the outputs that write a
 * child's lines as text: the terminal and the session log. Per batch the time and the source prefix are looked
 * up once (both cached across batches); the lines are then copied, or stripped of colour, straight from the
 * batch into one buffer, which goes to the output in large writes that always end on a line. No String per line.
 *
 * <p>The batch bytes are already safe (see {@link LogBatch}): controls, bidi overrides and escapes other than
 * colour were made visible or removed by {@link LineSplitter}, so nothing here decodes text.
 *
 * <p>Not thread-safe: it belongs to one output's writer thread.
 */
public final class LineAssembler {
    /** The buffer is handed to the output once it holds this much. */
    static final int WRITE_AT = 256 * 1024;
    /** The buffer's usual size: a write's worth plus one line of at most {@link LineSplitter#DEFAULT_MAX_LINE_BYTES}. */
    private static final int BUFFER_BYTES = WRITE_AT + 64 * 1024;
    private static final int MAX_CACHED_SOURCES = 1024;
    private static final byte[] RESET = "\u001b[0m".getBytes(StandardCharsets.US_ASCII);

    /** What becomes of SGR colour codes in the text. */
    public enum Colours {
        /** Kept, and a line holding any is ended with a reset, so that a colour never bleeds into the next line. */
        KEEP,
        /** Removed. */
        STRIP
    }

    /** What stands between the time and the text for a batch's source ({@code "web.1 | "}, say); rendered once per source. */
    @FunctionalInterface
    public interface Sources {
        String prefix(LogBatch batch);
    }

    /** Where assembled bytes go. */
    public interface Output {
        /** Writes whole assembled lines. */
        void write(byte[] bytes, int offset, int length) throws IOException;

        /**
         * The current segment holds its limit: go on in a fresh one (the next file of a rotating log). Only called
         * on an assembler with a segment limit.
         */
        default void nextSegment() throws IOException {
            throw new UnsupportedOperationException("no segment limit was given");
        }
    }

    /** A time rendered once per distinct value at its resolution: a second for {@code HH:mm:ss}, a millisecond with {@code .SSS}. */
    public static final class TimeStamps {
        private final DateTimeFormatter format;
        private final long nanosPerUnit;
        private long cachedSecond = Long.MIN_VALUE;
        private long cachedUnit;
        private byte[] cached;

        /** @param pattern a {@link DateTimeFormatter} pattern, including any separator after the time */
        public TimeStamps(String pattern, ZoneId zone, ChronoUnit resolution) {
            if (resolution.getDuration().toNanos() > 1_000_000_000L) {
                throw new IllegalArgumentException("resolution coarser than a second: " + resolution);
            }
            this.format = DateTimeFormatter.ofPattern(pattern).withZone(zone);
            this.nanosPerUnit = resolution.getDuration().toNanos();
        }

        byte[] of(Instant time) {
            long second = time.getEpochSecond();
            long unit = time.getNano() / nanosPerUnit;
            if (second != cachedSecond || unit != cachedUnit || cached == null) {
                cached = format.format(time).getBytes(StandardCharsets.US_ASCII);
                cachedSecond = second;
                cachedUnit = unit;
            }
            return cached;
        }
    }

    private record SourceKey(String instance, LogStream stream) {
    }

    private final TimeStamps times;
    private final Sources sources;
    private final Colours colours;
    private final long segmentBytes;
    private final Output output;
    private final Map<SourceKey, byte[]> prefixes = new HashMap<>();
    private String lastInstance;
    private LogStream lastStream;
    private byte[] lastPrefix;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private int length;
    private long segmentWritten;

    /**
     * @param times        null for lines without a time
     * @param segmentBytes at most this many bytes go to one segment before {@link Output#nextSegment()} (a line
     *                     larger than that gets a segment of its own); {@link Long#MAX_VALUE} for no limit
     */
    public LineAssembler(TimeStamps times, Sources sources, Colours colours, long segmentBytes, Output output) {
        if (segmentBytes <= 0) {
            throw new IllegalArgumentException("segmentBytes must be positive: " + segmentBytes);
        }
        this.times = times;
        this.sources = sources;
        this.colours = colours;
        this.segmentBytes = segmentBytes;
        this.output = output;
    }

    /** Without a segment limit (a terminal). */
    public LineAssembler(TimeStamps times, Sources sources, Colours colours, Output output) {
        this(times, sources, colours, Long.MAX_VALUE, output);
    }

    /** Assembles the lines of one batch; writes to the output whenever a write's worth is assembled. */
    public void append(LogBatch batch) throws IOException {
        byte[] time = times == null ? null : times.of(batch.time());
        int timeLength = time == null ? 0 : time.length;
        byte[] prefix = prefix(batch);
        byte[] b = batch.bytes();
        // Room for a reset, and a newline should the last line lack one; stripping never lengthens a line.
        int extra = colours == Colours.KEEP ? RESET.length + 1 : 0;
        int start = 0;
        while (start < b.length) {
            int end = LogBatch.lineEnd(b, start); // after the '\n'
            int size = timeLength + prefix.length + (end - start) + extra;
            if (segmentWritten + length + size > segmentBytes && segmentWritten + length > 0) {
                drain();
                output.nextSegment();
                segmentWritten = 0;
            }
            if (length + size > buffer.length) {
                drain();
                if (size > buffer.length) {
                    buffer = new byte[size]; // one huge line; back to the usual size after the next drain
                }
            }
            if (time != null) {
                put(time, 0, time.length);
            }
            put(prefix, 0, prefix.length);
            if (batch.plain()) {
                put(b, start, end - start);
            } else if (colours == Colours.STRIP) {
                length = AnsiBytes.stripSgr(b, start, end, buffer, length);
            } else {
                int textEnd = b[end - 1] == '\n' ? end - 1 : end;
                put(b, start, textEnd - start);
                if (AnsiBytes.indexOfEsc(b, start, textEnd) >= 0) {
                    put(RESET, 0, RESET.length);
                }
                buffer[length++] = '\n';
            }
            start = end;
            if (length >= WRITE_AT) {
                drain();
            }
        }
    }

    /** Hands everything assembled to the output. */
    public void drain() throws IOException {
        if (length > 0) {
            output.write(buffer, 0, length);
            segmentWritten += length;
            length = 0;
        }
        if (buffer.length > BUFFER_BYTES) {
            buffer = new byte[BUFFER_BYTES]; // a huge line must not pin a huge buffer
        }
    }

    /** Renders every source afresh from now on (the output's prefixes changed, a wider name column say). */
    public void forgetSources() {
        prefixes.clear();
        lastPrefix = null;
    }

    private byte[] prefix(LogBatch batch) {
        // Consecutive batches mostly come from the same instance and stream: skip the map lookup.
        if (lastPrefix != null && batch.instance().equals(lastInstance) && batch.stream() == lastStream) {
            return lastPrefix;
        }
        SourceKey key = new SourceKey(batch.instance(), batch.stream());
        if (prefixes.size() >= MAX_CACHED_SOURCES && !prefixes.containsKey(key)) {
            prefixes.clear(); // every scheduled or one-off run brings a name of its own: keep the cache bounded
        }
        lastPrefix = prefixes.computeIfAbsent(key, k -> sources.prefix(batch).getBytes(StandardCharsets.UTF_8));
        lastInstance = batch.instance();
        lastStream = batch.stream();
        return lastPrefix;
    }

    private void put(byte[] bytes, int offset, int count) {
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
    }
}
