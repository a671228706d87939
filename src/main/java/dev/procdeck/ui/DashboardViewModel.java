package dev.procdeck.ui;

import dev.procdeck.procfile.ParseProblem;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.runtime.AttachedApp;
import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ElsewhereApp;
import dev.procdeck.runtime.LocalApp;
import dev.procdeck.runtime.NoApp;
import dev.procdeck.runtime.RunningApp;
import dev.procdeck.runtime.RunningApp.Capability;
import dev.procdeck.runtime.StateFolder;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceTerminal;
import dev.procdeck.supervisor.Ports;
import dev.procdeck.supervisor.ProcessLauncher;
import dev.procdeck.supervisor.SupervisorSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
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
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The dashboard's coordinator: it shows one {@link RunningApp} (its own project's {@link LocalApp}, an
 * {@link AttachedApp}, an {@link ElsewhereApp} another procdeck runs, or {@link NoApp}) and never asks which:
 * commands go to the app, what the app can do is its {@link Capability capabilities}. Each job has a part of its
 * own: {@link ProjectOpener} (files, sessions, generations), {@link ProcdeckFinder} (attaching),
 * {@link WindowHeading} (what the title, banner and empty table say),
 * {@link ProcessTableModel} (rows) and {@link RowUpdates} (the app's news onto them on each pulse),
 * {@link MetricsSampler}, {@link CrashNotifier}, {@link ProjectPreferences} and the {@link ConsoleViewModel}.
 * FX thread only, except where a method says otherwise.
 */
public final class DashboardViewModel {
    /** A crash worth telling the user about. */
    public record CrashNotice(String instance, String message) {
    }

    /** Output readers yield the CPU to the window under a flood (see SupervisorSettings#readerNice). */
    static final int READER_NICE = 10;

    /** How long the JVM's shutdown hook gives the processes to end before the watchdog takes over. */
    static final Duration EXIT_BUDGET = Duration.ofMillis(1500);

    private final ProcessLauncher launcher;
    private final Executor io;
    private final Executor fx;
    private final Clock clock;
    private final Map<String, String> parentEnv;
    private final ProjectPreferences preferences;
    private final ProjectOpener opener;
    private final ProcessTableModel table;
    private final MetricsSampler metrics;
    private final CrashNotifier notifier;
    private final ConsoleViewModel console;
    private final ScheduledJobsModel jobs = new ScheduledJobsModel(java.time.ZoneId.systemDefault());
    private final OneOffModel oneOffs;
    private final RowUpdates updates;

    private final WindowHeading heading = new WindowHeading();
    private final ReadOnlyBooleanWrapper loaded = new ReadOnlyBooleanWrapper(this, "loaded", false);
    /** What the app shown can do; the views enable their controls by it ({@link #can}). */
    private final ReadOnlyObjectWrapper<Set<Capability>> capabilities =
            new ReadOnlyObjectWrapper<>(this, "capabilities", Set.of());
    private final ReadOnlyIntegerWrapper running = new ReadOnlyIntegerWrapper(this, "running", 0);
    /** Whether a router sends requests to one of the types (its rows then show request figures). */
    private final ReadOnlyBooleanWrapper routed = new ReadOnlyBooleanWrapper(this, "routed", false);
    private final ReadOnlyStringWrapper formationText = new ReadOnlyStringWrapper(this, "formation", "");
    private final BooleanProperty startOnOpen = new SimpleBooleanProperty(this, "startOnOpen", false);
    private final BooleanProperty crashNotifications = new SimpleBooleanProperty(this, "crashNotifications", true);
    private final ObservableList<Path> recentProjects = FXCollections.observableArrayList();
    private Consumer<CrashNotice> onCrash = n -> { };
    private Consumer<Map<String, Integer>> onTypesChanged = m -> { };

    /** The app shown. The FX thread sets it; the JVM's shutdown hook reads it. */
    private volatile RunningApp app = NoApp.INSTANCE;
    /** The app being closed (another folder opening, the window closing): "Kill now" and the hook still reach it. */
    private volatile RunningApp closing = NoApp.INSTANCE;
    /** Counts attach requests (and folder opens, which overtake them): only the latest may take the window. */
    private long attachRequests;
    /** The generation whose folder {@link #projectRoot} shows; a reload belongs to it. */
    private long shownGeneration = -1;
    private boolean settingStartOnOpen;
    private String savedFormation;
    private Instant lastTick = Instant.EPOCH;

    public DashboardViewModel(Workspace workspace, ProcessLauncher launcher, Executor io, Executor fx, Clock clock,
                              Map<String, String> parentEnv, int consoleCapacity) {
        this.launcher = launcher;
        this.io = io;
        this.fx = fx;
        this.clock = clock;
        this.parentEnv = Map.copyOf(parentEnv);
        this.preferences = new ProjectPreferences(workspace, io);
        this.opener = new ProjectOpener(io, preferences, parentEnv);
        this.table = new ProcessTableModel(this::scale);
        this.oneOffs = new OneOffModel(fx, clock);
        this.metrics = new MetricsSampler(io, fx);
        this.notifier = new CrashNotifier(clock, crashNotifications::get);
        long consoleBytes = Long.getLong("procdeck.console.maxBytes", dev.procdeck.logs.LogRingBuffer.DEFAULT_MAX_BYTES);
        this.console = new ConsoleViewModel(consoleCapacity, consoleBytes,
                Long.getLong("procdeck.console.instanceBytes", consoleBytes / 2), io, fx);
        this.updates = new RowUpdates(table, notifier, jobs, console, () -> onTypesChanged.accept(table.colourIndex()));
        console.setScheduledTypes(jobs::isScheduled);
        notifier.current().addListener((ListChangeListener<CrashNotice>) c -> {
            while (c.next()) {
                c.getAddedSubList().forEach(n -> onCrash.accept(n));
            }
        });
        startOnOpen.addListener((o, a, on) -> {
            Path root = heading.projectRootProperty().get();
            if (root != null && !settingStartOnOpen) {
                preferences.setStartOnOpen(root, on);
            }
        });
        crashNotifications.addListener((o, a, on) -> {
            preferences.setCrashNotifications(on);
            if (!on) {
                notifier.clear();
            }
        });
        preferences.readGlobal().thenAccept(g -> fx.execute(() -> {
            recentProjects.setAll(g.recent());
            crashNotifications.set(g.crashNotifications());
        }));
    }

    // ---- properties -------------------------------------------------------------------------------------

    public ReadOnlyStringProperty titleProperty() {
        return heading.titleProperty();
    }

    public ReadOnlyObjectProperty<Path> projectRootProperty() {
        return heading.projectRootProperty();
    }

    /** The parser's errors (file:line: reason), empty when the project loaded. */
    public ReadOnlyStringProperty problemsProperty() {
        return heading.problemsProperty();
    }

    /** What the empty table says: how to open a project, or why this one did not open and how to fix it. */
    public ReadOnlyStringProperty placeholderProperty() {
        return heading.placeholderProperty();
    }

    public ReadOnlyBooleanProperty loadedProperty() {
        return loaded.getReadOnlyProperty();
    }

    /** What the app shown can do. */
    public ReadOnlyObjectProperty<Set<Capability>> capabilitiesProperty() {
        return capabilities.getReadOnlyProperty();
    }

    /** True while the app shown can do {@code c}: what a control that needs it binds its enabling to. */
    public BooleanBinding can(Capability c) {
        return Bindings.createBooleanBinding(() -> capabilities.get().contains(c), capabilities);
    }

    /**
     * True while the open project's files are read here but another procdeck runs it: Start all, Restart all and
     * scaling do nothing (the app can not {@link Capability#DRIVE drive} it).
     */
    public BooleanBinding readOnlyProperty() {
        return Bindings.createBooleanBinding(() -> capabilities.get().contains(Capability.PROJECT_FILES)
                && !capabilities.get().contains(Capability.DRIVE), capabilities);
    }

    /** The socket of the procdeck already running the opened project, while the banner offers to attach. */
    public ReadOnlyObjectProperty<Path> attachOfferProperty() {
        return heading.attachOfferProperty();
    }

    /**
     * True while this window drives processes it does not own (a procdeck that runs elsewhere, attached to):
     * closing it leaves them running, and what needs the project's files is not offered.
     */
    public BooleanBinding attachedProperty() {
        return Bindings.createBooleanBinding(() -> capabilities.get().contains(Capability.DRIVE)
                && !capabilities.get().contains(Capability.OWNS_PROCESSES), capabilities);
    }

    public ReadOnlyStringProperty projectNameProperty() {
        return heading.projectNameProperty();
    }

    /** Instances with a live process. */
    public ReadOnlyIntegerProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** Whether a router runs in front of one of the types: the table then has a Requests column. */
    public ReadOnlyBooleanProperty routedProperty() {
        return routed.getReadOnlyProperty();
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
        return table.types();
    }

    public ObservableList<Path> recentProjects() {
        return recentProjects;
    }

    public ConsoleViewModel console() {
        return console;
    }

    /** The open project's scheduled types: summaries, history, run now. */
    public ScheduledJobsModel jobs() {
        return jobs;
    }

    /** Processes › Run…: one-off runs of the open project. */
    public OneOffModel oneOffs() {
        return oneOffs;
    }

    /** Crashes being told about now: one leaves when its instance is up again, all leave on Stop all. */
    public ObservableList<CrashNotice> crashNotices() {
        return notifier.current();
    }

    public void setOnCrash(Consumer<CrashNotice> handler) {
        this.onCrash = handler;
    }

    /** Told the type → colour index map whenever the project's types change. */
    public void setOnTypesChanged(Consumer<Map<String, Integer>> handler) {
        this.onTypesChanged = handler;
        handler.accept(table.colourIndex());
    }

    // ---- the app shown ------------------------------------------------------------------------------------

    /** Shows {@code next} from now on: its capabilities, jobs and one-offs. Returns the previous app, to close. */
    private RunningApp show(RunningApp next) {
        RunningApp previous = app;
        app = next;
        capabilities.set(next.capabilities());
        jobs.follow(next);
        oneOffs.attach(next.oneOffs().orElse(null));
        return previous;
    }

    /** Closes an app no longer shown on the io executor (stopping its processes may take the stop timeout). */
    private void closeLater(RunningApp previous) {
        closingNow(previous);
        io.execute(() -> previous.close().join());
    }

    /** Keeps {@code previous} within reach of "Kill now" and the JVM's shutdown hook while it closes. */
    private void closingNow(RunningApp previous) {
        if (previous != NoApp.INSTANCE) {
            closing = previous;
        }
    }

    // ---- project ------------------------------------------------------------------------------------------

    /** Loads a folder (or the folder of a Procfile); stops the processes of the previous project first. */
    public CompletableFuture<Void> openProject(Path folderOrProcfile) {
        attachRequests++; // an attach still connecting is overtaken by this choice
        RunningApp previous = show(NoApp.INSTANCE);
        closingNow(previous);
        CompletableFuture<Void> done = new CompletableFuture<>();
        // The previous project's processes are stopped before the new one's files (and leftovers) are looked at.
        opener.open(folderOrProcfile, () -> previous.close().join(), g -> fx.execute(() -> reload(g)))
                .whenComplete((result, error) -> fx.execute(() -> finish(done, result, error)));
        return done;
    }

    /** Re-reads the Procfile and .env; running instances of types that still exist keep running. */
    public CompletableFuture<Void> reload() {
        return reload(shownGeneration); // stale (and skipped) while another folder is being opened
    }

    private CompletableFuture<Void> reload(long generation) {
        Path folder = heading.projectRootProperty().get();
        if (folder == null || !opener.isCurrent(generation)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        opener.reload(generation, folder, !app.can(Capability.PROJECT_FILES))
                .whenComplete((result, error) -> fx.execute(() -> finish(done, result, error)));
        return done;
    }

    private void finish(CompletableFuture<Void> done, ProjectOpener.Loaded result, Throwable error) {
        if (error != null) {
            done.completeExceptionally(error);
            return;
        }
        try {
            apply(result);
            done.complete(null);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    private void apply(ProjectOpener.Loaded r) {
        if (!opener.isCurrent(r.generation())) {
            opener.discard(r); // a load overtaken by another open: it must not touch this project
            return;
        }
        Path folder = r.folder();
        String problemText = r.problems().stream().map(ParseProblem::toString).collect(Collectors.joining("\n"));
        boolean elsewhere = r.ok() && r.otherProcdeck() != null;
        if (r.fresh()) {
            heading.folder(folder, elsewhere ? r.otherProcdeck() : null);
            shownGeneration = r.generation();
            notifier.forgetHistory();
            settingStartOnOpen = true;
            try {
                startOnOpen.set(r.ok() && r.remembered().startOnOpen());
            } finally {
                settingStartOnOpen = false;
            }
        }
        heading.problems(problemText);
        RunningApp shown = app;
        if (!r.ok()) {
            if (shown.can(Capability.PROJECT_FILES)) {
                // A broken file on reload keeps what runs: the user is probably mid-edit. The banner says it, and
                // the console (and the session log) keep the history of reloads.
                shown.note("reload failed, what runs keeps running: "
                        + r.errors().stream().map(ParseProblem::toString).collect(Collectors.joining("; ")));
                return;
            }
            // Nothing of another project may stay: no rows, no formation, no filters, no colours.
            table.clear();
            console.clearInstances();
            console.setProject(List.of());
            onTypesChanged.accept(table.colourIndex());
            formationText.set("");
            savedFormation = null;
            loaded.set(false);
            running.set(0);
            heading.cannotOpen(folder, problemText);
            return;
        }
        heading.noTypes();
        Project p = r.project();
        if (!shown.can(Capability.PROJECT_FILES)) {
            recentProjects.remove(folder);
            recentProjects.add(0, folder);
            if (elsewhere) {
                showElsewhere(r);
            } else {
                showLocal(r);
            }
        } else {
            Set<String> added = shown.reload(p);
            if (shown.can(Capability.DRIVE)) {
                // Before the rows are rebuilt: a type that became (or stopped being) scheduled changes its row's kind.
                jobs.scheduleTypes(scheduledTypesOf(p));
                table.setTypes(p.procfile());
                for (String type : added) {
                    table.applyEngineScale(type, 1); // what the engine is about to report; the events confirm it
                }
                typesChanged(p);
            }
        }
        loaded.set(true);
    }

    private void typesChanged(Project p) {
        Map<String, Long> quotas = new java.util.HashMap<>();
        p.procfile().typeNames().forEach(t -> {
            Long quota = p.config().type(t).memory();
            if (quota != null) {
                quotas.put(t, quota);
            }
        });
        table.setMemoryQuotas(quotas);
        refreshFormation();
        console.setProject(p.procfile().typeNames());
        console.setLiveInstances(table.instanceNames());
        onTypesChanged.accept(table.colourIndex());
    }

    /** The project runs here: its own supervisor and session, rows for its types, started if remembered so. */
    private void showLocal(ProjectOpener.Loaded r) {
        Project p = r.project();
        boolean startNow = r.remembered().startOnOpen() && r.fresh();
        console.setSessionLog(r.session() == null ? null : r.session().dir());
        int base;
        try {
            base = Ports.base(null, p.dotEnv(), parentEnv);
        } catch (IllegalArgumentException e) {
            heading.problem(e.getMessage() + "; using port 5000");
            base = Ports.DEFAULT_BASE;
        }
        SupervisorSettings settings = SupervisorSettings.defaults(base).withReaderNice(READER_NICE).withRouter(true);
        LocalApp local = LocalApp.start(p, settings, launcher, clock, parentEnv, r.session(), r.notes(),
                List.of(console.sink()));
        local.queueUpdates();
        closeLater(show(local));
        restoreRestartPolicies(local, p.root());
        Map<String, Integer> counts;
        try {
            counts = r.remembered().formation().isPresent()
                    ? Formation.parse(r.remembered().formation().get()).resolve(p.procfile())
                    : withConfiguredFormation(Formation.allOne().resolve(p.procfile()), p);
        } catch (IllegalArgumentException e) {
            counts = withConfiguredFormation(Formation.allOne().resolve(p.procfile()), p);
        }
        table.clear();
        console.clearInstances();
        jobs.scheduleTypes(scheduledTypesOf(p)); // before the rows: a scheduled type's row shows its schedule
        table.setTypes(p.procfile());
        counts.forEach(table::applyEngineScale);
        savedFormation = Formation.format(counts);
        typesChanged(p);
        if (startNow) {
            local.startFormation(counts);
        } else {
            local.supervisor().setFormation(counts);
        }
        local.note("opened " + p.root() + " (" + String.join(", ", p.procfile().typeNames()) + ")"
                + (startNow ? "" : "; press Start all (F5) to run it"));
        pulse(); // the scheduled types are known at once
    }

    /** Another procdeck runs the project: its files are read, nothing runs here, the banner offers to attach. */
    private void showElsewhere(ProjectOpener.Loaded r) {
        Project p = r.project();
        ElsewhereApp elsewhere = new ElsewhereApp(p, r.otherProcdeck(), clock, List.of(console.sink()));
        closeLater(show(elsewhere));
        console.setSessionLog(null);
        savedFormation = null;
        // Rows of an idle engine would show "stopped" for processes that run there: none at all.
        table.clear();
        console.clearInstances();
        heading.runsElsewhere();
        typesChanged(p);
        elsewhere.note("opened " + p.root() + " (" + String.join(", ", p.procfile().typeNames()) + ")"
                + "; another procdeck runs it: Attach (above) to drive it from here");
    }

    // ---- attached to a procdeck that runs elsewhere ---------------------------------------------------------

    /**
     * File › Attach…: shows the procdeck answering on {@code socket} (a headless {@code procdeck start}, or one
     * forwarded over SSH) in this window and drives it through the socket. What this window ran is stopped
     * first, as when another folder opens, but only once the attachment is made: a socket that does not answer
     * changes nothing. Completes exceptionally with the reason, for the view to tell.
     */
    public CompletableFuture<Void> attach(Path socket) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long request = ++attachRequests;
        long openGeneration = opener.current();
        // Attaching to the procdeck this window is itself would drive it twice; attaching again to the one shown is fine.
        RunningApp a = app;
        Optional<Path> own = a.can(Capability.OWNS_PROCESSES) ? a.controlSocket() : Optional.empty();
        ProcdeckFinder.connect(socket, own, clock).whenComplete((m, error) -> fx.execute(() -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else if (request != attachRequests || opener.current() != openGeneration) {
                // A folder was opened, or another attach asked for, while this one connected: that choice stands.
                m.close();
                done.cancel(false);
            } else {
                showAttached(m);
                done.complete(null);
            }
        }));
        return done;
    }

    private void showAttached(AttachedApp m) {
        RunningApp previous = show(m);
        opener.invalidate(); // a load still in flight belongs to nothing now
        closingNow(previous);
        io.execute(() -> {
            opener.stopWatching();
            previous.close().join();
        });
        ControlClient.Target t = m.target();
        shownGeneration = -1;
        // A socket outside this user's state folders is a forwarded one (ssh -L).
        heading.attached(t, !t.socket().toAbsolutePath().startsWith(StateFolder.stateRoot(parentEnv)));
        notifier.forgetHistory();
        notifier.clear();
        table.clear();
        console.clearInstances();
        console.setSessionLog(null);
        savedFormation = null;
        loaded.set(true);
        m.start(console.sink(), "attached to procdeck " + t.pid() + " running " + t.root() + " through " + t.socket()
                + "; this window drives it and owns none of its processes: closing it leaves them running");
        pulse();
    }

    /** The procdeck attached to is gone (or replaced): its rows say nothing true any more; the console stays. */
    private void showEnded(String why) {
        closeLater(show(NoApp.INSTANCE));
        table.clear();
        console.setLiveInstances(Set.of());
        formationText.set("");
        running.set(0);
        loaded.set(false);
        heading.detached(why);
    }

    /**
     * The procdecks this user runs, found in the state folders, but the one this window runs or is attached to;
     * read off the FX thread.
     */
    public CompletableFuture<List<ControlClient.Target>> runningProcdecks() {
        return ProcdeckFinder.running(parentEnv, app.controlSocket());
    }

    // ---- commands ------------------------------------------------------------------------------------------

    public void scale(String type, int count) {
        RunningApp a = app;
        if (!a.can(Capability.DRIVE)) {
            return;
        }
        try {
            a.scale(type, count);
        } catch (IllegalArgumentException e) {
            // Ports past 65535, say: refused before anything starts; the row goes back to the app's count.
            heading.problem(e.getMessage());
            table.applyEngineScale(type, a.scaleOf(type));
            return;
        }
        refreshFormation();
    }

    public void startAll() {
        app.act(RunningApp.Action.START, null);
    }

    public void stopAll() {
        notifier.clear(); // what was told about crashes is over once everything is stopped on purpose
        app.act(RunningApp.Action.STOP, null);
    }

    public void restartAll() {
        app.act(RunningApp.Action.RESTART, null);
    }

    public void start(DeckRow row) {
        app.act(RunningApp.Action.START, targetName(row));
    }

    public void stop(DeckRow row) {
        app.act(RunningApp.Action.STOP, targetName(row));
    }

    public void restart(DeckRow row) {
        app.act(RunningApp.Action.RESTART, targetName(row));
    }

    /** A row's target: a type's name, or an instance's. */
    private static String targetName(DeckRow row) {
        return row instanceof InstanceRow i ? i.id().name() : ((TypeRow) row).typeName();
    }

    /**
     * The window closes: stops every process this window owns gracefully (an attached app only hangs up) and
     * completes when nothing runs. Any thread: what the window shows changes on the FX thread.
     */
    public CompletableFuture<Void> shutdown() {
        return CompletableFuture.supplyAsync(() -> {
            attachRequests++;
            RunningApp a = show(NoApp.INSTANCE);
            closingNow(a);
            opener.invalidate();
            return a;
        }, fx).thenCompose(a -> CompletableFuture.runAsync(opener::stopWatching, io).thenCompose(v -> a.close()))
                .whenCompleteAsync((done, failed) -> running.set(0), fx); // events of a closed project are dropped
    }

    /**
     * The JVM is going away (SIGTERM or SIGINT to the dashboard; its shutdown hook): every process is asked to
     * stop at once, and this returns within about {@link #EXIT_BUDGET} whatever they do; what has not ended by
     * then is the session watchdog's, which sends SIGKILL after the stop timeout. Any thread: touches only the
     * apps (thread-safe) and the opener's generation counter, nothing the FX thread reads.
     */
    public void stopForExit() {
        opener.invalidate(); // a load still in flight opens nothing any more
        long deadline = System.nanoTime() + EXIT_BUDGET.toNanos();
        for (RunningApp a : List.of(app, closing)) {
            a.stopForExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    // ---- pulse ----------------------------------------------------------------------------------------------

    /** Off the FX thread, just before a pulse is posted: the work of a pulse that needs no FX (decoding lines). */
    public void preparePulse() {
        console.prepare();
    }

    /** Applies what happened since the last pulse: the app's news, new log lines, clocks and metrics. */
    public void pulse() {
        RunningApp a = app; // once: the JVM's shutdown hook may close it meanwhile, never replace it
        Instant now = clock.instant();
        boolean told = a.drainTo(updates);
        if (told) {
            refreshFormation();
            console.setLiveInstances(table.instanceNames());
        }
        console.pulse();
        jobs.pulse(now);
        jobs.decorate(table.types(), now);
        if (told || Duration.between(lastTick, now).toMillis() >= 1000) {
            lastTick = now;
            running.set(table.tick(now));
        }
        if (a.can(Capability.OWNS_PROCESSES)) {
            metrics.maybeSample(now, table.types(), a::routerFigures); // else the app's updates bring the figures
        }
        routed.set(table.types().stream().anyMatch(t -> !t.routerUrlProperty().get().isEmpty()));
        String ended = updates.takeEnded();
        if (ended != null && a == app) {
            showEnded(ended);
        }
    }

    /** The types a project's procdeck.yml schedules, in Procfile order. */
    private static List<String> scheduledTypesOf(Project p) {
        return p.procfile().typeNames().stream().filter(p.config()::isScheduled).toList();
    }

    /** The formation label from the rows (which follow the engine), saved for the project when it changed. */
    private void refreshFormation() {
        String f = table.formationText();
        formationText.set(table.formationSummary(jobs.scheduledTypes()));
        Path root = heading.projectRootProperty().get();
        if (app.can(Capability.PROJECT_SETTINGS) && root != null && !f.isEmpty() && !f.equals(savedFormation)) {
            savedFormation = f;
            preferences.saveFormation(root, f);
        }
    }

    /** procdeck.yml's {@code formation:} over one of each: the default until the user scales (then it is saved). */
    private static Map<String, Integer> withConfiguredFormation(Map<String, Integer> allOne, Project p) {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>(allOne);
        p.config().formation().forEach((type, n) -> {
            if (counts.containsKey(type)) {
                counts.put(type, n);
            }
        });
        return counts;
    }

    // ---- per-type restart policy, environment, kill (small accessors for the views) ---------------------

    /** The restart policy a type follows now (procdeck.yml's or always, unless chosen in the dashboard). */
    public RestartMode restartMode(String type) {
        return app.restartMode(type);
    }

    /** Changes a type's restart policy now and remembers it for the project. */
    public void setRestartMode(String type, RestartMode mode) {
        RunningApp a = app;
        Path root = heading.projectRootProperty().get();
        if (!a.can(Capability.PROJECT_SETTINGS) || root == null) {
            return;
        }
        a.setRestartMode(type, mode);
        a.note("restart policy of " + type + ": " + mode.spelling());
        preferences.saveRestartMode(root, type, mode);
    }

    /** Once the app exists: reads the remembered policies on io and applies them. */
    private void restoreRestartPolicies(RunningApp a, Path root) {
        List<String> typeNames = a.project().map(p -> p.procfile().typeNames()).orElse(List.of());
        io.execute(() -> typeNames.forEach(type -> preferences.restartMode(root, type).ifPresent(mode ->
                a.setRestartMode(type, mode))));
    }

    /**
     * The variables an instance was started with that the project sets: PORT, PS, DYNO, the .env values and
     * procdeck.yml's env of its type.
     */
    public Map<String, String> environmentOf(InstanceRow row) {
        Map<String, String> env = new java.util.TreeMap<>();
        RunningApp shown = app;
        java.util.Optional<Map<String, String>> launched = shown.launchEnvironment(row.id());
        if (launched.isPresent()) {
            return launched.get(); // as its run was started: what a "restart to apply" would change is not in it yet
        }
        shown.project().filter(p -> shown.can(Capability.ENVIRONMENT)).ifPresent(p -> {
            env.putAll(p.dotEnv());
            env.putAll(p.config().type(row.id().type()).env());
        });
        env.put("PORT", Integer.toString(row.snapshot().port()));
        env.put("PS", row.id().name());
        env.put("DYNO", row.id().name());
        return env;
    }

    /** File › Export… for the open project with the formation shown now, or empty when its files are not here. */
    Optional<ProjectExport> projectExport() {
        RunningApp a = app;
        return a.can(Capability.PROJECT_FILES)
                ? a.project().map(p -> new ProjectExport(io, p, formationText.get(), parentEnv)) : Optional.empty();
    }

    /**
     * The terminal of an instance whose type runs on one (procdeck.yml {@code tty: true}) while it has one;
     * empty for any other row. Cheap: a map look-up, fine on the FX thread.
     */
    public Optional<InstanceTerminal> terminalOf(DeckRow row) {
        return row instanceof InstanceRow i ? app.terminal(i.id(), i.snapshot().pid()) : Optional.empty();
    }

    /** SIGKILL to every process at once (the closing overlay's "Kill now"); never to an attached procdeck's. */
    public void killAll() {
        app.killAll();
        closing.killAll();
    }

    /** How long a stop waits after SIGTERM before SIGKILL. */
    public Duration stopTimeout() {
        RunningApp a = app;
        return a != NoApp.INSTANCE ? a.stopTimeout() : closing.stopTimeout();
    }
}
