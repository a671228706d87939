package dev.procdeck.cli;

import dev.procdeck.logs.LineAssembler;
import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.QueuedOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes the multiplexed log the way Foreman users read it: {@code HH:MM:SS web.1  | text}, names padded to
 * the widest, one colour per process type.
 *
 * <p>Producers only enqueue (see {@link QueuedOutput}); a thread of its own assembles lines from the batches'
 * bytes ({@link LineAssembler}: cached prefixes and timestamps, no String per line) and writes when it catches
 * up or its buffer is full, so lines of different children never share an output line. A terminal that stops
 * reading ({@code | less} paused) makes the readers wait, hence the children, but never the supervisor or a signal handler; once
 * stopping starts ({@link #stopBlocking()}) nobody waits for it any more and what it cannot take is counted.
 */
public final class ConsolePrinter implements LogListener {
    /** Budget of the terminal's queue: beyond it the children wait, as they would writing to a slow tty. */
    public static final long QUEUE_BYTES = Long.getLong("procdeck.stdout.queueBytes", 4L * 1024 * 1024);
    private static final String[] TYPE_COLOURS = {"36", "33", "32", "35", "34", "31", "96", "93", "92", "95", "94", "91"};
    private static final String SYSTEM_NAME = "system";

    private final OutputStream out;
    private final boolean colour;
    private final Map<String, Integer> typeIndex;
    private final QueuedOutput queue;
    // Below: writer thread only.
    private final LineAssembler lines;
    private int nameWidth;
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
        this.typeIndex = Map.copyOf(typeIndex);
        this.nameWidth = Math.max(nameWidth, SYSTEM_NAME.length());
        LineAssembler.TimeStamps times = timestamps ? new LineAssembler.TimeStamps("HH:mm:ss ", zone, ChronoUnit.SECONDS) : null;
        this.lines = new LineAssembler(times, this::prefix,
                colour ? LineAssembler.Colours.KEEP : LineAssembler.Colours.STRIP, this::writeOut);
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

    /** Each write's worth goes out at once: a reader of the terminal sees lines while a flood is assembled. */
    private void writeOut(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
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
            String name = sourceName(batch);
            if (name.length() > nameWidth) {
                nameWidth = name.length();
                lines.forgetSources(); // every name is padded to the new width from now on
            }
            lines.append(batch);
        }

        @Override
        public void flush() throws IOException {
            lines.drain();
        }
    }

    private static String sourceName(LogBatch batch) {
        return batch.isEvent() ? SYSTEM_NAME : batch.instance();
    }

    /** {@code "web.1  | "}: the name padded to the widest so far, coloured by its type (stdout and stderr alike). */
    private String prefix(LogBatch batch) {
        String name = sourceName(batch);
        String padded = name + " ".repeat(nameWidth - name.length());
        if (!colour) {
            return padded + " | ";
        }
        String code = batch.isEvent() ? "1;37"
                : TYPE_COLOURS[typeIndex.getOrDefault(LogLine.typeOf(name), 0) % TYPE_COLOURS.length];
        return "\u001b[" + code + "m" + padded + " |\u001b[0m ";
    }
}
