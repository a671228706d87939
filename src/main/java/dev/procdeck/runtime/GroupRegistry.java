package dev.procdeck.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The process groups a session has running, kept in a file ({@code pgid starttime marker} per line, 0600)
 * that the next launch reads to find leftovers. Rewritten whole and renamed into place, so a reader never
 * sees half a file.
 *
 * <p>The file is written on a thread of its own: the supervisor tells us of a group right after the spawn and
 * must not wait for a disk (the watchdog, told first through its pipe, is what protects against procdeck's
 * death; this file only serves the next launch). Writes coalesce: a burst of starts is one write.
 */
public final class GroupRegistry implements AutoCloseable {
    /** Reads of a groups file stop here: a real one holds a few lines of at most ~60 bytes. */
    static final int MAX_FILE_BYTES = 64 * 1024;
    static final int MAX_RECORDS = 1024;

    /** Records read back from a file, and what was wrong with the lines that were skipped. */
    public record Contents(List<GroupRecord> records, List<String> problems) {
    }

    private final Path file;
    private final Consumer<String> onWriteFailure;
    private final Map<Long, GroupRecord> groups = new LinkedHashMap<>();
    private final ExecutorService writer;
    private boolean writeQueued;
    private boolean failed;

    /** {@code file} null: keep the groups in memory only (the state folder cannot be written). */
    public GroupRegistry(Path file, Consumer<String> onWriteFailure) {
        this.file = file;
        this.onWriteFailure = onWriteFailure;
        this.writer = file == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "procdeck-group-registry");
            t.setDaemon(true);
            return t;
        });
    }

    public Path file() {
        return file;
    }

    public synchronized void started(GroupRecord record) {
        groups.put(record.pgid(), record);
        queueWrite();
    }

    public synchronized void ended(long pgid) {
        if (groups.remove(pgid) != null) {
            queueWrite();
        }
    }

    public synchronized List<GroupRecord> current() {
        return new ArrayList<>(groups.values());
    }

    /** Empties the registry on a clean exit (nothing is left for the next launch) and waits for the file. */
    @Override
    public void close() {
        synchronized (this) {
            groups.clear();
            queueWrite();
        }
        if (writer != null) {
            writer.shutdown();
            try {
                writer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void queueWrite() {
        if (writer == null || writeQueued || failed || writer.isShutdown()) {
            return;
        }
        writeQueued = true;
        writer.execute(this::write);
    }

    private void write() {
        StringBuilder sb = new StringBuilder();
        synchronized (this) {
            writeQueued = false;
            groups.values().forEach(g -> sb.append(g.line()).append('\n'));
        }
        try {
            StateFolder.writePrivateFile(file, sb.toString());
        } catch (IOException e) {
            synchronized (this) {
                failed = true; // said once; the watchdog still has every group in memory
            }
            onWriteFailure.accept("cannot record process groups in " + file + " (" + e.getMessage()
                    + "); the watchdog keeps them in memory, but a later procdeck will not find leftovers");
        }
    }

    /**
     * Reads a groups file. Every line is validated ({@link GroupRecord#parse}); a bad one is reported and
     * skipped, and a file that is too large, not regular, or a symlink is not read at all.
     */
    public static Contents read(Path file) {
        List<GroupRecord> records = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String text;
        try {
            text = StateFolder.readSmallFile(file, MAX_FILE_BYTES);
        } catch (java.nio.file.NoSuchFileException e) {
            return new Contents(records, problems);
        } catch (IOException e) {
            problems.add("ignored " + file + ": " + e.getMessage());
            return new Contents(records, problems);
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            if (records.size() >= MAX_RECORDS) {
                problems.add("ignored the rest of " + file + ": more than " + MAX_RECORDS + " records");
                break;
            }
            try {
                records.add(GroupRecord.parse(lines[i]));
            } catch (IllegalArgumentException e) {
                problems.add("ignored line " + (i + 1) + " of " + file + ": " + e.getMessage());
            }
        }
        return new Contents(records, problems);
    }
}
