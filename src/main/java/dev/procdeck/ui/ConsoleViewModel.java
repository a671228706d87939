package dev.procdeck.ui;

import dev.procdeck.logs.InstanceLogStore;
import dev.procdeck.logs.LineQueue;
import dev.procdeck.logs.LogFilter;
import dev.procdeck.logs.LogLevel;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.LogRingBuffer;
import dev.procdeck.logs.LogStream;
import dev.procdeck.logs.PlainLogFormat;
import dev.procdeck.logs.UserRegex;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
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
 * The console's model. Lines arrive in batches from a {@link LineQueue} and are kept per instance in an
 * {@link InstanceLogStore} (so a chatty process does not evict everyone's history); a {@link LogFilter} decides
 * which are shown. When a filter reaches past what memory holds of an instance, the older lines are read from
 * the session log on disk (on the {@code io} executor, with progress, cancelled by the next filter change), and
 * Save reads the whole session from disk too. {@link #memoryStatusProperty()} says plainly what is shown. Lives
 * on the FX thread except {@link #sink()} and {@link #prepare()}.
 *
 * <p>The FX thread never decodes bytes and never filters the whole store: {@link #prepare()} (the pulse timer's
 * thread) decodes, {@link #pulse()} files and filters only the lines that arrived, and a filter change is worked
 * out on the {@code filterWork} executor against a snapshot of the store, the view's document built there too
 * ({@link Redraw#prepare}); the FX thread only swaps it in ({@link Redraw#show}). Typing in the filter field is
 * debounced ({@link #typeQuery}, {@link #TYPING_PAUSE_MS}).
 */
public final class ConsoleViewModel {
    public static final int DEFAULT_CAPACITY = 100_000;
    /**
     * Lines the console area holds at most (the newest matching ones); the store behind it keeps
     * {@link #capacity()} lines for filtering and saving. RichTextFX keeps about 1 KB of objects per paragraph
     * (paragraph, segments, style spans, tree nodes), so the area holds a terminal's scrollback (gnome-terminal's
     * default is 10,000 lines) and the store the rest.
     */
    public static final int DEFAULT_SHOWN = 10_000;
    /** Visible lines per pulse from which output counts as a flood, drawn every other pulse only. */
    public static final int FLOOD_LINES = 100;
    /** Lines drawn per pulse at most; beyond that a flood is summarised by one "not drawn" line. */
    public static final int DRAW_BUDGET = 500;
    /** Characters drawn per pulse at most: 500 lines of 60 KB would be 30 MB of text for one frame. */
    public static final int DRAW_CHARS = 1024 * 1024;
    /**
     * Characters the console area holds at most, whatever the line count: with long lines a paragraph cap alone
     * would let the area take gigabytes.
     */
    public static final int DEFAULT_SHOWN_CHARS = 8 * 1024 * 1024;
    /** The one plain format of saved and copied lines, the session log's own. */
    public static final String TIME_PATTERN = "yyyy-MM-dd HH:mm:ss.SSS";
    /** Sequence numbers of lines read back from disk: below every live line's. */
    private static final long DISK_SEQUENCE_BASE = Long.MIN_VALUE / 2;

    /** What the view draws on a pulse: the lines, after {@code skipped} newer-than-shown ones it did not draw. */
    public record Batch(List<LogLine> lines, int skipped) {
    }

    /**
     * How long typing in the filter field must pause before the filter applies: one redraw for a word, not one per
     * keystroke (JabRef's search waits 400 ms too).
     */
    public static final long TYPING_PAUSE_MS = 400;

    /**
     * How the view redraws everything after a filter change, in two steps: {@code prepare} on the filter worker
     * (it must not touch the scene: it builds the document the area will show), {@code show} on the FX thread.
     */
    public interface Redraw<D> {
        D prepare(List<LogLine> lines, LogFilter filter, boolean timestamps);

        void show(D prepared);
    }

    /** Runs a task after a delay and returns what cancels it: the debounce of typing (a fake one in tests). */
    @FunctionalInterface
    public interface Delay {
        Runnable after(long millis, Runnable task);
    }

    /** The filter worker and typing timer of every dashboard console: daemon threads, made on first use. */
    private static final class Background {
        static final java.util.concurrent.ScheduledExecutorService THREAD =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "procdeck-console-filter");
                    t.setDaemon(true);
                    return t;
                });

        static final Delay DELAY = (millis, task) -> {
            java.util.concurrent.ScheduledFuture<?> f =
                    THREAD.schedule(task, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        };
    }
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final InstanceLogStore store;
    private final LineQueue queue;
    private final Executor io;
    private final Executor fx;
    private final ReadOnlyObjectWrapper<LogFilter> filter = new ReadOnlyObjectWrapper<>(this, "filter", LogFilter.ALL);
    private final BooleanProperty timestamps = new SimpleBooleanProperty(this, "timestamps", true);
    private final BooleanProperty following = new SimpleBooleanProperty(this, "following", true);
    private final ReadOnlyIntegerWrapper unseen = new ReadOnlyIntegerWrapper(this, "unseen", 0);
    private final ReadOnlyLongWrapper dropped = new ReadOnlyLongWrapper(this, "dropped", 0);
    private final ReadOnlyLongWrapper received = new ReadOnlyLongWrapper(this, "received", 0);
    private final ReadOnlyStringWrapper queryError = new ReadOnlyStringWrapper(this, "queryError", "");
    private final ReadOnlyStringWrapper memoryStatus = new ReadOnlyStringWrapper(this, "memoryStatus", "");
    private final ReadOnlyStringWrapper diskActivity = new ReadOnlyStringWrapper(this, "diskActivity", "");
    private final ReadOnlyDoubleWrapper diskProgress = new ReadOnlyDoubleWrapper(this, "diskProgress", -1);
    private final ObservableList<String> types = FXCollections.observableArrayList();
    private final ObservableList<String> instances = FXCollections.observableArrayList();
    private final List<String> projectTypes = new ArrayList<>();
    private final Set<String> liveInstances = new HashSet<>();
    private final Set<String> gone = new HashSet<>();
    /** Every instance the lists were last worked out from (runs of scheduled types too, which are not listed). */
    private final Set<String> listed = new HashSet<>();
    private java.util.function.Predicate<String> scheduledType = type -> false;
    private Consumer<Batch> onAppend = batch -> { };
    private final int shown;
    private final int shownChars;
    private Redraw<?> redraw = prepareNothing(() -> { });
    private final Executor filterWork;
    private final Delay delay;
    /** Counts redraws asked for; a prepared redraw whose number is not the latest is dropped. */
    private final java.util.concurrent.atomic.AtomicLong redraws = new java.util.concurrent.atomic.AtomicLong();
    /** While a redraw is being prepared: the visible lines that arrived since its snapshot (shown after it). */
    private List<LogLine> heldBack;
    /** Visible lines filed but not drawn yet (a flood is drawn every other pulse). */
    private List<LogLine> undrawn = new ArrayList<>();
    private boolean drewLastPulse;
    private Runnable pendingQuery;
    private Runnable cancelTyping = () -> { };
    private Path sessionDir;
    private ZoneId zone = ZoneId.systemDefault();
    /** Older lines read back from disk for the current filter (instances whose lines left memory). */
    private List<LogLine> history = List.of();
    private String historyNote = "";
    private AtomicBoolean historyRead;
    private AtomicBoolean saveRun;
    private String soloInstance;
    private long queueLost;
    private Instant lastStatus = Instant.EPOCH;

    public ConsoleViewModel(int capacity, Executor io) {
        this(capacity, Long.getLong("procdeck.console.maxBytes", LogRingBuffer.DEFAULT_MAX_BYTES), io);
    }

    /**
     * A console whose filter work and FX steps all run on the caller's thread (tools and tests).
     *
     * @param maxBytes heap budget of the line store (estimated, see {@link LogRingBuffer#sizeOf})
     */
    public ConsoleViewModel(int capacity, long maxBytes, Executor io) {
        this(capacity, maxBytes, Long.getLong("procdeck.console.instanceBytes", maxBytes / 2), io, Runnable::run,
                Runnable::run, Background.DELAY);
    }

    /**
     * The dashboard's console: filters are worked out on a background thread of their own.
     *
     * @param instanceBytes heap budget of each instance's lines
     * @param fx            where results of disk reads and filter work are applied (the FX thread)
     */
    public ConsoleViewModel(int capacity, long maxBytes, long instanceBytes, Executor io, Executor fx) {
        this(capacity, maxBytes, instanceBytes, io, fx, Background.THREAD, Background.DELAY);
    }

    /**
     * @param filterWork where a filter change is worked out (never the FX thread in the application)
     * @param delay      the timer of the typing pause
     */
    ConsoleViewModel(int capacity, long maxBytes, long instanceBytes, Executor io, Executor fx, Executor filterWork,
                     Delay delay) {
        this.filterWork = filterWork;
        this.delay = delay;
        this.store = new InstanceLogStore(capacity, maxBytes, instanceBytes);
        this.shown = Math.min(capacity, Integer.getInteger("procdeck.console.shown", DEFAULT_SHOWN));
        this.shownChars = Integer.getInteger("procdeck.console.shownChars", DEFAULT_SHOWN_CHARS);
        // More than a screenful of screens between two pulses is a flood: the excess leaves memory at the door
        // (counted as dropped, kept in the session log) instead of costing the UI thread a copy. The queue keeps
        // bytes; lines are decoded by prepare(), on the pulse timer's thread, only for what is kept.
        this.preparedBytesMax = Math.min(LineQueue.DEFAULT_MAX_BYTES, Math.max(1024, maxBytes / 4));
        this.queue = new LineQueue(shown, preparedBytesMax);
        this.io = io;
        this.fx = fx;
        following.addListener((o, was, now) -> {
            if (now) {
                unseen.set(0);
            }
        });
        timestamps.addListener((o, was, now) -> redraw());
    }

    /** Where the log bus delivers; safe from any thread. */
    public LogListener sink() {
        return queue;
    }

    public int capacity() {
        return store.maxLines();
    }

    /** The most lines the console area holds. */
    public int shownCapacity() {
        return shown;
    }

    /** The most characters the console area holds (the view trims its oldest paragraphs beyond it). */
    public int shownChars() {
        return shownChars;
    }

    /** The view renders appended lines (already filtered) and redraws everything after a filter change. */
    public void setRenderer(Consumer<Batch> onAppend, Redraw<?> redraw) {
        this.onAppend = onAppend;
        this.redraw = redraw;
    }

    /** A renderer that prepares nothing off the FX thread: {@code onReset} is told when all was redrawn. */
    public void setRenderer(Consumer<Batch> onAppend, Runnable onReset) {
        setRenderer(onAppend, prepareNothing(onReset));
    }

    private static Redraw<Void> prepareNothing(Runnable onShow) {
        return new Redraw<>() {
            @Override
            public Void prepare(List<LogLine> lines, LogFilter f, boolean timestamps) {
                return null;
            }

            @Override
            public void show(Void prepared) {
                onShow.run();
            }
        };
    }

    /** The session's folder on disk (its log files), or null when there is none. */
    public void setSessionLog(Path dir) {
        this.sessionDir = dir;
    }

    /** The session's folder on disk, or null. */
    Path sessionLog() {
        return sessionDir;
    }

    void setZone(ZoneId zone) {
        this.zone = zone;
    }

    private final Object preparedLock = new Object();
    private List<LogLine> prepared = new ArrayList<>();
    /** Estimated heap of {@link #prepared}, held to the queue's own budget while the FX thread is behind. */
    private long preparedBytes;
    private final long preparedBytesMax;
    private long preparedLost;
    private final Map<String, Long> preparedLostBy = new HashMap<>();

    /**
     * Decodes what is queued into lines, off the FX thread (the pulse timer calls it on every tick, also while
     * the FX thread is behind), so that the FX thread only files and appends them. What waits for the FX thread
     * is held to the queue's budget in lines and bytes; older lines beyond it are counted as dropped. Safe from
     * any thread.
     */
    public void prepare() {
        List<LogLine> batch = queue.drain();
        long lost = queue.takeDropped();
        Map<String, Long> lostBy = queue.takeDroppedByInstance();
        if (batch.isEmpty() && lost == 0) {
            return;
        }
        synchronized (preparedLock) {
            prepared.addAll(batch);
            for (LogLine l : batch) {
                preparedBytes += LogRingBuffer.sizeOf(l);
            }
            preparedLost += lost;
            lostBy.forEach((instance, n) -> preparedLostBy.merge(instance, n, Long::sum));
            // A pulse that came late: keep only what one pulse may show, in lines and in bytes; the rest is counted.
            int excess = Math.max(0, prepared.size() - shown);
            long bytes = preparedBytes;
            for (int i = 0; i < excess; i++) {
                bytes -= LogRingBuffer.sizeOf(prepared.get(i));
            }
            while (bytes > preparedBytesMax && excess < prepared.size() - 1) {
                bytes -= LogRingBuffer.sizeOf(prepared.get(excess));
                excess++;
            }
            if (excess > 0) {
                preparedLost += excess;
                prepared.subList(0, excess).forEach(l -> preparedLostBy.merge(l.instance(), 1L, Long::sum));
                prepared = new ArrayList<>(prepared.subList(excess, prepared.size()));
                preparedBytes = bytes;
            }
        }
    }

    /**
     * Moves the lines {@link #prepare()} decoded into the store and hands the visible ones to the view. Called on
     * each pulse, on the FX thread: it never decodes (what arrived since the last prepare() waits for the next).
     */
    public void pulse() {
        List<LogLine> batch;
        long lost;
        Map<String, Long> lostBy;
        synchronized (preparedLock) {
            batch = prepared;
            lost = preparedLost;
            prepared = new ArrayList<>();
            preparedBytes = 0;
            preparedLost = 0;
            lostBy = Map.copyOf(preparedLostBy);
            preparedLostBy.clear();
        }
        if (batch.isEmpty() && lost == 0) {
            if (!undrawn.isEmpty() && heldBack == null) {
                drewLastPulse = true; // the end of a flood: what the last pulse held back
                List<LogLine> lines = undrawn;
                undrawn = new ArrayList<>();
                appendWithinBudget(lines);
            }
            return;
        }
        long droppedBefore = store.dropped();
        lostBy.forEach(store::noteLost);
        store.addAll(batch);
        received.set(received.get() + batch.size() + lost);
        queueLost += lost;
        dropped.set(store.dropped() + queueLost);
        LogFilter f = filter.get();
        List<LogLine> visible = new ArrayList<>(batch.size());
        String previous = null;
        boolean newInstance = false;
        for (LogLine line : batch) {
            if (line.instance() != previous) {
                newInstance |= !line.instance().equals(LogLine.PROCDECK) && !listed.contains(line.instance());
                previous = line.instance();
            }
            if (f.matches(line)) {
                visible.add(line);
            }
        }
        if (newInstance || (store.dropped() != droppedBefore && !gone.isEmpty())) {
            refreshLists();
        }
        refreshStatus(false);
        if (!following.get()) {
            unseen.set(unseen.get() + visible.size());
        }
        if (heldBack != null) {
            // A redraw is being prepared from a snapshot taken before these: they follow it when it is shown.
            heldBack.addAll(visible);
            if (heldBack.size() > shown) {
                heldBack = new ArrayList<>(heldBack.subList(heldBack.size() - shown, heldBack.size()));
            }
        } else {
            undrawn.addAll(visible);
            // Under a flood the area is drawn every other pulse (5 times a second): each draw replaces every
            // visible row anyway, and half the draws halve the layout, CSS and painting nobody can read.
            boolean hold = undrawn.size() >= FLOOD_LINES && drewLastPulse;
            drewLastPulse = !hold && !undrawn.isEmpty();
            if (drewLastPulse) {
                List<LogLine> lines = undrawn;
                undrawn = new ArrayList<>();
                appendWithinBudget(lines);
            }
        }
    }

    /** Hands lines to the view, at most {@link #DRAW_BUDGET} lines and {@link #DRAW_CHARS} characters of them. */
    private void appendWithinBudget(List<LogLine> visible) {
        if (visible.isEmpty()) {
            return;
        }
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

    /**
     * Redraws everything for the current filter: the store's lines are snapshotted here (references only), and
     * filtered and rendered on the filter worker; the FX thread then swaps the result in, followed by what
     * arrived meanwhile. A newer redraw makes an older one stop where it is.
     */
    private void redraw() {
        long number = redraws.incrementAndGet();
        InstanceLogStore.Snapshot snapshot = store.snapshot();
        List<LogLine> older = history;
        LogFilter f = filter.get();
        boolean ts = timestamps.get();
        heldBack = new ArrayList<>();
        undrawn = new ArrayList<>(); // in the store, so in the snapshot
        filterWork.execute(() -> prepareRedraw(number, redraw, snapshot, older, f, ts));
    }

    private <D> void prepareRedraw(long number, Redraw<D> r, InstanceLogStore.Snapshot snapshot, List<LogLine> older,
                                   LogFilter f, boolean ts) {
        java.util.function.BooleanSupplier stale = () -> redraws.get() != number;
        if (stale.getAsBoolean()) {
            return;
        }
        List<LogLine> lines = withinShownChars(withHistory(older, snapshot.newest(f::matches, shown, stale), shown));
        if (stale.getAsBoolean()) {
            return;
        }
        D prepared = r.prepare(lines, f, ts);
        fx.execute(() -> {
            if (redraws.get() != number) {
                return;
            }
            List<LogLine> arrived = heldBack;
            heldBack = null;
            r.show(prepared);
            appendWithinBudget(arrived);
        });
    }

    // ---- what the filters offer -------------------------------------------------------------------------

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
            if (!projectTypes.contains(n)) {
                projectTypes.add(n);
            }
        }
        refreshLists();
    }

    /** The project's types now (after an open or a reload): the type filter offers these (and any with lines). */
    public void setProject(List<String> typeNames) {
        projectTypes.clear();
        projectTypes.addAll(typeNames);
        refreshLists();
    }

    /** The instances that exist now: the instance filter offers these, and others only while lines of them are in memory. */
    public void setLiveInstances(Set<String> names) {
        if (!liveInstances.equals(names)) {
            liveInstances.clear();
            liveInstances.addAll(names);
            refreshLists();
        }
    }

    /** Another project: the previous one's lines, instances and history leave (they stay in its session log). */
    public void clearInstances() {
        liveInstances.clear();
        cancelHistory();
        history = List.of();
        historyNote = "";
        store.clear();
        dropped.set(0);
        queueLost = 0;
        apply(LogFilter.ALL.withStreams(filter.get().streams()).withQuery(filter.get().query(),
                filter.get().regex(), filter.get().caseSensitive()).withHiddenLevels(filter.get().hiddenLevels()));
        refreshLists();
    }

    /**
     * Tells which types are scheduled jobs. A job's runs ({@code report.1}, {@code report.2} … one per tick) are
     * one entry in the filters, their type, rather than one instance each: after a day of runs every minute the
     * instance filter would otherwise list 1,440 of them.
     */
    public void setScheduledTypes(java.util.function.Predicate<String> isScheduled) {
        this.scheduledType = isScheduled;
        refreshLists();
    }

    /** How the instance filter names an instance: gone ones whose lines are still in memory are marked. */
    public String instanceLabel(String name) {
        return gone.contains(name) ? name + " (gone; lines in memory)" : name;
    }

    private void refreshLists() {
        Set<String> inMemory = store.instancesInMemory();
        inMemory.remove(LogLine.PROCDECK);
        TreeSet<String> sorted = new TreeSet<>(ConsoleViewModel::compareInstances);
        sorted.addAll(liveInstances);
        sorted.addAll(inMemory);
        listed.clear();
        listed.addAll(sorted);
        List<String> types = typesOf(sorted);
        sorted.removeIf(name -> scheduledType.test(LogLine.typeOf(name)));
        Set<String> wasGone = new HashSet<>(gone);
        gone.clear();
        for (String name : sorted) {
            if (!liveInstances.contains(name)) {
                gone.add(name);
            }
        }
        // A new label for an instance that left is a change of the list too: the filter redraws its names.
        if (!instances.equals(new ArrayList<>(sorted)) || !wasGone.equals(gone)) {
            instances.setAll(sorted);
        }
        if (!this.types.equals(types)) {
            this.types.setAll(types);
        }
    }

    /** The project's types, then those of other instances with lines, in instance order. */
    private List<String> typesOf(Set<String> instanceNames) {
        List<String> t = new ArrayList<>(projectTypes);
        Set<String> seen = new HashSet<>(t);
        for (String name : instanceNames) {
            String type = LogLine.typeOf(name);
            if (seen.add(type)) {
                t.add(type);
            }
        }
        return t;
    }

    // ---- what is shown -----------------------------------------------------------------------------------

    /** Every line that passes the filter (older ones read back from disk first), oldest first. */
    public List<LogLine> visibleLines() {
        return withHistory(history, store.lines(filter.get()::matches), Integer.MAX_VALUE);
    }

    /** The newest {@link #shownCapacity()} lines that pass the filter: what the area shows after a reset. */
    public List<LogLine> shownLines() {
        return withinShownChars(withHistory(history, store.newest(filter.get()::matches, shown), shown));
    }

    /** The newest of {@code lines} that fit in {@link #shownChars()}. */
    private List<LogLine> withinShownChars(List<LogLine> lines) {
        List<LogLine> out = new ArrayList<>();
        long chars = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            LogLine l = lines.get(i);
            chars += l.text().length() + 1;
            if (chars > shownChars && !out.isEmpty()) {
                break;
            }
            out.add(l);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private static List<LogLine> withHistory(List<LogLine> history, List<LogLine> memory, int limit) {
        if (history.isEmpty()) {
            return memory;
        }
        List<LogLine> all = new ArrayList<>(history.size() + memory.size());
        all.addAll(history);
        all.addAll(memory);
        all.sort(Comparator.comparing(LogLine::time)); // stable: disk lines stay before memory's at the same ms
        return all.size() <= limit ? all : new ArrayList<>(all.subList(all.size() - limit, all.size()));
    }

    /** Every line in memory, oldest first. */
    public List<LogLine> allLines() {
        return store.lines(l -> true);
    }

    /** What memory holds of one instance. */
    public java.util.Optional<InstanceLogStore.InstanceStats> stats(String instance) {
        return store.stats(instance);
    }

    // ---- filters --------------------------------------------------------------------------------------

    public ReadOnlyObjectProperty<LogFilter> filterProperty() {
        return filter.getReadOnlyProperty();
    }

    public void setHiddenTypes(Set<String> hidden) {
        soloInstance = null;
        apply(filter.get().withHiddenTypes(hidden));
    }

    public void setHiddenInstances(Set<String> hidden) {
        soloInstance = null;
        apply(filter.get().withHiddenInstances(hidden));
    }

    public void setStreams(Set<LogStream> shown) {
        apply(filter.get().withStreams(shown.isEmpty() ? EnumSet.noneOf(LogStream.class) : EnumSet.copyOf(shown)));
    }

    /** Levels not shown ({@link LogLevel#NONE}: lines without a recognisable level). */
    public void setHiddenLevels(Set<LogLevel> hidden) {
        apply(filter.get().withHiddenLevels(hidden));
    }

    /**
     * The filter field's text as it is typed: applied once typing pauses for {@link #TYPING_PAUSE_MS}, so that a
     * word costs one redraw rather than one per keystroke.
     */
    public void typeQuery(String text, boolean regex, boolean caseSensitive) {
        cancelTyping.run();
        Runnable apply = () -> setQuery(text, regex, caseSensitive);
        pendingQuery = apply;
        cancelTyping = delay.after(TYPING_PAUSE_MS, () -> fx.execute(() -> {
            if (pendingQuery == apply) {
                pendingQuery = null;
                apply.run();
            }
        }));
    }

    /**
     * Applies typed text still waiting for its pause (Enter or Escape wants it now).
     *
     * @return whether there was such text (the view is then redrawn)
     */
    public boolean applyTypedQuery() {
        Runnable apply = pendingQuery;
        cancelTyping.run();
        pendingQuery = null;
        if (apply != null) {
            apply.run();
        }
        return apply != null;
    }

    /** Sets the text query; an invalid regex keeps the previous filter and says why (the parser's message). */
    public void setQuery(String text, boolean regex, boolean caseSensitive) {
        pendingQuery = null;
        cancelTyping.run();
        try {
            LogFilter next = filter.get().withQuery(text, regex, caseSensitive);
            queryError.set("");
            apply(next);
        } catch (UserRegex.InvalidRegexException e) {
            queryError.set(e.getMessage());
        }
    }

    /**
     * Shows only this instance (double-click in the table), or everything again when it is already solo. Lines
     * of it that left memory are read back from the session log.
     */
    public void solo(String instance) {
        Set<String> others = new HashSet<>(instances);
        others.addAll(store.instancesInMemory());
        others.remove(LogLine.PROCDECK);
        others.remove(instance);
        LogFilter f = filter.get();
        boolean alreadySolo = instance.equals(soloInstance) && f.hiddenInstances().equals(others);
        soloInstance = alreadySolo ? null : instance;
        apply(f.withHiddenInstances(alreadySolo ? Set.of() : others).withHiddenTypes(Set.of()));
    }

    private void apply(LogFilter next) {
        filter.set(next);
        cancelHistory();
        history = List.of();
        historyNote = "";
        redraw();
        refreshStatus(true);
        readHistoryIfNeeded();
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

    // ---- reading back from disk ---------------------------------------------------------------------------

    private boolean shows(LogFilter f, String instance) {
        return !f.hiddenInstances().contains(instance) && !f.hiddenTypes().contains(LogLine.typeOf(instance));
    }

    private boolean narrowed(LogFilter f) {
        return !f.hiddenInstances().isEmpty() || !f.hiddenTypes().isEmpty() || f.hasQueryOrLevels()
                || !f.streams().equals(EnumSet.allOf(LogStream.class));
    }

    /**
     * When the filter narrows the view to lines of instances whose oldest lines left memory, reads those older
     * lines from the session log, keeping the newest {@link #shownCapacity()} that match.
     */
    private void readHistoryIfNeeded() {
        LogFilter f = filter.get();
        if (sessionDir == null || !narrowed(f)) {
            return;
        }
        // Per instance, the oldest line memory holds: disk lines before it are what memory lost (null: all are).
        Map<String, LogLine> before = new HashMap<>();
        for (InstanceLogStore.InstanceStats s : store.stats()) {
            if (!s.complete() && shows(f, s.instance())) {
                before.put(s.instance(), s.oldest());
            }
        }
        if (soloInstance != null && store.stats(soloInstance).isEmpty()) {
            before.put(soloInstance, null); // nothing in memory at all: all of it is on disk
        }
        if (before.isEmpty()) {
            return;
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        historyRead = cancelled;
        Path dir = sessionDir;
        ZoneId z = zone;
        String what = before.size() == 1 ? before.keySet().iterator().next() + "'s" : before.size() + " instances'";
        diskActivity.set("reading " + what + " older lines from the session log…");
        diskProgress.set(0);
        CompletableFuture.supplyAsync(() -> {
            ArrayDeque<LogLine> kept = new ArrayDeque<>();
            long[] matched = {0};
            long[] keptChars = {0};
            Set<String> reachedMemory = new HashSet<>();
            try {
                SessionLogReader.read(dir, z, DISK_SEQUENCE_BASE, line -> {
                    if (!before.containsKey(line.instance()) || reachedMemory.contains(line.instance())) {
                        return;
                    }
                    if (reachesMemory(line, before.get(line.instance()))) {
                        reachedMemory.add(line.instance());
                        return;
                    }
                    if (f.matches(line)) {
                        matched[0]++;
                        kept.addLast(line);
                        keptChars[0] += line.text().length();
                        // Held to what the area can show, in lines and characters: 60 KB lines would otherwise
                        // make 10,000 of them 600 MB.
                        while (kept.size() > shown || (keptChars[0] > shownChars && kept.size() > 1)) {
                            keptChars[0] -= kept.removeFirst().text().length();
                        }
                    }
                }, p -> fx.execute(() -> {
                    if (historyRead == cancelled) {
                        diskProgress.set(p);
                    }
                }), cancelled::get);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // An instance whose disk lines never reached memory's oldest: the session log is still being written.
            Set<String> behind = new java.util.TreeSet<>();
            before.forEach((instance, oldest) -> {
                if (oldest != null && !reachedMemory.contains(instance)) {
                    behind.add(instance);
                }
            });
            return new Object[] {List.copyOf(kept), matched[0], behind};
        }, io).whenComplete((result, error) -> fx.execute(() -> {
            if (historyRead != cancelled) {
                return; // another filter since
            }
            historyRead = null;
            diskProgress.set(-1);
            diskActivity.set("");
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                if (!(cause instanceof CancellationException)) {
                    historyNote = "the session log could not be read: " + cause.getMessage();
                    refreshStatus(true);
                }
                return;
            }
            @SuppressWarnings("unchecked")
            List<LogLine> lines = (List<LogLine>) result[0];
            long count = (Long) result[1];
            @SuppressWarnings("unchecked")
            Set<String> behind = (Set<String>) result[2];
            history = lines;
            historyNote = (count == 0 ? ""
                    : dev.procdeck.procfile.Plural.count(count, "older matching line") + " read from the session log"
                    + (count > lines.size() ? String.format(" (the newest %,d shown)", lines.size()) : ""))
                    + (behind.isEmpty() ? "" : (count == 0 ? "" : "; ") + "the session log had not caught up with "
                    + String.join(", ", behind) + ": lines between may be missing until the filter is applied again");
            redraw();
            refreshStatus(true);
        }));
    }

    /**
     * Whether a line read from disk is where memory starts for its instance: the oldest line memory holds, found
     * by its time and text (a batch of lines shares one time, so time alone cannot tell), or anything newer.
     */
    private static boolean reachesMemory(LogLine disk, LogLine oldestInMemory) {
        if (oldestInMemory == null) {
            return false;
        }
        int c = disk.time().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                .compareTo(oldestInMemory.time().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        return c > 0 || (c == 0 && disk.text().equals(dev.procdeck.logs.AnsiText.stripColours(oldestInMemory)));
    }

    private void cancelHistory() {
        if (historyRead != null) {
            historyRead.set(true);
            historyRead = null;
            diskProgress.set(-1);
            diskActivity.set("");
        }
    }

    /** Stops a disk read (history or save) in progress. */
    public void cancelDiskWork() {
        cancelHistory();
        if (saveRun != null) {
            saveRun.set(true);
        }
    }

    /** What the disk is being read for now, or empty. */
    public ReadOnlyStringProperty diskActivityProperty() {
        return diskActivity.getReadOnlyProperty();
    }

    /** 0 to 1 while the session log is read, -1 otherwise. */
    public ReadOnlyDoubleProperty diskProgressProperty() {
        return diskProgress.getReadOnlyProperty();
    }

    // ---- what is shown, in words ---------------------------------------------------------------------------

    /** "web.3: 1,204 lines since 08:12; noisy.1: newest 80,000 of 2.3 M": what memory holds of what is shown. */
    public ReadOnlyStringProperty memoryStatusProperty() {
        return memoryStatus.getReadOnlyProperty();
    }

    private void refreshStatus(boolean now) {
        Instant t = Instant.now();
        if (!now && t.isBefore(lastStatus.plusSeconds(1))) {
            return;
        }
        lastStatus = t;
        LogFilter f = filter.get();
        DateTimeFormatter hm = DateTimeFormatter.ofPattern("HH:mm").withZone(zone);
        List<String> parts = new ArrayList<>();
        int complete = 0;
        Instant completeSince = null;
        List<Shown> shownStats = shownEntries(f);
        for (Shown s : shownStats) {
            if (!s.complete()) {
                parts.add(String.format("%s: newest %s of %s", s.name(), count(s.kept()), count(s.received())));
            } else if (shownStats.size() == 1) {
                parts.add(String.format("%s: %s %s since %s", s.name(), count(s.kept()),
                        dev.procdeck.procfile.Plural.noun(s.kept(), "line"),
                        s.since() == null ? "–" : hm.format(s.since())));
            } else {
                complete++;
                if (s.since() != null && (completeSince == null || s.since().isBefore(completeSince))) {
                    completeSince = s.since();
                }
            }
        }
        if (parts.size() > 4) {
            int more = parts.size() - 3;
            parts = new ArrayList<>(parts.subList(0, 3));
            parts.add(more + " more cut short");
        }
        if (complete > 0) {
            parts.add(complete + (complete == 1 ? " other instance" : " other instances") + ": every line"
                    + (completeSince == null ? "" : " since " + hm.format(completeSince)));
        }
        if (!historyNote.isEmpty()) {
            parts.add(historyNote);
        }
        memoryStatus.set(String.join("; ", parts));
    }

    /** One entry of the status line: an instance, or all runs of a scheduled type ("report (12 runs)"). */
    private record Shown(String name, long kept, long received, boolean complete, Instant since) {
    }

    private List<Shown> shownEntries(LogFilter f) {
        List<Shown> out = new ArrayList<>();
        Map<String, List<InstanceLogStore.InstanceStats>> runs = new java.util.LinkedHashMap<>();
        for (InstanceLogStore.InstanceStats s : store.stats()) {
            if (s.instance().equals(LogLine.PROCDECK) || !shows(f, s.instance())) {
                continue;
            }
            String type = LogLine.typeOf(s.instance());
            if (scheduledType.test(type)) {
                runs.computeIfAbsent(type, t -> new ArrayList<>()).add(s);
            } else {
                out.add(new Shown(s.instance(), s.kept(), s.received(), s.complete(), s.since()));
            }
        }
        runs.forEach((type, stats) -> {
            long kept = 0;
            long received = 0;
            boolean complete = true;
            Instant since = null;
            for (InstanceLogStore.InstanceStats s : stats) {
                kept += s.kept();
                received += s.received();
                complete &= s.complete();
                if (s.since() != null && (since == null || s.since().isBefore(since))) {
                    since = s.since();
                }
            }
            String name = type + " (" + stats.size() + (stats.size() == 1 ? " run)" : " runs)");
            out.add(new Shown(name, kept, received, complete, since));
        });
        return out;
    }

    /** 1,204 or 80,000 or 2.3 M. */
    static String count(long n) {
        if (n >= 1_000_000) {
            return String.format("%.1f M", n / 1_000_000.0);
        }
        return String.format("%,d", n);
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

    /** Lines that left memory because of the line cap or the byte budgets. */
    public ReadOnlyLongProperty droppedProperty() {
        return dropped.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty receivedProperty() {
        return received.getReadOnlyProperty();
    }

    public void clear() {
        queueLost = 0;
        cancelHistory();
        history = List.of();
        historyNote = "";
        store.clear();
        dropped.set(0);
        unseen.set(0);
        redraw();
        refreshLists();
        refreshStatus(true);
    }

    // ---- save and copy --------------------------------------------------------------------------------

    /** The plain text of lines as Save writes them and Copy copies them: one format for both. */
    public String format(List<LogLine> lines) {
        PlainLogFormat f = new PlainLogFormat(TIME_PATTERN, zone);
        StringBuilder sb = new StringBuilder();
        for (LogLine l : lines) {
            sb.append(f.format(l)).append('\n');
        }
        return sb.toString();
    }

    /** The file name Save proposes: {@code <project>-<YYYYMMDD-HHMMSS>.log}. */
    public static String saveFileName(Path projectRoot, java.time.LocalDateTime now) {
        String project = projectRoot == null || projectRoot.getFileName() == null ? "procdeck"
                : projectRoot.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return project + "-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".log";
    }

    /**
     * Writes the whole session (from the session log on disk when there is one, else what memory holds), or
     * only the lines the filter shows, as plain text, off the FX thread; progress in {@link #diskProgressProperty},
     * cancelled by {@link #cancelDiskWork}. Completes with the number of lines written.
     */
    public CompletableFuture<Integer> save(Path target, boolean filteredOnly, ZoneId zone) {
        LogFilter f = filteredOnly ? filter.get() : LogFilter.ALL;
        Path dir = sessionDir;
        List<LogLine> memory = dir == null ? (filteredOnly ? visibleLines() : allLines()) : List.of();
        AtomicBoolean cancelled = new AtomicBoolean();
        saveRun = cancelled;
        diskActivity.set("saving to " + target.getFileName() + "…");
        diskProgress.set(0);
        CompletableFuture<Integer> done = CompletableFuture.supplyAsync(() -> {
            PlainLogFormat format = new PlainLogFormat(TIME_PATTERN, zone);
            int[] n = {0};
            try (BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                Consumer<LogLine> write = l -> {
                    if (f.matches(l)) {
                        try {
                            w.write(format.format(l));
                            w.write('\n');
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        n[0]++;
                    }
                };
                if (dir != null) {
                    SessionLogReader.read(dir, zone, DISK_SEQUENCE_BASE, write,
                            p -> fx.execute(() -> diskProgress.set(p)), cancelled::get);
                } else {
                    memory.forEach(write);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return n[0];
        }, io);
        done.whenComplete((v, e) -> fx.execute(() -> {
            if (saveRun == cancelled) {
                saveRun = null;
                diskProgress.set(-1);
                diskActivity.set("");
            }
        }));
        return done;
    }
}
