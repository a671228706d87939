package dev.procdeck.session;

import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.PlainLogFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every line of the session, on disk, so that the console's line cap never loses anything. Files are
 * {@code output-0001.log}, {@code output-0002.log}... of at most {@code maxFileBytes}; beyond {@code maxFiles}
 * the oldest file of the session is deleted (a bound for runaway output). Written synchronously under the
 * LogBus lock: a slow disk slows producers down instead of dropping lines.
 */
public final class SessionLog implements LogListener, AutoCloseable {
    private final Path dir;
    private final long maxFileBytes;
    private final int maxFiles;
    private final PlainLogFormat format = new PlainLogFormat("yyyy-MM-dd HH:mm:ss.SSS", ZoneId.systemDefault());
    private OutputStream out;
    private long written;
    private int fileNumber;
    private boolean failed;

    public SessionLog(Path dir, long maxFileBytes, int maxFiles) throws IOException {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        Files.createDirectories(dir);
        rotate();
    }

    public static List<Path> files(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("output-\\d+\\.log")).sorted().forEach(files::add);
        }
        return files;
    }

    @Override
    public synchronized void onLines(List<LogLine> lines) {
        if (failed) {
            return;
        }
        try {
            for (LogLine line : lines) {
                byte[] bytes = (format.format(line) + "\n").getBytes(StandardCharsets.UTF_8);
                if (written + bytes.length > maxFileBytes && written > 0) {
                    rotate();
                }
                out.write(bytes);
                written += bytes.length;
            }
            // One write per batch: a crash of procdeck itself loses at most the batch in flight.
            out.flush();
        } catch (IOException e) {
            failed = true;
            System.err.println("procdeck: session log disabled, cannot write " + dir + ": " + e.getMessage());
        }
    }

    private void rotate() throws IOException {
        if (out != null) {
            out.close();
        }
        fileNumber++;
        Path file = dir.resolve(String.format("output-%04d.log", fileNumber));
        out = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024);
        written = 0;
        List<Path> files = files(dir);
        for (int i = 0; i < files.size() - maxFiles; i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            // Best effort at exit.
        }
    }
}
