package dev.procdeck.runtime;

import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.LogStream;
import dev.procdeck.logs.PlainLogFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;

/**
 * Every line of the session, on disk, so that the console's line cap never loses anything. Files are
 * {@code output-0001.log}, {@code output-0002.log}... of at most {@code maxFileBytes}; beyond {@code maxFiles}
 * the oldest file of the session is deleted (a bound for runaway output). Lines have the shape of
 * {@link PlainLogFormat} with a date, assembled from cached bytes.
 *
 * <p>A writer thread of its own takes batches from a bounded queue: the producers (under the LogBus lock) only
 * enqueue, and when the disk falls behind they wait instead of lines being dropped.
 */
public final class SessionLog implements LogListener, AutoCloseable {
    private static final List<LogLine> END = new ArrayList<>();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS ");

    private final Path dir;
    private final long maxFileBytes;
    private final int maxFiles;
    private final ZoneId zone = ZoneId.systemDefault();
    private final BlockingQueue<List<LogLine>> queue = new ArrayBlockingQueue<>(256);
    private final Thread writer;
    private final Map<String, byte[]> prefixes = new HashMap<>();
    private String lastInstance;
    private LogStream lastStream;
    private byte[] lastPrefix;
    private Instant cachedInstant;
    private byte[] cachedTime;
    private OutputStream out;
    private byte[] buffer = new byte[256 * 1024];
    private int length;
    private long written;
    private int fileNumber;
    private volatile boolean failed;
    private boolean closed;

    public SessionLog(Path dir, long maxFileBytes, int maxFiles) throws IOException {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        Files.createDirectories(dir);
        rotate();
        writer = new Thread(this::writeLoop, "procdeck-session-log");
        writer.setDaemon(true);
        writer.start();
    }

    public static List<Path> files(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("output-\\d+\\.log")).sorted().forEach(files::add);
        }
        return files;
    }

    @Override
    public void onLines(List<LogLine> lines) {
        if (failed) {
            return;
        }
        try {
            queue.put(lines);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        // Disk logging is never urgent: next to a UI it should not take the CPU from it.
        dev.procdeck.os.PosixSignals.niceCurrentThread(10);
        try {
            while (true) {
                List<LogLine> batch = queue.take();
                if (batch == END) {
                    break;
                }
                write(batch);
                if (queue.isEmpty()) {
                    // Flushed whenever we catch up: a crash of procdeck itself loses at most what is in flight.
                    out.flush();
                }
            }
            out.close();
        } catch (IOException e) {
            failed = true;
            queue.clear();
            System.err.println("procdeck: session log disabled, cannot write " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(List<LogLine> batch) throws IOException {
        for (LogLine line : batch) {
            if (line.time() != cachedInstant) {
                cachedInstant = line.time();
                cachedTime = TIME.format(line.time().atZone(zone)).getBytes(StandardCharsets.US_ASCII);
            }
            byte[] prefix = prefix(line);
            byte[] text = AnsiText.stripColours(line).getBytes(StandardCharsets.UTF_8);
            int size = cachedTime.length + prefix.length + text.length + 1;
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
            append(text);
            buffer[length++] = '\n';
        }
        drain();
    }

    private void append(byte[] bytes) {
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    /** Hands the assembled bytes to the file in one write (BufferedOutputStream locks on every call). */
    private void drain() throws IOException {
        if (length > 0) {
            out.write(buffer, 0, length);
            written += length;
            length = 0;
        }
    }

    private byte[] prefix(LogLine line) {
        // Consecutive lines mostly come from the same instance and stream (one batch is one read of one pipe).
        if (line.instance() == lastInstance && line.stream() == lastStream) {
            return lastPrefix;
        }
        lastPrefix = prefixes.computeIfAbsent(PlainLogFormat.source(line), k -> k.getBytes(StandardCharsets.UTF_8));
        lastInstance = line.instance();
        lastStream = line.stream();
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

    /** Writes what is queued, then closes the file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!failed) {
                queue.put(END);
            }
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
