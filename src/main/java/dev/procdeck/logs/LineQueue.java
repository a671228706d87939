package dev.procdeck.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded hand-over from producer threads to one consumer that drains in batches (the dashboard's pulse).
 * When the consumer falls behind by more than {@code capacity} lines the oldest pending lines are dropped and
 * counted, so producers never block and memory never grows.
 */
public final class LineQueue implements LogListener {
    private final int capacity;
    private final ArrayDeque<LogLine> pending = new ArrayDeque<>();
    private long dropped;

    public LineQueue(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void onLines(List<LogLine> lines) {
        for (LogLine line : lines) {
            if (pending.size() == capacity) {
                pending.pollFirst();
                dropped++;
            }
            pending.addLast(line);
        }
    }

    /** Takes every pending line, oldest first. */
    public synchronized List<LogLine> drain() {
        List<LogLine> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    /** Lines dropped because the consumer was too slow; reset on read. */
    public synchronized long takeDropped() {
        long d = dropped;
        dropped = 0;
        return d;
    }
}
