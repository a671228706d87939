package dev.procdeck.ui;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.procfile.ParseProblem;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.procfile.ProjectLoader;
import dev.procdeck.runtime.ProjectWatcher;
import dev.procdeck.runtime.Session;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.Ports;
import dev.procdeck.supervisor.ProcessLauncher;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorListener;
import dev.procdeck.supervisor.SupervisorSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The dashboard's model and the only UI class that talks to the engine. It owns the project's supervisor,
 * turns supervisor events and log lines into table rows and console lines on each pulse (never one FX
 * update per event), and does all file work on the {@code io} executor.
 */
public final class DashboardViewModel {
    /** A crash worth telling the user about. */
    public record CrashNotice(String instance, String message) {
    }

    private static final Duration METRICS_EVERY = Duration.ofSeconds(2);
    /** Output readers yield the CPU to the window under a flood (see SupervisorSettings#readerNice). */
    static final int READER_NICE = 10;
    private static final Duration NOTICE_QUIET = Duration.ofSeconds(30);

    private final Workspace workspace;
    private final ProcessLauncher launcher;
    private final Executor io;
    private final Executor fx;
    private final Clock clock;
    private final Map<String, String> parentEnv;
    private final ProcessMetrics metrics = new ProcessMetrics();

    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Procdeck");
    private final ReadOnlyObjectWrapper<Path> projectRoot = new ReadOnlyObjectWrapper<>(this, "projectRoot");
    private final ReadOnlyStringWrapper problems = new ReadOnlyStringWrapper(this, "problems", "");
    private final ReadOnlyBooleanWrapper loaded = new ReadOnlyBooleanWrapper(this, "loaded", false);
    private final ReadOnlyIntegerWrapper running = new ReadOnlyIntegerWrapper(this, "running", 0);
    private final ReadOnlyStringWrapper formationText = new ReadOnlyStringWrapper(this, "formation", "");
    private final BooleanProperty startOnOpen = new SimpleBooleanProperty(this, "startOnOpen", false);
    private final BooleanProperty crashNotifications = new SimpleBooleanProperty(this, "crashNotifications", true);
    private final ObservableList<TypeRow> types = FXCollections.observableArrayList();
    private final ObservableList<Path> recentProjects = FXCollections.observableArrayList();
    private final ConsoleViewModel console;
    private Consumer<CrashNotice> onCrash = n -> { };
    private Consumer<Map<String, Integer>> onTypesChanged = m -> { };

    // Supervisor events wait here for the next pulse.
    private final List<Runnable> pendingEvents = new ArrayList<>();
    private Supervisor supervisor;
    private Session session;
    private Project project;
    private ProjectWatcher watcher;
    private boolean applyingEngineScale;
    private Instant lastTick = Instant.EPOCH;
    private Instant lastMetrics = Instant.EPOCH;
    private boolean metricsInFlight;
    private final Map<String, Instant> lastNotice = new HashMap<>();

    public DashboardViewModel(Workspace workspace, ProcessLauncher launcher, Executor io, Executor fx, Clock clock,
                              Map<String, String> parentEnv, int consoleCapacity) {
        this.workspace = workspace;
        this.launcher = launcher;
        this.io = io;
        this.fx = fx;
        this.clock = clock;
        this.parentEnv = Map.copyOf(parentEnv);
        this.console = new ConsoleViewModel(consoleCapacity, io);
        startOnOpen.addListener((o, a, on) -> {
            Path root = projectRoot.get();
            if (root != null) {
                io.execute(() -> workspace.setStartOnOpen(root, on));
            }
        });
        crashNotifications.addListener((o, a, on) -> io.execute(() -> workspace.setCrashNotifications(on)));
        io.execute(() -> {
            // Folders that have gone since (temporary checkouts, say) are not offered.
            List<Path> recent = workspace.recentProjects().stream().filter(java.nio.file.Files::isDirectory).toList();
            boolean notify = workspace.crashNotifications();
            fx.execute(() -> {
                recentProjects.setAll(recent);
                crashNotifications.set(notify);
            });
        });
    }

    // ---- properties -------------------------------------------------------------------------------------

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Path> projectRootProperty() {
        return projectRoot.getReadOnlyProperty();
    }

    /** The parser's errors (file:line: reason), empty when the project loaded. */
    public ReadOnlyStringProperty problemsProperty() {
        return problems.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadedProperty() {
        return loaded.getReadOnlyProperty();
    }

    /** Instances with a live process. */
    public ReadOnlyIntegerProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty formationProperty() {
        return formationText.getReadOnlyProperty();
    }

    public BooleanProperty startOnOpenProperty() {
        return startOnOpen;
    }

    public BooleanProperty crashNotificationsProperty() {
        return crashNotifications;
    }

    public ObservableList<TypeRow> types() {
        return types;
    }

    public ObservableList<Path> recentProjects() {
        return recentProjects;
    }

    public ConsoleViewModel console() {
        return console;
    }

    public void setOnCrash(Consumer<CrashNotice> handler) {
        this.onCrash = handler;
    }

    /** Told the type → colour index map whenever the project's types change. */
    public void setOnTypesChanged(Consumer<Map<String, Integer>> handler) {
        this.onTypesChanged = handler;
    }

    // ---- project ------------------------------------------------------------------------------------------

    /** Loads a folder (or the folder of a Procfile); stops the processes of the previous project first. */
    public CompletableFuture<Void> openProject(Path folderOrProcfile) {
        Supervisor previous = supervisor;
        Session previousSession = session;
        supervisor = null;
        session = null;
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Everything that touches the file system happens on the io executor, which alone owns the watcher.
        io.execute(() -> {
            Path folder = java.nio.file.Files.isRegularFile(folderOrProcfile)
                    ? folderOrProcfile.toAbsolutePath().getParent() : folderOrProcfile.toAbsolutePath().normalize();
            stopWatching();
            if (previous != null) {
                previous.close();
            }
            if (previousSession != null) {
                previousSession.close();
            }
            LoadResult result = load(folder, true);
            watch(folder);
            fx.execute(() -> {
                try {
                    applyLoaded(folder, result, true);
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        });
        return done;
    }

    /** Re-reads the Procfile and .env; running instances of types that still exist keep running. */
    public CompletableFuture<Void> reload() {
        Path folder = projectRoot.get();
        if (folder == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        io.execute(() -> {
            LoadResult result = load(folder, supervisor == null);
            fx.execute(() -> {
                applyLoaded(folder, result, false);
                done.complete(null);
            });
        });
        return done;
    }

    private record LoadResult(Project project, List<ParseProblem> problems, Optional<String> formation,
                              boolean startOnOpen, Session session, String sessionNote) {
    }

    /** Runs on the io executor: reads the files and, for a project about to run, opens its session. */
    private LoadResult load(Path folder, boolean openSession) {
        Optional<String> formation = Optional.empty();
        boolean start = false;
        try {
            workspace.rememberProject(folder);
            formation = workspace.formation(folder);
            start = workspace.startOnOpen(folder) || Boolean.getBoolean("procdeck.startOnOpen");
        } catch (RuntimeException e) {
            // Settings are a convenience; a broken store must not keep a project from opening.
        }
        Project p;
        try {
            p = ProjectLoader.load(folder, null, List.of(), parentEnv);
        } catch (ProjectFileException e) {
            return new LoadResult(null, e.problems(), formation, start, null, null);
        }
        Session opened = null;
        List<String> notes = new java.util.ArrayList<>();
        if (openSession) {
            try {
                List<Session.Leftover> leftovers = Session.leftovers(p.root(), notes::add);
                if (!leftovers.isEmpty()) {
                    notes.add("found " + leftovers.size() + " process group(s) left running by an earlier procdeck ("
                            + Session.describe(leftovers) + "); stopped them");
                    Session.stop(leftovers, SupervisorSettings.defaults(0).stopTimeout());
                }
                opened = Session.open(p.root(), SupervisorSettings.defaults(0).stopTimeout());
            } catch (java.io.IOException | RuntimeException e) {
                notes.add("no session log or watchdog (" + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String note = notes.isEmpty() ? null : String.join("\n", notes);
        return new LoadResult(p, p.procfile().warnings(), formation, start, opened, note);
    }

    private void applyLoaded(Path folder, LoadResult result, boolean fresh) {
        projectRoot.set(folder);
        title.set((folder.getFileName() == null ? folder.toString() : folder.getFileName().toString())
                + " — " + folder + " — Procdeck");
        if (fresh) {
            startOnOpen.set(result.startOnOpen());
            recentProjects.remove(folder);
            recentProjects.add(0, folder);
        }
        List<ParseProblem> errors = result.problems().stream().filter(ParseProblem::isError).toList();
        problems.set(result.problems().stream().map(ParseProblem::toString).collect(Collectors.joining("\n")));
        if (result.project() == null) {
            if (fresh) {
                types.clear();
                loaded.set(false);
            } else if (supervisor != null) {
                // The banner says it too, but the console (and the session log) keep the history of reloads.
                supervisor.bus().event(LogLine.PROCDECK, "reload failed, what runs keeps running: "
                        + errors.stream().map(ParseProblem::toString).collect(Collectors.joining("; ")));
            }
            return; // A broken file on reload keeps what runs: the user is probably mid-edit.
        }
        assert errors.isEmpty();
        Project p = result.project();
        if (supervisor == null) {
            startSupervisor(p, result, result.startOnOpen() && fresh);
        } else {
            supervisor.reload(p);
            project = p;
            syncTypeRows(p);
        }
        loaded.set(true);
    }

    private void startSupervisor(Project p, LoadResult loaded, boolean startNow) {
        Optional<String> savedFormation = loaded.formation();
        project = p;
        LogBus bus = new LogBus(clock);
        bus.addListener(console.sink());
        session = loaded.session();
        if (session != null) {
            bus.addListener(session.log());
            session.publishTo(m -> bus.event(LogLine.PROCDECK, m)); // where the log is, or why there is none
        }
        if (loaded.sessionNote() != null) {
            for (String line : loaded.sessionNote().split("\n")) {
                bus.event(LogLine.PROCDECK, line);
            }
        }
        int base;
        try {
            base = Ports.base(null, p.dotEnv(), parentEnv);
        } catch (IllegalArgumentException e) {
            problems.set(e.getMessage() + "; using port 5000");
            base = Ports.DEFAULT_BASE;
        }
        supervisor = new Supervisor(p, SupervisorSettings.defaults(base).withReaderNice(READER_NICE), launcher, bus,
                clock, parentEnv);
        supervisor.addListener(new Bridge(supervisor));
        restoreRestartPolicies(supervisor, p.root());
        if (session != null) {
            session.attach(supervisor);
        }
        Map<String, Integer> counts;
        try {
            counts = Formation.parse(savedFormation.orElse(null)).resolve(p.procfile());
        } catch (IllegalArgumentException e) {
            counts = Formation.allOne().resolve(p.procfile());
        }
        types.clear();
        syncTypeRows(p);
        applyingEngineScale = true;
        try {
            for (TypeRow row : types) {
                row.scaleProperty().set(counts.getOrDefault(row.typeName(), 0));
            }
        } finally {
            applyingEngineScale = false;
        }
        formationText.set(Formation.format(counts));
        if (startNow) {
            supervisor.start(counts);
        } else {
            supervisor.setFormation(counts);
        }
        bus.event(LogLine.PROCDECK, "opened " + p.root() + " (" + String.join(", ", p.procfile().typeNames()) + ")"
                + (startNow ? "" : "; press Start to run it"));
    }

    private void syncTypeRows(Project p) {
        Map<String, TypeRow> existing = new LinkedHashMap<>();
        types.forEach(t -> existing.put(t.typeName(), t));
        List<TypeRow> rows = new ArrayList<>();
        for (ProcessType type : p.procfile().types()) {
            TypeRow row = existing.remove(type.name());
            if (row == null || row.colourIndex() != type.index()) {
                TypeRow fresh = new TypeRow(type);
                if (row != null) {
                    fresh.instances().setAll(row.instances());
                    fresh.scaleProperty().set(row.scaleProperty().get());
                }
                row = fresh;
                TypeRow r = row;
                row.scaleProperty().addListener((o, was, now) -> {
                    if (!applyingEngineScale) {
                        scale(r.typeName(), now.intValue());
                    }
                });
            }
            row.setCommand(type.command());
            rows.add(row);
        }
        // A type that left the Procfile keeps its row while its instances stop; removeInstance drops it after.
        for (TypeRow gone : existing.values()) {
            if (!gone.instances().isEmpty()) {
                gone.setCommand("(removed from the Procfile; stopping)");
                rows.add(gone);
            }
        }
        types.setAll(rows);
        refreshFormationText();
        Map<String, Integer> index = new HashMap<>();
        p.procfile().types().forEach(t -> index.put(t.name(), t.index()));
        console.setTypes(p.procfile().typeNames());
        onTypesChanged.accept(index);
    }

    /** On the io executor. */
    private void stopWatching() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    /** On the io executor. */
    private void watch(Path folder) {
        try {
            watcher = new ProjectWatcher(folder, Set.of("Procfile", ".env"), () -> fx.execute(this::reload));
        } catch (java.io.IOException | RuntimeException e) {
            // Without a watcher the Reload action still works.
        }
    }

    // ---- commands ------------------------------------------------------------------------------------------

    public void scale(String type, int count) {
        if (supervisor == null) {
            return;
        }
        int clamped = Math.max(0, Math.min(Formation.MAX_SCALE, count));
        try {
            supervisor.scale(type, clamped);
        } catch (IllegalArgumentException e) {
            // Ports past 65535, say: refused before anything starts; the row goes back to the engine's count.
            problems.set(e.getMessage());
            applyEngineScale(type, supervisor.scale().getOrDefault(type, 0));
            return;
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        types.forEach(t -> counts.put(t.typeName(), t.typeName().equals(type) ? clamped : t.scaleProperty().get()));
        String f = Formation.format(counts);
        formationText.set(f);
        Path root = projectRoot.get();
        io.execute(() -> workspace.saveFormation(root, f));
    }

    public void startAll() {
        if (supervisor != null) {
            supervisor.startAll();
        }
    }

    public void stopAll() {
        if (supervisor != null) {
            supervisor.stopAll();
        }
    }

    public void restartAll() {
        if (supervisor != null) {
            supervisor.restartAll();
        }
    }

    public void start(DeckRow row) {
        act(row, Supervisor::startType, Supervisor::startInstance);
    }

    public void stop(DeckRow row) {
        act(row, Supervisor::stopType, Supervisor::stopInstance);
    }

    public void restart(DeckRow row) {
        act(row, Supervisor::restartType, Supervisor::restartInstance);
    }

    /** A row's action: on every instance of a type row, or on the one instance of an instance row. */
    private void act(DeckRow row, java.util.function.BiConsumer<Supervisor, String> onType,
                     java.util.function.BiConsumer<Supervisor, InstanceId> onInstance) {
        if (supervisor == null) {
            return;
        }
        if (row instanceof TypeRow t) {
            onType.accept(supervisor, t.typeName());
        } else if (row instanceof InstanceRow i) {
            onInstance.accept(supervisor, i.id());
        }
    }

    /** Stops every process gracefully and releases the supervisor; completes when nothing runs. */
    public CompletableFuture<Void> shutdown() {
        Supervisor s = supervisor;
        Session sess = session;
        return CompletableFuture.runAsync(() -> {
            stopWatching();
            if (s == null) {
                return;
            }
            s.close();
            if (sess != null) {
                sess.close();
            }
        }, io);
    }

    // ---- pulse ----------------------------------------------------------------------------------------------

    /** Applies what happened since the last pulse: supervisor events, new log lines, clocks and metrics. */
    /** Off the FX thread, just before a pulse is posted: the work of a pulse that needs no FX (decoding lines). */
    public void preparePulse() {
        console.prepare();
    }

    public void pulse() {
        List<Runnable> events;
        synchronized (pendingEvents) {
            events = new ArrayList<>(pendingEvents);
            pendingEvents.clear();
        }
        events.forEach(Runnable::run);
        console.pulse();
        Instant now = clock.instant();
        if (!events.isEmpty() || Duration.between(lastTick, now).toMillis() >= 1000) {
            lastTick = now;
            int live = 0;
            for (TypeRow t : types) {
                for (InstanceRow i : t.instances()) {
                    i.tick(now);
                    if (i.instanceState().hasProcess()) {
                        live++;
                    }
                }
                t.summarize(now);
            }
            running.set(live);
        }
        if (!metricsInFlight && ProcessMetrics.supported() && Duration.between(lastMetrics, now).compareTo(METRICS_EVERY) >= 0) {
            lastMetrics = now;
            sampleMetrics();
        }
    }

    private void sampleMetrics() {
        Map<Long, InstanceRow> byGroup = new HashMap<>();
        for (TypeRow t : types) {
            for (InstanceRow i : t.instances()) {
                if (i.snapshot().pid() > 0) {
                    byGroup.put(i.snapshot().pid(), i);
                }
            }
        }
        if (byGroup.isEmpty()) {
            types.forEach(TypeRow::aggregateUsage); // nothing runs: no figures left from the last sample
            return;
        }
        metricsInFlight = true;
        Set<Long> groups = new HashSet<>(byGroup.keySet());
        io.execute(() -> {
            Map<Long, ProcessMetrics.Usage> usage = metrics.sample(groups);
            fx.execute(() -> {
                metricsInFlight = false;
                byGroup.forEach((pgid, row) -> {
                    if (row.snapshot().pid() == pgid) {
                        row.usage(usage.get(pgid));
                    }
                });
                types.forEach(TypeRow::aggregateUsage);
            });
        });
    }

    private Optional<TypeRow> typeRow(String name) {
        return types.stream().filter(t -> t.typeName().equals(name)).findFirst();
    }

    private void applySnapshot(InstanceSnapshot s, InstanceLifecycle.Transition t) {
        Optional<TypeRow> type = typeRow(s.id().type());
        if (type.isEmpty()) {
            return;
        }
        ObservableList<InstanceRow> rows = type.get().instances();
        for (InstanceRow row : rows) {
            if (row.id().equals(s.id())) {
                row.update(s);
                maybeNotify(s, t);
                return;
            }
        }
        InstanceRow row = new InstanceRow(s, type.get().colourIndex());
        int at = 0;
        while (at < rows.size() && rows.get(at).id().number() < s.id().number()) {
            at++;
        }
        rows.add(at, row);
    }

    private void maybeNotify(InstanceSnapshot s, InstanceLifecycle.Transition t) {
        if (t == null || t.from() != InstanceState.UP || s.lastExit() == null || s.lastExit().success()
                || !(t.to() == InstanceState.BACKING_OFF || t.to() == InstanceState.CRASHED)) {
            return;
        }
        Instant now = clock.instant();
        Instant last = lastNotice.get(s.name());
        if (!crashNotifications.get() || (last != null && Duration.between(last, now).compareTo(NOTICE_QUIET) < 0)) {
            return;
        }
        lastNotice.put(s.name(), now);
        onCrash.accept(new CrashNotice(s.name(), t.description()));
    }

    private void removeInstance(InstanceId id) {
        typeRow(id.type()).ifPresent(t -> {
            t.instances().removeIf(r -> r.id().equals(id));
            boolean stillInProcfile = project != null && project.procfile().type(t.typeName()).isPresent();
            if (t.instances().isEmpty() && !stillInProcfile) {
                types.remove(t);
            }
        });
    }

    private void applyEngineScale(String type, int count) {
        typeRow(type).ifPresent(t -> {
            applyingEngineScale = true;
            try {
                t.scaleProperty().set(count);
            } finally {
                applyingEngineScale = false;
            }
        });
        refreshFormationText();
    }

    /** The formation label from the rows of types the Procfile has now (a reload adds and removes types). */
    private void refreshFormationText() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TypeRow t : types) {
            if (project == null || project.procfile().type(t.typeName()).isPresent()) {
                counts.put(t.typeName(), t.scaleProperty().get());
            }
        }
        formationText.set(Formation.format(counts));
    }

    // ---- per-type restart policy, environment, kill (small accessors for the views) ---------------------

    private static final String POLICY_KEY = "restart.";

    /** The restart policy a type follows now (always, unless chosen otherwise). */
    public dev.procdeck.procfile.RestartMode restartMode(String type) {
        return supervisor == null ? dev.procdeck.procfile.RestartMode.ALWAYS : supervisor.policyFor(type).mode();
    }

    /** Changes a type's restart policy now and remembers it for the project. */
    public void setRestartMode(String type, dev.procdeck.procfile.RestartMode mode) {
        Supervisor s = supervisor;
        Path root = projectRoot.get();
        if (s == null || root == null) {
            return;
        }
        s.setPolicy(type, RestartPolicyChoice.policy(s, type, mode));
        s.bus().event(LogLine.PROCDECK, "restart policy of " + type + ": " + mode.spelling());
        io.execute(() -> workspace.putProjectSetting(root, POLICY_KEY + type, mode.spelling()));
    }

    /** On the FX thread, once a supervisor exists: reads the remembered policies on io and applies them. */
    private void restoreRestartPolicies(Supervisor s, Path root) {
        List<String> typeNames = s.project().procfile().typeNames();
        io.execute(() -> {
            for (String type : typeNames) {
                try {
                    workspace.projectSetting(root, POLICY_KEY + type).ifPresent(saved ->
                            s.setPolicy(type, RestartPolicyChoice.policy(s, type,
                                    dev.procdeck.procfile.RestartMode.parse(saved))));
                } catch (RuntimeException e) {
                    // A hand-edited or older preference: the default policy stays.
                }
            }
        });
    }

    /** The variables an instance was started with that the project sets: PORT, PS, DYNO and the .env values. */
    public Map<String, String> environmentOf(InstanceRow row) {
        Map<String, String> env = new java.util.TreeMap<>();
        if (project != null) {
            env.putAll(project.dotEnv());
        }
        env.put("PORT", Integer.toString(row.snapshot().port()));
        env.put("PS", row.id().name());
        env.put("DYNO", row.id().name());
        return env;
    }

    /** SIGKILL to every process at once (the closing overlay's "Kill now"). */
    public void killAll() {
        Supervisor s = supervisor;
        if (s != null) {
            s.killAll();
        }
    }

    /** How long a stop waits after SIGTERM before SIGKILL. */
    public Duration stopTimeout() {
        Supervisor s = supervisor;
        return s == null ? SupervisorSettings.defaults(0).stopTimeout() : s.settings().stopTimeout();
    }

    /**
     * Receives supervisor events on the supervisor thread and queues them for the next pulse. Events of a
     * supervisor that is no longer the current one (the previous project, stopping) are dropped when applied,
     * so they never touch the rows of the project opened since.
     */
    private final class Bridge implements SupervisorListener {
        private final Supervisor owner;

        Bridge(Supervisor owner) {
            this.owner = owner;
        }

        private void queue(Runnable r) {
            synchronized (pendingEvents) {
                pendingEvents.add(() -> {
                    if (supervisor == owner) {
                        r.run();
                    }
                });
            }
        }

        @Override
        public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
            queue(() -> applySnapshot(snapshot, transition));
        }

        @Override
        public void instanceRemoved(InstanceId id) {
            queue(() -> removeInstance(id));
        }

        @Override
        public void scaleChanged(String type, int count) {
            queue(() -> applyEngineScale(type, count));
        }
    }
}
