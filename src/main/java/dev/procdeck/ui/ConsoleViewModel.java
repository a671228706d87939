package dev.procdeck.ui;

import dev.procdeck.logs.LineQueue;
import dev.procdeck.logs.LogFilter;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.LogRingBuffer;
import dev.procdeck.logs.LogStream;
import dev.procdeck.logs.PlainLogFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.regex.PatternSyntaxException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The console's model: a bounded buffer of recent lines fed in batches from a {@link LineQueue}, and the
 * filter that decides which of them are shown. Lives on the FX thread except {@link #sink()}, which
 * producers call from any thread.
 */
public final class ConsoleViewModel {
    public static final int DEFAULT_CAPACITY = 100_000;
    /**
     * Lines the console area holds at most (the newest matching ones); the buffer behind it keeps
     * {@link #capacity()} lines for filtering and saving. RichTextFX's cost grows with paragraphs, so the area
     * stays smaller than the buffer.
     */
    public static final int DEFAULT_SHOWN = 20_000;
    /** Lines drawn per pulse at most; beyond that a flood is summarised by one "not drawn" line. */
    public static final int DRAW_BUDGET = 500;
    /** Characters drawn per pulse at most: 500 lines of 60 KB would be 30 MB of text for one frame. */
    public static final int DRAW_CHARS = 1024 * 1024;
    /**
     * Characters the console area holds at most, whatever the line count: with long lines a paragraph cap alone
     * would let the area take gigabytes.
     */
    public static final int DEFAULT_SHOWN_CHARS = 8 * 1024 * 1024;

    /** What the view draws on a pulse: the lines, after {@code skipped} newer-than-shown ones it did not draw. */
    public record Batch(List<LogLine> lines, int skipped) {
    }
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final LogRingBuffer buffer;
    private final LineQueue queue;
    private final Executor io;
    private final ReadOnlyObjectWrapper<LogFilter> filter = new ReadOnlyObjectWrapper<>(this, "filter", LogFilter.ALL);
    private final BooleanProperty timestamps = new SimpleBooleanProperty(this, "timestamps", true);
    private final BooleanProperty following = new SimpleBooleanProperty(this, "following", true);
    private final ReadOnlyIntegerWrapper unseen = new ReadOnlyIntegerWrapper(this, "unseen", 0);
    private final ReadOnlyLongWrapper dropped = new ReadOnlyLongWrapper(this, "dropped", 0);
    private final ReadOnlyLongWrapper received = new ReadOnlyLongWrapper(this, "received", 0);
    private final ReadOnlyStringWrapper queryError = new ReadOnlyStringWrapper(this, "queryError", "");
    private final ObservableList<String> types = FXCollections.observableArrayList();
    private final ObservableList<String> instances = FXCollections.observableArrayList();
    private final Set<String> knownInstances = new HashSet<>();
    private Consumer<Batch> onAppend = batch -> { };
    private final int shown;
    private final int shownChars;
    private Runnable onReset = () -> { };

    public ConsoleViewModel(int capacity, Executor io) {
        this(capacity, Long.getLong("procdeck.console.maxBytes", LogRingBuffer.DEFAULT_MAX_BYTES), io);
    }

    /** @param maxBytes heap budget of the line store (estimated, see {@link LogRingBuffer#sizeOf}) */
    public ConsoleViewModel(int capacity, long maxBytes, Executor io) {
        this.buffer = new LogRingBuffer(capacity, maxBytes);
        this.shown = Math.min(capacity, Integer.getInteger("procdeck.console.shown", DEFAULT_SHOWN));
        this.shownChars = Integer.getInteger("procdeck.console.shownChars", DEFAULT_SHOWN_CHARS);
        // More than a screenful of screens between two pulses is a flood: the excess leaves memory at the door
        // (counted as dropped, kept in the session log) instead of costing the UI thread a copy. The queue keeps
        // bytes; lines are decoded by prepare(), on the pulse timer's thread, only for what is kept.
        this.queue = new LineQueue(shown, Math.min(LineQueue.DEFAULT_MAX_BYTES, Math.max(1024, maxBytes / 4)));
        this.io = io;
        following.addListener((o, was, now) -> {
            if (now) {
                unseen.set(0);
            }
        });
    }

    /** Where the log bus delivers; safe from any thread. */
    public LogListener sink() {
        return queue;
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** The most lines the console area holds. */
    public int shownCapacity() {
        return shown;
    }

    /** The most characters the console area holds (the view trims its oldest paragraphs beyond it). */
    public int shownChars() {
        return shownChars;
    }

    /** The view renders appended lines (already filtered) and re-renders everything on reset. */
    public void setRenderer(Consumer<Batch> onAppend, Runnable onReset) {
        this.onAppend = onAppend;
        this.onReset = onReset;
    }

    private final Object preparedLock = new Object();
    private List<LogLine> prepared = new ArrayList<>();
    private long preparedLost;

    /**
     * Decodes what is queued into lines, off the FX thread (the pulse timer calls it just before it posts a
     * pulse), so that the FX thread only files and appends them. Safe from any thread.
     */
    public void prepare() {
        List<LogLine> batch = queue.drain();
        long lost = queue.takeDropped();
        if (batch.isEmpty() && lost == 0) {
            return;
        }
        synchronized (preparedLock) {
            prepared.addAll(batch);
            preparedLost += lost;
            if (prepared.size() > shown) {
                // A pulse that came late: keep only what one pulse may show, the rest is counted.
                int excess = prepared.size() - shown;
                preparedLost += excess;
                prepared = new ArrayList<>(prepared.subList(excess, prepared.size()));
            }
        }
    }

    /** Moves pending lines into the buffer and hands the visible ones to the view. Called on each pulse. */
    public void pulse() {
        prepare(); // whatever arrived since the timer's prepare(): little
        List<LogLine> batch;
        long lost;
        synchronized (preparedLock) {
            batch = prepared;
            lost = preparedLost;
            prepared = new ArrayList<>();
            preparedLost = 0;
        }
        if (batch.isEmpty() && lost == 0) {
            return;
        }
        buffer.addAll(batch);
        received.set(received.get() + batch.size() + lost);
        queueLost += lost;
        dropped.set(buffer.dropped() + queueLost);
        LogFilter f = filter.get();
        List<LogLine> visible = new ArrayList<>(batch.size());
        String previous = null;
        for (LogLine line : batch) {
            if (line.instance() != previous) {
                noteInstance(line.instance());
                previous = line.instance();
            }
            if (f.matches(line)) {
                visible.add(line);
            }
        }
        if (!following.get()) {
            unseen.set(unseen.get() + visible.size());
        }
        if (!visible.isEmpty()) {
            int skipped = Math.max(0, visible.size() - DRAW_BUDGET);
            long chars = 0;
            for (int i = visible.size() - 1; i >= skipped; i--) {
                chars += visible.get(i).text().length();
                if (chars > DRAW_CHARS && i < visible.size() - 1) {
                    skipped = i + 1;
                    break;
                }
            }
            onAppend.accept(new Batch(skipped == 0 ? visible : visible.subList(skipped, visible.size()), skipped));
        }
    }

    private long queueLost;

    private void noteInstance(String instance) {
        if (instance.equals(LogLine.PROCDECK) || !knownInstances.add(instance)) {
            return;
        }
        TreeSet<String> sorted = new TreeSet<>(dev.procdeck.ui.ConsoleViewModel::compareInstances);
        sorted.addAll(knownInstances);
        instances.setAll(sorted);
        String type = LogLine.typeOf(instance);
        if (!types.contains(type)) {
            types.add(type);
        }
    }

    /** Orders web.2 before web.10. */
    static int compareInstances(String a, String b) {
        String ta = LogLine.typeOf(a);
        String tb = LogLine.typeOf(b);
        int c = ta.compareTo(tb);
        if (c != 0) {
            return c;
        }
        return Integer.compare(number(a), number(b));
    }

    private static int number(String instance) {
        try {
            return Integer.parseInt(instance.substring(instance.lastIndexOf('.') + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Declares the types of the project (in Procfile order) so filters offer them before any output. */
    public void setTypes(List<String> names) {
        for (String n : names) {
            if (!types.contains(n)) {
                types.add(n);
            }
        }
    }

    /** Every buffered line that passes the filter, oldest first. */
    public List<LogLine> visibleLines() {
        LogFilter f = filter.get();
        List<LogLine> out = new ArrayList<>();
        buffer.forEach(l -> {
            if (f.matches(l)) {
                out.add(l);
            }
        });
        return out;
    }

    /** The newest {@link #shownCapacity()} lines that pass the filter: what the area shows after a reset. */
    public List<LogLine> shownLines() {
        LogFilter f = filter.get();
        List<LogLine> out = new ArrayList<>();
        long chars = 0;
        for (int i = buffer.size() - 1; i >= 0 && out.size() < shown; i--) {
            LogLine l = buffer.get(i);
            if (f.matches(l)) {
                chars += l.text().length() + 1;
                if (chars > shownChars && !out.isEmpty()) {
                    break;
                }
                out.add(l);
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    public List<LogLine> allLines() {
        return buffer.toList();
    }

    // ---- filters --------------------------------------------------------------------------------------

    public ReadOnlyObjectProperty<LogFilter> filterProperty() {
        return filter.getReadOnlyProperty();
    }

    public void setHiddenTypes(Set<String> hidden) {
        apply(filter.get().withHiddenTypes(hidden));
    }

    public void setHiddenInstances(Set<String> hidden) {
        apply(filter.get().withHiddenInstances(hidden));
    }

    public void setStreams(Set<LogStream> shown) {
        apply(filter.get().withStreams(shown.isEmpty() ? EnumSet.noneOf(LogStream.class) : EnumSet.copyOf(shown)));
    }

    /** Sets the text query; an invalid regex keeps the previous filter and reports why. */
    public void setQuery(String text, boolean regex, boolean caseSensitive) {
        try {
            LogFilter next = filter.get().withQuery(text, regex, caseSensitive);
            queryError.set("");
            apply(next);
        } catch (PatternSyntaxException e) {
            queryError.set(e.getDescription() + (e.getIndex() >= 0 ? " at " + e.getIndex() : ""));
        }
    }

    /** Shows only this instance (double-click in the table), or everything again when it is already solo. */
    public void solo(String instance) {
        Set<String> others = new HashSet<>(knownInstances);
        others.remove(instance);
        LogFilter f = filter.get();
        boolean alreadySolo = f.hiddenInstances().equals(others) && !others.isEmpty();
        apply(f.withHiddenInstances(alreadySolo ? Set.of() : others).withHiddenTypes(Set.of()));
    }

    private void apply(LogFilter next) {
        filter.set(next);
        onReset.run();
    }

    public ReadOnlyStringProperty queryErrorProperty() {
        return queryError.getReadOnlyProperty();
    }

    public ObservableList<String> types() {
        return types;
    }

    public ObservableList<String> instances() {
        return instances;
    }

    // ---- view state -----------------------------------------------------------------------------------

    public BooleanProperty timestampsProperty() {
        return timestamps;
    }

    /** True while the console sticks to the newest line; scrolling up turns it off. */
    public BooleanProperty followingProperty() {
        return following;
    }

    /** Visible lines that arrived while not following. */
    public ReadOnlyIntegerProperty unseenProperty() {
        return unseen.getReadOnlyProperty();
    }

    /** Lines that left memory because of the line cap or the byte budget. */
    public ReadOnlyLongProperty droppedProperty() {
        return dropped.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty receivedProperty() {
        return received.getReadOnlyProperty();
    }

    public void clear() {
        queueLost = 0;
        buffer.clear();
        dropped.set(0);
        unseen.set(0);
        onReset.run();
    }

    /** Writes the whole buffer or the filtered view as plain text (no colour codes), off the FX thread. */
    public CompletableFuture<Integer> save(Path target, boolean filteredOnly, ZoneId zone) {
        List<LogLine> lines = filteredOnly ? visibleLines() : allLines();
        return CompletableFuture.supplyAsync(() -> {
            PlainLogFormat format = new PlainLogFormat("HH:mm:ss.SSS", zone);
            try (BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                for (LogLine l : lines) {
                    w.write(format.format(l));
                    w.write('\n');
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return lines.size();
        }, io);
    }
}
