package dev.procdeck.logs;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The console's lines in memory, kept PER INSTANCE so that a chatty process cannot evict everyone's history:
 * each instance keeps at most {@code instanceBytes} of estimated heap ({@link LogRingBuffer#sizeOf}), and when
 * the whole store passes {@code maxLines} or {@code maxBytes} the oldest line of the instance holding the most
 * goes. So a quiet instance keeps hours while the chatty one keeps its newest lines. What each instance keeps is
 * always the newest part of what it printed (a contiguous tail), and {@link #stats} says how much that is. Lines
 * are merged back into one stream by their global sequence number. Not thread-safe: one owner (the FX thread).
 */
public final class InstanceLogStore {
    /** What memory holds of one instance: {@code kept} of its {@code received} lines, the oldest being {@code oldest}. */
    public record InstanceStats(String instance, int kept, long received, long dropped, LogLine oldest) {
        /** When the oldest line in memory arrived, or null when none is. */
        public Instant since() {
            return oldest == null ? null : oldest.time();
        }

        /** True when memory holds every line the instance printed (since the last clear). */
        public boolean complete() {
            return dropped == 0;
        }
    }

    private static final class Slot {
        final ArrayDeque<LogLine> lines = new ArrayDeque<>();
        long bytes;
        long received;
        long dropped;
    }

    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final int maxLines;
    private final long maxBytes;
    private final long instanceBytes;
    private int size;
    private long bytes;
    private long dropped;

    public InstanceLogStore(int maxLines, long maxBytes, long instanceBytes) {
        if (maxLines < 1 || maxBytes < 1 || instanceBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxLines + ", " + maxBytes + ", "
                    + instanceBytes);
        }
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
        this.instanceBytes = Math.min(instanceBytes, maxBytes);
    }

    public int maxLines() {
        return maxLines;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long instanceBytes() {
        return instanceBytes;
    }

    public int size() {
        return size;
    }

    public long bytes() {
        return bytes;
    }

    /** Lines that left memory since the last {@link #clear()}. */
    public long dropped() {
        return dropped;
    }

    public void addAll(List<LogLine> batch) {
        for (LogLine line : batch) {
            add(line);
        }
    }

    /**
     * Lines of an instance that never reached the store (dropped on the way under a flood): they count as
     * received and dropped, so the instance's history says it is not complete.
     */
    public void noteLost(String instance, long lines) {
        if (lines <= 0) {
            return;
        }
        Slot slot = slots.computeIfAbsent(instance, k -> new Slot());
        slot.received += lines;
        slot.dropped += lines;
    }

    public void add(LogLine line) {
        Slot slot = slots.computeIfAbsent(line.instance(), k -> new Slot());
        long cost = LogRingBuffer.sizeOf(line);
        slot.lines.addLast(line);
        slot.bytes += cost;
        slot.received++;
        size++;
        bytes += cost;
        // The newest line of an instance always stays, even alone over the budget (it is at most one cut line).
        while (slot.bytes > instanceBytes && slot.lines.size() > 1) {
            removeOldest(slot);
        }
        while ((size > maxLines || bytes > maxBytes) && size > 1) {
            Slot victim = largest(size > maxLines, slot);
            if (victim == null) {
                break;
            }
            removeOldest(victim);
        }
    }

    /** The slot holding the most lines (or bytes); the one just added to only if it keeps another line. */
    private Slot largest(boolean byLines, Slot newest) {
        Slot best = null;
        long bestValue = -1;
        for (Slot s : slots.values()) {
            int n = s.lines.size();
            if (n == 0 || (s == newest && n == 1)) {
                continue;
            }
            long value = byLines ? n : s.bytes;
            if (value > bestValue) {
                best = s;
                bestValue = value;
            }
        }
        return best;
    }

    private void removeOldest(Slot slot) {
        LogLine gone = slot.lines.removeFirst();
        long cost = LogRingBuffer.sizeOf(gone);
        slot.bytes -= cost;
        slot.dropped++;
        bytes -= cost;
        size--;
        dropped++;
    }

    /** Every kept line that passes {@code filter}, oldest first (by sequence). */
    public List<LogLine> lines(Predicate<LogLine> filter) {
        List<LogLine> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            for (LogLine l : s.lines) {
                if (filter.test(l)) {
                    out.add(l);
                }
            }
        }
        // Each slot is a sorted run: the sort merges runs.
        out.sort(Comparator.comparingLong(LogLine::sequence));
        return out;
    }

    /** The newest {@code count} kept lines that pass {@code filter}, oldest first. */
    public List<LogLine> newest(Predicate<LogLine> filter, int count) {
        List<LogLine> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            int taken = 0;
            for (Iterator<LogLine> it = s.lines.descendingIterator(); it.hasNext() && taken < count; ) {
                LogLine l = it.next();
                if (filter.test(l)) {
                    out.add(l);
                    taken++;
                }
            }
        }
        out.sort(Comparator.comparingLong(LogLine::sequence));
        return out.size() <= count ? out : new ArrayList<>(out.subList(out.size() - count, out.size()));
    }

    /**
     * The lines kept now, as references (no line is copied), for filtering on another thread while this store
     * goes on changing on its own.
     */
    public Snapshot snapshot() {
        List<LogLine[]> runs = new ArrayList<>(slots.size());
        for (Slot s : slots.values()) {
            if (!s.lines.isEmpty()) {
                runs.add(s.lines.toArray(new LogLine[0]));
            }
        }
        return new Snapshot(runs);
    }

    /** What a store held at one moment: one run of lines per instance, each oldest first. Immutable. */
    public static final class Snapshot {
        private final List<LogLine[]> runs;

        private Snapshot(List<LogLine[]> runs) {
            this.runs = runs;
        }

        /**
         * The newest {@code count} lines that pass {@code filter}, oldest first; empty as soon as {@code stop}
         * says the answer is no longer wanted (checked every few thousand lines).
         */
        public List<LogLine> newest(Predicate<LogLine> filter, int count, java.util.function.BooleanSupplier stop) {
            List<LogLine> out = new ArrayList<>();
            int checked = 0;
            for (LogLine[] run : runs) {
                int taken = 0;
                for (int i = run.length - 1; i >= 0 && taken < count; i--) {
                    if ((++checked & 4095) == 0 && stop.getAsBoolean()) {
                        return List.of();
                    }
                    if (filter.test(run[i])) {
                        out.add(run[i]);
                        taken++;
                    }
                }
            }
            out.sort(Comparator.comparingLong(LogLine::sequence));
            return out.size() <= count ? out : new ArrayList<>(out.subList(out.size() - count, out.size()));
        }
    }

    /** Instances with lines in memory now. */
    public Set<String> instancesInMemory() {
        Set<String> names = new java.util.LinkedHashSet<>();
        slots.forEach((k, v) -> {
            if (!v.lines.isEmpty()) {
                names.add(k);
            }
        });
        return names;
    }

    public Optional<InstanceStats> stats(String instance) {
        Slot s = slots.get(instance);
        return s == null ? Optional.empty() : Optional.of(stats(instance, s));
    }

    /** Every instance seen since the last clear, in order of first line. */
    public List<InstanceStats> stats() {
        List<InstanceStats> out = new ArrayList<>();
        slots.forEach((k, v) -> out.add(stats(k, v)));
        return out;
    }

    private static InstanceStats stats(String instance, Slot s) {
        return new InstanceStats(instance, s.lines.size(), s.received, s.dropped,
                s.lines.peekFirst());
    }

    public void clear() {
        slots.clear();
        size = 0;
        bytes = 0;
        dropped = 0;
    }
}
