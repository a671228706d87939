package dev.procdeck.runtime;

import dev.procdeck.logs.AnsiBytes;
import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.LogStream;
import dev.procdeck.logs.PlainLogFormat;
import dev.procdeck.logs.QueuedOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every line of the session, on disk, so that the console's line cap never loses anything. Files are
 * {@code output-0001.log}, {@code output-0002.log}... of at most {@code maxFileBytes}; beyond {@code maxFiles}
 * the oldest file of the session is deleted (a bound for runaway output). Lines have the shape of
 * {@link PlainLogFormat} with a date, assembled from the batches' bytes with cached prefixes and timestamps.
 *
 * <p>A writer thread of its own takes batches from a queue bounded in bytes ({@link QueuedOutput}): when the
 * disk falls behind, the readers wait instead of lines being dropped, but events (the supervisor thread, signal
 * handlers) never wait. A write error disables the log, is reported once through {@link #setOnFailure}, and
 * from then on nobody waits for it.
 */
public final class SessionLog implements LogListener, AutoCloseable {
    public static final long QUEUE_BYTES = Long.getLong("procdeck.sessionLog.queueBytes", 8L * 1024 * 1024);
    private static final System.Logger LOG = System.getLogger(SessionLog.class.getName());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS ");
    private static final int WRITE_AT = 256 * 1024;
    private static final int MAX_CACHED_PREFIXES = 1024;

    private final Path dir;
    private final long maxFileBytes;
    private final int maxFiles;
    private final ZoneId zone = ZoneId.systemDefault();
    private final QueuedOutput queue;
    private volatile Consumer<String> onFailure =
            why -> LOG.log(System.Logger.Level.ERROR, why);
    // Below: writer thread only.
    private final Map<String, byte[]> prefixes = new HashMap<>();
    private String lastInstance;
    private LogStream lastStream;
    private byte[] lastPrefix;
    private Instant cachedInstant;
    private byte[] cachedTime;
    private OutputStream out;
    private byte[] buffer = new byte[WRITE_AT + 64 * 1024];
    private int length;
    private long written;
    private int fileNumber;
    private boolean closed;

    public SessionLog(Path dir, long maxFileBytes, int maxFiles) throws IOException {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        Files.createDirectories(dir);
        rotate();
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
            if (batch.time() != cachedInstant) {
                cachedInstant = batch.time();
                cachedTime = TIME.format(batch.time().atZone(zone)).getBytes(StandardCharsets.US_ASCII);
            }
            byte[] prefix = prefix(batch);
            byte[] b = batch.bytes();
            int start = 0;
            while (start < b.length) {
                int end = LogBatch.lineEnd(b, start);
                int size = cachedTime.length + prefix.length + (end - start);
                if (written + length + size > maxFileBytes && written + length > 0) {
                    drain();
                    rotate();
                }
                if (length + size > buffer.length) {
                    drain();
                    if (size > buffer.length) {
                        buffer = new byte[size];
                    }
                }
                append(cachedTime);
                append(prefix);
                if (batch.plain()) {
                    System.arraycopy(b, start, buffer, length, end - start);
                    length += end - start;
                } else {
                    length = AnsiBytes.stripSgr(b, start, end, buffer, length);
                }
                start = end;
                if (length >= WRITE_AT) {
                    drain();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            // Flushed whenever we catch up: a crash of procdeck itself loses at most what is in flight.
            drain();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            drain();
            out.close();
        }
    }

    private void append(byte[] bytes) {
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    /** Hands the assembled bytes to the file in one write. */
    private void drain() throws IOException {
        if (length > 0) {
            out.write(buffer, 0, length);
            written += length;
            length = 0;
        }
    }

    private byte[] prefix(LogBatch batch) {
        // Consecutive batches mostly come from the same instance and stream.
        if (batch.instance().equals(lastInstance) && batch.stream() == lastStream) {
            return lastPrefix;
        }
        String source = batch.isEvent() ? "system | "
                : batch.instance() + (batch.stream() == LogStream.STDERR ? " ! " : " | ");
        if (prefixes.size() >= MAX_CACHED_PREFIXES && !prefixes.containsKey(source)) {
            prefixes.clear(); // every scheduled or one-off run brings a name of its own: keep the cache bounded
        }
        lastPrefix = prefixes.computeIfAbsent(source, k -> k.getBytes(StandardCharsets.UTF_8));
        lastInstance = batch.instance();
        lastStream = batch.stream();
        return lastPrefix;
    }

    private void rotate() throws IOException {
        if (out != null) {
            out.close();
        }
        fileNumber++;
        Path file = dir.resolve(String.format("output-%04d.log", fileNumber));
        out = StateFolder.createPrivateFile(file); // 0600 from the start: logs may hold secrets
        written = 0;
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
