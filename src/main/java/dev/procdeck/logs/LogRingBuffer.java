package dev.procdeck.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The most recent {@code capacity} lines; older ones leave memory and are counted as dropped. Not
 * thread-safe: it belongs to one consumer (the dashboard's view model on the FX thread).
 */
public final class LogRingBuffer {
    private final LogLine[] lines;
    private int head; // index of the oldest line
    private int size;
    private long dropped;

    public LogRingBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.lines = new LogLine[capacity];
    }

    public int capacity() {
        return lines.length;
    }

    public int size() {
        return size;
    }

    /** Lines that were pushed out by newer ones since the last {@link #clear()}. */
    public long dropped() {
        return dropped;
    }

    public void add(LogLine line) {
        if (size < lines.length) {
            lines[(head + size) % lines.length] = line;
            size++;
        } else {
            lines[head] = line;
            head = (head + 1) % lines.length;
            dropped++;
        }
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
        dropped = 0;
    }
}
