package dev.procdeck.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The most recent lines, at most {@code capacity} of them and at most {@code maxBytes} of estimated heap;
 * older ones leave memory and are counted as dropped. The byte budget is what keeps 60 KB lines from
 * filling the heap: a line count alone would allow gigabytes. Not thread-safe: it belongs to one consumer
 * (the dashboard's view model on the FX thread).
 */
public final class LogRingBuffer {
    /**
     * Default heap budget of the console's store; {@code -Dprocdeck.console.maxBytes=...} changes it. 32 MiB holds
     * the 100,000-line cap of 80-character lines (about 26 MiB by {@link #sizeOf}); longer lines are held to it.
     */
    public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;

    private final LogLine[] lines;
    private final long maxBytes;
    private int head; // index of the oldest line
    private int size;
    private long bytes;
    private long dropped;

    public LogRingBuffer(int capacity) {
        this(capacity, DEFAULT_MAX_BYTES);
    }

    public LogRingBuffer(int capacity, long maxBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("byte budget must be positive: " + maxBytes);
        }
        this.lines = new LogLine[capacity];
        this.maxBytes = maxBytes;
    }

    /**
     * Estimated heap of a line: the record, its String (one byte per char for Latin-1 text, two otherwise;
     * two is assumed, the safe side) and the shared rest amortised.
     */
    public static long sizeOf(LogLine line) {
        return 96L + 2L * line.text().length();
    }

    public int capacity() {
        return lines.length;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public int size() {
        return size;
    }

    /** Estimated heap held by the kept lines. */
    public long bytes() {
        return bytes;
    }

    /** Lines that were pushed out by newer ones since the last {@link #clear()}. */
    public long dropped() {
        return dropped;
    }

    public void add(LogLine line) {
        if (size == lines.length) {
            removeOldest();
        }
        lines[(head + size) % lines.length] = line;
        size++;
        bytes += sizeOf(line);
        // The newest line always stays, even if it alone is over the budget (it is at most one cut line).
        while (bytes > maxBytes && size > 1) {
            removeOldest();
        }
    }

    private void removeOldest() {
        bytes -= sizeOf(lines[head]);
        lines[head] = null;
        head = (head + 1) % lines.length;
        size--;
        dropped++;
    }

    public void addAll(List<LogLine> batch) {
        for (LogLine line : batch) {
            add(line);
        }
    }

    /** The i-th line, 0 being the oldest kept. */
    public LogLine get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return lines[(head + i) % lines.length];
    }

    public void forEach(Consumer<LogLine> action) {
        for (int i = 0; i < size; i++) {
            action.accept(get(i));
        }
    }

    public List<LogLine> toList() {
        List<LogLine> out = new ArrayList<>(size);
        forEach(out::add);
        return out;
    }

    public void clear() {
        java.util.Arrays.fill(lines, null);
        head = 0;
        size = 0;
        bytes = 0;
        dropped = 0;
    }
}
