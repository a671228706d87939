package dev.procdeck.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded hand-over from producer threads to one consumer that drains in batches (the dashboard's pulse).
 * It keeps batches as bytes: decoding to {@link LogLine}s happens in {@link #drain()}, on the consumer's
 * thread, and only for what is kept. When the consumer falls behind by more than {@code capacity} lines or
 * {@code maxBytes} bytes the oldest pending lines are dropped and counted, so producers never wait and memory
 * stays bounded whatever the line length.
 */
public final class LineQueue implements LogListener {
    /** Default byte budget: a few screens of floods between two pulses, far below any sane heap. */
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

    private record Entry(LogBatch batch, List<LogLine> decoded, int lines, long cost) {
    }

    private final int capacity;
    private final long maxBytes;
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private long bytes;
    private int lines;
    private long dropped;
    /** The same drops by instance, so that each instance's history can say it is not complete. */
    private final java.util.Map<String, Long> droppedBy = new java.util.HashMap<>();

    public LineQueue(int capacity) {
        this(capacity, DEFAULT_MAX_BYTES);
    }

    public LineQueue(int capacity, long maxBytes) {
        if (capacity < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("capacity and budget must be positive");
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    @Override
    public void onBatch(LogBatch batch) {
        add(new Entry(batch, null, batch.lineCount(), batch.cost()));
    }

    @Override
    public void onLines(List<LogLine> batch) {
        long cost = 0;
        for (LogLine l : batch) {
            cost += LogRingBuffer.sizeOf(l);
        }
        add(new Entry(null, List.copyOf(batch), batch.size(), cost));
    }

    private synchronized void add(Entry e) {
        pending.addLast(e);
        bytes += e.cost();
        lines += e.lines();
        // Whole entries leave first; the newest always stays, and drain() trims it if it alone is too big.
        while (pending.size() > 1 && (bytes > maxBytes || lines > capacity)) {
            Entry old = pending.pollFirst();
            bytes -= old.cost();
            lines -= old.lines();
            dropped += old.lines();
            if (old.batch() != null) {
                droppedBy.merge(old.batch().instance(), (long) old.lines(), Long::sum);
            } else {
                old.decoded().forEach(l -> droppedBy.merge(l.instance(), 1L, Long::sum));
            }
        }
    }

    /** Bytes pending, as accounted against the budget. */
    public synchronized long pendingBytes() {
        return bytes;
    }

    /** Takes every pending line, oldest first, decoding on the caller's thread. */
    public List<LogLine> drain() {
        List<Entry> taken;
        synchronized (this) {
            taken = new ArrayList<>(pending);
            pending.clear();
            bytes = 0;
            lines = 0;
        }
        List<LogLine> out = new ArrayList<>();
        for (Entry e : taken) {
            out.addAll(e.decoded() != null ? e.decoded() : e.batch().lines());
        }
        if (out.size() > capacity) {
            int excess = out.size() - capacity;
            synchronized (this) {
                dropped += excess;
                out.subList(0, excess).forEach(l -> droppedBy.merge(l.instance(), 1L, Long::sum));
            }
            out = new ArrayList<>(out.subList(excess, out.size()));
        }
        return out;
    }

    /** Lines dropped because the consumer was too slow; reset on read (with {@link #takeDroppedByInstance()}). */
    public synchronized long takeDropped() {
        long d = dropped;
        dropped = 0;
        return d;
    }

    /** The lines dropped since the last call, by instance; reset on read. */
    public synchronized java.util.Map<String, Long> takeDroppedByInstance() {
        java.util.Map<String, Long> d = java.util.Map.copyOf(droppedBy);
        droppedBy.clear();
        return d;
    }
}
