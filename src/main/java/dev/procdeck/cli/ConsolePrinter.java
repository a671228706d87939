package dev.procdeck.cli;

import dev.procdeck.logs.AnsiBytes;
import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.QueuedOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes the multiplexed log the way Foreman users read it: {@code HH:MM:SS web.1  | text}, names padded to
 * the widest, one colour per process type.
 *
 * <p>Producers only enqueue (see {@link QueuedOutput}); a thread of its own assembles lines from the batches'
 * bytes (cached prefixes and timestamps, no String per line) and writes when it catches up or its buffer is
 * full, so lines of different children never share an output line. A terminal that stops reading ({@code |
 * less} paused) makes the readers wait, hence the children, but never the supervisor or a signal handler; once
 * stopping starts ({@link #stopBlocking()}) nobody waits for it any more and what it cannot take is counted.
 */
public final class ConsolePrinter implements LogListener {
    /** Budget of the terminal's queue: beyond it the children wait, as they would writing to a slow tty. */
    public static final long QUEUE_BYTES = Long.getLong("procdeck.stdout.queueBytes", 4L * 1024 * 1024);
    private static final int WRITE_AT = 256 * 1024;
    private static final byte[] RESET = "\u001b[0m".getBytes(StandardCharsets.US_ASCII);
    private static final String[] TYPE_COLOURS = {"36", "33", "32", "35", "34", "31", "96", "93", "92", "95", "94", "91"};
    private static final String SYSTEM_NAME = "system";
    private static final int MAX_CACHED_PREFIXES = 1024;

    private final OutputStream out;
    private final boolean colour;
    private final boolean timestamps;
    private final ZoneId zone;
    private final Map<String, Integer> typeIndex;
    private final QueuedOutput queue;
    // Below: writer thread only.
    private final Map<String, byte[]> prefixes = new HashMap<>();
    private int nameWidth;
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedTime;
    private String lastName;
    private byte[] lastPrefix;
    private byte[] buffer = new byte[64 * 1024];
    private int length;
    // Guarded by this: the callbacks, and a failure that happened before they were set (the first line may
    // well be written, and fail, before StartCommand has wired them).
    private Runnable onBrokenOutput;
    private Consumer<IOException> onWriteError;
    private IOException failure;

    /**
     * @param typeIndex position of each type, for its colour
     * @param nameWidth width of the widest instance name expected
     */
    public ConsolePrinter(OutputStream out, boolean colour, boolean timestamps, ZoneId zone,
                          Map<String, Integer> typeIndex, int nameWidth) {
        this(out, colour, timestamps, zone, typeIndex, nameWidth, QUEUE_BYTES);
    }

    ConsolePrinter(OutputStream out, boolean colour, boolean timestamps, ZoneId zone,
                   Map<String, Integer> typeIndex, int nameWidth, long queueBytes) {
        this.out = out;
        this.colour = colour;
        this.timestamps = timestamps;
        this.zone = zone;
        this.typeIndex = Map.copyOf(typeIndex);
        this.nameWidth = Math.max(nameWidth, SYSTEM_NAME.length());
        this.queue = new QueuedOutput("procdeck-stdout", queueBytes, new Writer(), this::failed, () -> { });
    }

    /** Called once, on the writer thread, when the reader of the pipe has gone (EPIPE): like SIGPIPE, it ends the run. */
    public void setOnBrokenOutput(Runnable action) {
        IOException early;
        synchronized (this) {
            onBrokenOutput = action;
            early = failure;
        }
        if (early != null && isBrokenPipe(early)) {
            action.run();
        }
    }

    /** Called once, on the writer thread, for any other write error (a full disk behind {@code > file}). */
    public void setOnWriteError(Consumer<IOException> action) {
        IOException early;
        synchronized (this) {
            onWriteError = action;
            early = failure;
        }
        if (early != null && !isBrokenPipe(early)) {
            action.accept(early);
        }
    }

    @Override
    public void onBatch(LogBatch batch) {
        queue.onBatch(batch);
    }

    /** From now on producers never wait for the terminal; lines it cannot take are counted. */
    public void stopBlocking() {
        queue.stopBlocking();
    }

    /**
     * Writes what is queued within {@code timeout}, then gives up on a terminal that does not read: its writer
     * is a daemon thread, so even a write stuck for ever does not keep procdeck from exiting.
     *
     * @return true if everything was written
     */
    public boolean close(Duration timeout) {
        return queue.close(timeout);
    }

    /** Child lines the terminal did not get (stopping while it was full, or after a write error). */
    public long missedLines() {
        return queue.droppedLines();
    }

    public long missedEvents() {
        return queue.droppedEvents();
    }

    private void failed(Throwable e) {
        IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
        Runnable broken;
        Consumer<IOException> error;
        synchronized (this) {
            failure = io;
            broken = onBrokenOutput;
            error = onWriteError;
        }
        if (isBrokenPipe(io)) {
            if (broken != null) {
                broken.run();
            }
        } else if (error != null) {
            error.accept(io);
        }
    }

    /** True once the reader of the pipe has gone (as opposed to lines the terminal missed while stalled). */
    public synchronized boolean brokenPipe() {
        return failure != null && isBrokenPipe(failure);
    }

    /** The reader of the pipe has gone: Java reports EPIPE only through the message (the JVM ignores SIGPIPE). */
    static boolean isBrokenPipe(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("Broken pipe") || m.contains("EPIPE"));
    }

    /** Assembles and writes on the printer's own thread. */
    private final class Writer implements QueuedOutput.Writer {
        @Override
        public void write(LogBatch batch) throws IOException {
            byte[] time = timestamps ? time(batch) : null;
            byte[] prefix = prefix(batch);
            byte[] b = batch.bytes();
            boolean stripColour = !colour && !batch.plain();
            int start = 0;
            while (start < b.length) {
                int end = LogBatch.lineEnd(b, start); // after the '\n'
                ensure(end - start + 64 + prefix.length);
                if (time != null) {
                    put(time, 0, time.length);
                }
                put(prefix, 0, prefix.length);
                if (batch.plain()) {
                    put(b, start, end - start);
                } else if (stripColour) {
                    length = AnsiBytes.stripSgr(b, start, end, buffer, length);
                } else {
                    put(b, start, end - 1 - start);
                    if (AnsiBytes.indexOfEsc(b, start, end) >= 0) {
                        put(RESET, 0, RESET.length);
                    }
                    buffer[length++] = '\n';
                }
                start = end;
                if (length >= WRITE_AT) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (length > 0) {
                out.write(buffer, 0, length);
                length = 0;
                out.flush();
            }
            if (buffer.length > 4 * WRITE_AT) {
                buffer = new byte[64 * 1024]; // one 60 KB-line burst must not pin a big buffer
            }
        }
    }

    private byte[] time(LogBatch batch) {
        long second = batch.time().getEpochSecond();
        if (second != cachedSecond) {
            ZonedDateTime t = batch.time().atZone(zone);
            cachedTime = String.format("%02d:%02d:%02d ", t.getHour(), t.getMinute(), t.getSecond())
                    .getBytes(StandardCharsets.US_ASCII);
            cachedSecond = second;
        }
        return cachedTime;
    }

    private byte[] prefix(LogBatch batch) {
        boolean system = batch.isEvent();
        String name = system ? SYSTEM_NAME : batch.instance();
        // Consecutive batches mostly come from the same instance: skip the map lookup.
        if (name.equals(lastName) && lastPrefix != null) {
            return lastPrefix;
        }
        if (name.length() > nameWidth) {
            nameWidth = name.length();
            prefixes.clear();
        }
        String type = system ? null : LogLine.typeOf(name);
        if (prefixes.size() >= MAX_CACHED_PREFIXES && !prefixes.containsKey(name)) {
            prefixes.clear(); // every scheduled or one-off run brings a name of its own: keep the cache bounded
        }
        lastPrefix = prefixes.computeIfAbsent(name, n -> {
            StringBuilder sb = new StringBuilder();
            String padded = n + " ".repeat(nameWidth - n.length());
            if (colour) {
                String code = type == null ? "1;37" : TYPE_COLOURS[typeIndex.getOrDefault(type, 0) % TYPE_COLOURS.length];
                sb.append("\u001b[").append(code).append('m').append(padded).append(" |\u001b[0m ");
            } else {
                sb.append(padded).append(" | ");
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        });
        lastName = name;
        return lastPrefix;
    }

    private void put(byte[] bytes, int off, int len) {
        ensure(len);
        System.arraycopy(bytes, off, buffer, length, len);
        length += len;
    }

    private void ensure(int extra) {
        if (length + extra > buffer.length) {
            byte[] bigger = new byte[Math.max(buffer.length * 2, length + extra)];
            System.arraycopy(buffer, 0, bigger, 0, length);
            buffer = bigger;
        }
    }
}
