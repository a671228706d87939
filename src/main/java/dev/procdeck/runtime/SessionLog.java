package dev.procdeck.runtime;

import dev.procdeck.logs.LineAssembler;
import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.LogStream;
import dev.procdeck.logs.PlainLogFormat;
import dev.procdeck.logs.QueuedOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every line of the session, on disk, so that the console's line cap never loses anything. Files are
 * {@code output-0001.log}, {@code output-0002.log}... of at most {@code maxFileBytes}; beyond {@code maxFiles}
 * the oldest file of the session is deleted (a bound for runaway output). Lines have the shape of
 * {@link PlainLogFormat} with a date, assembled from the batches' bytes by a {@link LineAssembler}.
 *
 * <p>A writer thread of its own takes batches from a queue bounded in bytes ({@link QueuedOutput}): when the
 * disk falls behind, the readers wait instead of lines being dropped, but events (the supervisor thread, signal
 * handlers) never wait. A write error disables the log, is reported once through {@link #setOnFailure}, and
 * from then on nobody waits for it.
 */
public final class SessionLog implements LogListener, AutoCloseable {
    public static final long QUEUE_BYTES = Long.getLong("procdeck.sessionLog.queueBytes", 8L * 1024 * 1024);
    private static final System.Logger LOG = System.getLogger(SessionLog.class.getName());

    private final Path dir;
    private final int maxFiles;
    private final ZoneId zone = ZoneId.systemDefault();
    private final QueuedOutput queue;
    private volatile Consumer<String> onFailure =
            why -> LOG.log(System.Logger.Level.ERROR, why);
    // Below: writer thread only.
    private final LineAssembler lines;
    private OutputStream out;
    private int fileNumber;
    private boolean closed;

    public SessionLog(Path dir, long maxFileBytes, int maxFiles) throws IOException {
        this.dir = dir;
        this.maxFiles = maxFiles;
        Files.createDirectories(dir);
        rotate();
        // A file holds at most maxFileBytes; the next line that would not fit starts the next file.
        lines = new LineAssembler(new LineAssembler.TimeStamps("yyyy-MM-dd HH:mm:ss.SSS ", zone, ChronoUnit.MILLIS),
                SessionLog::prefix, LineAssembler.Colours.STRIP, maxFileBytes, new LineAssembler.Output() {
                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        out.write(bytes, offset, length);
                    }

                    @Override
                    public void nextSegment() throws IOException {
                        rotate();
                    }
                });
        // Disk logging is never urgent: next to a UI it should not take the CPU from it.
        queue = new QueuedOutput("procdeck-session-log", QUEUE_BYTES, new Writer(),
                e -> onFailure.accept("session log disabled, cannot write " + dir + ": " + e.getMessage()),
                () -> dev.procdeck.os.PosixSignals.niceCurrentThread(10));
    }

    public static List<Path> files(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("output-\\d+\\.log")).sorted().forEach(files::add);
        }
        return files;
    }

    /** Where a write error is reported, once (the cli prints it, the dashboard shows it). */
    public void setOnFailure(Consumer<String> action) {
        this.onFailure = action;
    }

    @Override
    public void onBatch(LogBatch batch) {
        queue.onBatch(batch);
    }

    /** Lines the log could not take (after a write error, or left when closing timed out). */
    public long droppedLines() {
        return queue.droppedLines();
    }

    private final class Writer implements QueuedOutput.Writer {
        @Override
        public void write(LogBatch batch) throws IOException {
            lines.append(batch);
        }

        @Override
        public void flush() throws IOException {
            // Flushed whenever we catch up: a crash of procdeck itself loses at most what is in flight.
            lines.drain();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            lines.drain();
            out.close();
        }
    }

    /** {@code "web.1 | "} for stdout, {@code "web.1 ! "} for stderr, {@code "system | "} for events (as {@link PlainLogFormat}). */
    private static String prefix(LogBatch batch) {
        return batch.isEvent() ? "system | "
                : batch.instance() + (batch.stream() == LogStream.STDERR ? " ! " : " | ");
    }

    private void rotate() throws IOException {
        if (out != null) {
            out.close();
        }
        fileNumber++;
        Path file = dir.resolve(String.format("output-%04d.log", fileNumber));
        out = StateFolder.createPrivateFile(file); // 0600 from the start: logs may hold secrets
        List<Path> files = files(dir);
        for (int i = 0; i < files.size() - maxFiles; i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    /** Writes what is queued (waiting at most ten seconds for a slow disk), then closes the file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.close(Duration.ofSeconds(10));
    }
}
