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
 */
public final class ConsoleViewModel {
    public static final int DEFAULT_CAPACITY = 100_000;
    /**
     * Lines the console area holds at most (the newest matching ones); the store behind it keeps
     * {@link #capacity()} lines for filtering and saving. RichTextFX's cost grows with paragraphs, so the area
     * stays smaller than the store.
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
    /** The one plain format of saved and copied lines, the session log's own. */
    public static final String TIME_PATTERN = "yyyy-MM-dd HH:mm:ss.SSS";
    /** Sequence numbers of lines read back from disk: below every live line's. */
    private static final long DISK_SEQUENCE_BASE = Long.MIN_VALUE / 2;

    /** What the view draws on a pulse: the lines, after {@code skipped} newer-than-shown ones it did not draw. */
    public record Batch(List<LogLine> lines, int skipped) {
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
    private Consumer<Batch> onAppend = batch -> { };
    private final int shown;
    private final int shownChars;
    private Runnable onReset = () -> { };
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

    /** @param maxBytes heap budget of the line store (estimated, see {@link LogRingBuffer#sizeOf}) */
    public ConsoleViewModel(int capacity, long maxBytes, Executor io) {
        this(capacity, maxBytes, Long.getLong("procdeck.console.instanceBytes", maxBytes / 2), io, Runnable::run);
    }

    /**
     * @param instanceBytes heap budget of each instance's lines
     * @param fx            where results of disk reads are applied (the FX thread)
     */
    public ConsoleViewModel(int capacity, long maxBytes, long instanceBytes, Executor io, Executor fx) {
        this.store = new InstanceLogStore(capacity, maxBytes, instanceBytes);
        this.shown = Math.min(capacity, Integer.getInteger("procdeck.console.shown", DEFAULT_SHOWN));
        this.shownChars = Integer.getInteger("procdeck.console.shownChars", DEFAULT_SHOWN_CHARS);
        // More than a screenful of screens between two pulses is a flood: the excess leaves memory at the door
        // (counted as dropped, kept in the session log) instead of costing the UI thread a copy. The queue keeps
        // bytes; lines are decoded by prepare(), on the pulse timer's thread, only for what is kept.
        this.queue = new LineQueue(shown, Math.min(LineQueue.DEFAULT_MAX_BYTES, Math.max(1024, maxBytes / 4)));
        this.io = io;
        this.fx = fx;
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

    /** The view renders appended lines (already filtered) and re-renders everything on reset. */
    public void setRenderer(Consumer<Batch> onAppend, Runnable onReset) {
        this.onAppend = onAppend;
        this.onReset = onReset;
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
    private long preparedLost;
    private final Map<String, Long> preparedLostBy = new HashMap<>();

    /**
     * Decodes what is queued into lines, off the FX thread (the pulse timer calls it just before it posts a
     * pulse), so that the FX thread only files and appends them. Safe from any thread.
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
            preparedLost += lost;
            lostBy.forEach((instance, n) -> preparedLostBy.merge(instance, n, Long::sum));
            if (prepared.size() > shown) {
                // A pulse that came late: keep only what one pulse may show, the rest is counted.
                int excess = prepared.size() - shown;
                preparedLost += excess;
                prepared.subList(0, excess).forEach(l -> preparedLostBy.merge(l.instance(), 1L, Long::sum));
                prepared = new ArrayList<>(prepared.subList(excess, prepared.size()));
            }
        }
    }

    /** Moves pending lines into the store and hands the visible ones to the view. Called on each pulse. */
    public void pulse() {
        prepare(); // whatever arrived since the timer's prepare(): little
        List<LogLine> batch;
        long lost;
        Map<String, Long> lostBy;
        synchronized (preparedLock) {
            batch = prepared;
            lost = preparedLost;
            prepared = new ArrayList<>();
            preparedLost = 0;
            lostBy = Map.copyOf(preparedLostBy);
            preparedLostBy.clear();
        }
        if (batch.isEmpty() && lost == 0) {
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
                newInstance |= !line.instance().equals(LogLine.PROCDECK) && !instances.contains(line.instance());
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
        List<String> t = new ArrayList<>(projectTypes);
        for (String name : sorted) {
            String type = LogLine.typeOf(name);
            if (!t.contains(type)) {
                t.add(type);
            }
        }
        if (!types.equals(t)) {
            types.setAll(t);
        }
    }

    // ---- what is shown -----------------------------------------------------------------------------------

    /** Every line that passes the filter (older ones read back from disk first), oldest first. */
    public List<LogLine> visibleLines() {
        return withHistory(store.lines(filter.get()::matches), Integer.MAX_VALUE);
    }

    /** The newest {@link #shownCapacity()} lines that pass the filter: what the area shows after a reset. */
    public List<LogLine> shownLines() {
        List<LogLine> lines = withHistory(store.newest(filter.get()::matches, shown), shown);
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

    private List<LogLine> withHistory(List<LogLine> memory, int limit) {
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

    /** Sets the text query; an invalid regex keeps the previous filter and says why (the parser's message). */
    public void setQuery(String text, boolean regex, boolean caseSensitive) {
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
        onReset.run();
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
                        if (kept.size() > shown) {
                            kept.removeFirst();
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
            historyNote = (count == 0 ? "" : String.format("%,d older matching lines read from the session log", count)
                    + (count > lines.size() ? String.format(" (the newest %,d shown)", lines.size()) : ""))
                    + (behind.isEmpty() ? "" : (count == 0 ? "" : "; ") + "the session log had not caught up with "
                    + String.join(", ", behind) + ": lines between may be missing until the filter is applied again");
            onReset.run();
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
        List<InstanceLogStore.InstanceStats> shownStats = store.stats().stream()
                .filter(s -> !s.instance().equals(LogLine.PROCDECK) && shows(f, s.instance())).toList();
        for (InstanceLogStore.InstanceStats s : shownStats) {
            if (!s.complete()) {
                parts.add(String.format("%s: newest %s of %s", s.instance(), count(s.kept()), count(s.received())));
            } else if (shownStats.size() == 1) {
                parts.add(String.format("%s: %s lines since %s", s.instance(), count(s.kept()),
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
        onReset.run();
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
