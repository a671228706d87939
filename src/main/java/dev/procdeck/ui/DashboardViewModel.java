package dev.procdeck.ui;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.procfile.ParseProblem;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.runtime.AttachedRun;
import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlServer;
import dev.procdeck.runtime.Session;
import dev.procdeck.runtime.StateFolder;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.InstanceTerminal;
import dev.procdeck.supervisor.Ports;
import dev.procdeck.supervisor.ProcessLauncher;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
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
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The dashboard's coordinator and the only UI class that talks to the engine. Each job has a part of its own:
 * {@link ProjectOpener} (files, sessions, generations), {@link ProcessTableModel} (rows), {@link EventBridge}
 * (supervisor events to the FX thread, on each pulse), {@link MetricsSampler}, {@link CrashNotifier},
 * {@link ProjectPreferences} and the {@link ConsoleViewModel}. This class wires them to the project that is open
 * now. FX thread only, except where a method says otherwise.
 */
public final class DashboardViewModel {
    /** A crash worth telling the user about. */
    public record CrashNotice(String instance, String message) {
    }

    /** Output readers yield the CPU to the window under a flood (see SupervisorSettings#readerNice). */
    static final int READER_NICE = 10;
    static final String NOTHING_OPEN = "Open a folder with a Procfile (Ctrl+O), or drop one here.";

    /** The project that runs now: its generation, supervisor and session. */
    private record Running(long generation, Project project, Supervisor supervisor, Session session) {
    }

    private final ProcessLauncher launcher;
    private final Executor io;
    private final Executor fx;
    private final Clock clock;
    private final Map<String, String> parentEnv;
    private final ProjectPreferences preferences;
    private final ProjectOpener opener;
    private final ProcessTableModel table;
    private final EventBridge bridge = new EventBridge();
    private final MetricsSampler metrics;
    private final CrashNotifier notifier;
    private final ConsoleViewModel console;
    private final ScheduledJobsModel jobs = new ScheduledJobsModel(java.time.ZoneId.systemDefault());
    private final OneOffModel oneOffs;

    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Procdeck");
    private final ReadOnlyObjectWrapper<Path> projectRoot = new ReadOnlyObjectWrapper<>(this, "projectRoot");
    private final ReadOnlyStringWrapper problems = new ReadOnlyStringWrapper(this, "problems", "");
    private final ReadOnlyStringWrapper placeholder = new ReadOnlyStringWrapper(this, "placeholder", NOTHING_OPEN);
    private final ReadOnlyBooleanWrapper loaded = new ReadOnlyBooleanWrapper(this, "loaded", false);
    /** Another procdeck runs the open project: this one shows it but starts and scales nothing. */
    private final ReadOnlyBooleanWrapper readOnly = new ReadOnlyBooleanWrapper(this, "readOnly", false);
    private String otherProcdeckText = "";
    /** The socket of the procdeck that already runs the opened project: the banner offers to attach to it. */
    private final ReadOnlyObjectWrapper<Path> attachOffer = new ReadOnlyObjectWrapper<>(this, "attachOffer");
    /** This window shows a procdeck that runs elsewhere (File › Attach…), driven through its socket. */
    private final ReadOnlyBooleanWrapper attachedMode = new ReadOnlyBooleanWrapper(this, "attached", false);
    /** The toolbar's heading: the project folder's name, or the attached app's. */
    private final ReadOnlyStringWrapper projectName = new ReadOnlyStringWrapper(this, "projectName", "No project");
    private final ReadOnlyIntegerWrapper running = new ReadOnlyIntegerWrapper(this, "running", 0);
    private final ReadOnlyStringWrapper formationText = new ReadOnlyStringWrapper(this, "formation", "");
    private final BooleanProperty startOnOpen = new SimpleBooleanProperty(this, "startOnOpen", false);
    private final BooleanProperty crashNotifications = new SimpleBooleanProperty(this, "crashNotifications", true);
    private final ObservableList<Path> recentProjects = FXCollections.observableArrayList();
    private Consumer<CrashNotice> onCrash = n -> { };
    private Consumer<Map<String, Integer>> onTypesChanged = m -> { };

    private Running current;
    /** Counts attach requests (and folder opens, which overtake them): only the latest may take the window. */
    private long attachRequests;
    /** The procdeck this window is attached to, or null; never together with {@link #current}. */
    private AttachedRunModel attached;
    /** The attached app's types as last applied (names and commands), to re-make rows only when they change. */
    private List<AttachedRun.RemoteType> attachedTypes = List.of();
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
        console.setScheduledTypes(jobs::isScheduled);
        notifier.current().addListener((ListChangeListener<CrashNotice>) c -> {
            while (c.next()) {
                c.getAddedSubList().forEach(n -> onCrash.accept(n));
            }
        });
        startOnOpen.addListener((o, a, on) -> {
            Path root = projectRoot.get();
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
        return title.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Path> projectRootProperty() {
        return projectRoot.getReadOnlyProperty();
    }

    /** The parser's errors (file:line: reason), empty when the project loaded. */
    public ReadOnlyStringProperty problemsProperty() {
        return problems.getReadOnlyProperty();
    }

    /** What the empty table says: how to open a project, or why this one did not open and how to fix it. */
    public ReadOnlyStringProperty placeholderProperty() {
        return placeholder.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadedProperty() {
        return loaded.getReadOnlyProperty();
    }

    /** True while another procdeck runs the open project: Start all, Restart all and scaling do nothing. */
    public ReadOnlyBooleanProperty readOnlyProperty() {
        return readOnly.getReadOnlyProperty();
    }

    /** The socket of the procdeck already running the opened project, while the banner offers to attach. */
    public ReadOnlyObjectProperty<Path> attachOfferProperty() {
        return attachOffer.getReadOnlyProperty();
    }

    /** True while this window drives a procdeck that runs elsewhere: closing it leaves those processes running. */
    public ReadOnlyBooleanProperty attachedProperty() {
        return attachedMode.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty projectNameProperty() {
        return projectName.getReadOnlyProperty();
    }

    /** The banner's words when another procdeck already runs the project. */
    static String otherProcdeckText(long pid) {
        return "procdeck (pid " + pid + ") already runs this project. Attach to see and drive it from this window"
                + " (its processes keep running when the window closes), or stop that procdeck and open the folder"
                + " again to run it here.";
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

    // ---- project ------------------------------------------------------------------------------------------

    /** Loads a folder (or the folder of a Procfile); stops the processes of the previous project first. */
    public CompletableFuture<Void> openProject(Path folderOrProcfile) {
        attachRequests++; // an attach still connecting is overtaken by this choice
        detach();
        Running previous = current;
        current = null;
        jobs.attach(null);
        oneOffs.attach(null);
        CompletableFuture<Void> done = new CompletableFuture<>();
        opener.open(folderOrProcfile, () -> close(previous), g -> fx.execute(() -> reload(g)))
                .whenComplete((result, error) -> fx.execute(() -> finish(done, result, error)));
        return done;
    }

    /** Re-reads the Procfile and .env; running instances of types that still exist keep running. */
    public CompletableFuture<Void> reload() {
        return reload(shownGeneration); // stale (and skipped) while another folder is being opened
    }

    private CompletableFuture<Void> reload(long generation) {
        Path folder = projectRoot.get();
        if (folder == null || !opener.isCurrent(generation)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        opener.reload(generation, folder, current == null)
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

    /** On the io executor: stops a project's processes and closes its session. */
    private static void close(Running r) {
        if (r != null) {
            r.supervisor().close();
            if (r.session() != null) {
                r.session().close();
            }
        }
    }

    private void apply(ProjectOpener.Loaded r) {
        if (!opener.isCurrent(r.generation())) {
            opener.discard(r); // a load overtaken by another open: it must not touch this project
            return;
        }
        Path folder = r.folder();
        String problemText = r.problems().stream().map(ParseProblem::toString).collect(Collectors.joining("\n"));
        if (r.fresh()) {
            readOnly.set(r.ok() && r.otherProcdeck() != null);
            otherProcdeckText = readOnly.get() ? otherProcdeckText(r.otherProcdeck().pid()) : "";
            attachOffer.set(readOnly.get() ? r.otherProcdeck().socket() : null);
            shownGeneration = r.generation();
            projectRoot.set(folder);
            projectName.set(folder.getFileName() == null ? folder.toString() : folder.getFileName().toString());
            title.set((folder.getFileName() == null ? folder.toString() : folder.getFileName().toString())
                    + " — " + folder + " — Procdeck");
            notifier.forgetHistory();
            settingStartOnOpen = true;
            try {
                startOnOpen.set(r.ok() && r.remembered().startOnOpen());
            } finally {
                settingStartOnOpen = false;
            }
        }
        problems.set(otherProcdeckText.isEmpty() ? problemText
                : problemText.isEmpty() ? otherProcdeckText : otherProcdeckText + "\n" + problemText);
        if (!r.ok()) {
            if (current != null) {
                // A broken file on reload keeps what runs: the user is probably mid-edit. The banner says it, and
                // the console (and the session log) keep the history of reloads.
                current.supervisor().bus().event(LogLine.PROCDECK, "reload failed, what runs keeps running: "
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
            placeholder.set(folder + " cannot be opened:\n" + problemText
                    + "\nFix the file, then Reload (Ctrl+R), or open another folder.");
            return;
        }
        placeholder.set("No process types");
        Project p = r.project();
        if (current == null) {
            recentProjects.remove(folder);
            recentProjects.add(0, folder);
            startSupervisor(r);
        } else {
            Map<String, Integer> added = new HashMap<>();
            for (String type : p.procfile().typeNames()) {
                if (current.project().procfile().type(type).isEmpty()) {
                    added.put(type, 1); // Foreman's all=1, running or not: Start all starts it
                }
            }
            current.supervisor().reload(p, added);
            current = new Running(current.generation(), p, current.supervisor(), current.session());
            if (readOnly.get()) {
                return; // shown read-only: no rows (see startSupervisor)
            }
            table.setTypes(p.procfile());
            for (String type : added.keySet()) {
                table.applyEngineScale(type, 1); // what the engine is about to report; the events confirm it
            }
            typesChanged(p);
        }
        loaded.set(true);
    }

    private void typesChanged(Project p) {
        refreshFormation();
        console.setProject(p.procfile().typeNames());
        console.setLiveInstances(table.instanceNames());
        onTypesChanged.accept(table.colourIndex());
    }

    private void startSupervisor(ProjectOpener.Loaded r) {
        Project p = r.project();
        boolean startNow = r.remembered().startOnOpen() && r.fresh() && !readOnly.get();
        LogBus bus = new LogBus(clock);
        bus.addListener(console.sink());
        Session session = r.session();
        if (session != null) {
            bus.addListener(session.log());
            session.publishTo(m -> bus.event(LogLine.PROCDECK, m)); // where the log is, or why there is none
        }
        console.setSessionLog(session == null ? null : session.dir());
        r.notes().forEach(line -> bus.event(LogLine.PROCDECK, line));
        int base;
        try {
            base = Ports.base(null, p.dotEnv(), parentEnv);
        } catch (IllegalArgumentException e) {
            problems.set(e.getMessage() + "; using port 5000");
            base = Ports.DEFAULT_BASE;
        }
        Supervisor supervisor = new Supervisor(p, SupervisorSettings.defaults(base).withReaderNice(READER_NICE),
                launcher, bus, clock, parentEnv);
        supervisor.addListener(bridge.listenerFor(r.generation()));
        jobs.attach(supervisor.jobs());
        oneOffs.attach(supervisor.oneOffs());
        restoreRestartPolicies(supervisor, p.root());
        if (session != null) {
            session.attach(supervisor);
        }
        current = new Running(r.generation(), p, supervisor, session);
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
        table.setTypes(p.procfile());
        counts.forEach(table::applyEngineScale);
        savedFormation = Formation.format(counts);
        if (readOnly.get()) {
            // Rows of this window's idle supervisor would show "stopped" for processes that run: none at all.
            table.clear();
            placeholder.set("Another procdeck runs this project: Attach (above) to see and drive its processes here.");
        }
        typesChanged(p);
        if (startNow) {
            supervisor.start(counts);
        } else {
            supervisor.setFormation(counts);
        }
        bus.event(LogLine.PROCDECK, "opened " + p.root() + " (" + String.join(", ", p.procfile().typeNames()) + ")"
                + (readOnly.get() ? "; another procdeck runs it: Attach (above) to drive it from here"
                : startNow ? "" : "; press Start to run it"));
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
        java.util.Optional<Path> own = ownSocket();
        long request = ++attachRequests;
        long openGeneration = opener.current();
        // Its own thread, not io: a procdeck that accepts and then stalls must not hold up opening a folder.
        Thread connecting = new Thread(() -> {
            AttachedRunModel m;
            try {
                m = AttachedRunModel.open(socket);
            } catch (java.io.IOException | RuntimeException e) {
                fx.execute(() -> done.completeExceptionally(e));
                return;
            }
            if (own.filter(o -> sameFile(o, m.run().target().socket())).isPresent()) {
                m.close();
                fx.execute(() -> done.completeExceptionally(new java.io.IOException(
                        "that is this window's own procdeck")));
                return;
            }
            fx.execute(() -> {
                if (request != attachRequests || opener.current() != openGeneration) {
                    // A folder was opened, or another attach asked for, while this one connected: that choice stands.
                    m.close();
                    done.cancel(false);
                    return;
                }
                showAttached(m);
                done.complete(null);
            });
        }, "procdeck-attach");
        connecting.setDaemon(true);
        connecting.start();
        return done;
    }

    private void showAttached(AttachedRunModel m) {
        Running previous = current;
        current = null;
        jobs.attach(null);
        oneOffs.attach(null);
        detach();
        opener.invalidate(); // a load still in flight belongs to nothing now
        io.execute(() -> {
            opener.stopWatching();
            close(previous);
        });
        attached = m;
        ControlClient.Target t = m.run().target();
        attachedMode.set(true);
        readOnly.set(false);
        attachOffer.set(null);
        otherProcdeckText = "";
        shownGeneration = -1;
        projectRoot.set(null); // nothing of the attached project is read or written here: it may be on another machine
        projectName.set(t.app() + " (attached)");
        // A socket outside this user's state folders is a forwarded one (ssh -L): the title says which.
        boolean forwarded = !t.socket().toAbsolutePath().startsWith(StateFolder.stateRoot(parentEnv));
        title.set(t.app() + " \u2014 attached to procdeck " + t.pid() + " (" + t.root() + ")"
                + (forwarded ? " via " + t.socket() : "") + " \u2014 Procdeck");
        problems.set("");
        placeholder.set("No process types");
        notifier.forgetHistory();
        notifier.clear();
        table.clear();
        attachedTypes = List.of();
        console.clearInstances();
        console.setSessionLog(null);
        savedFormation = null;
        loaded.set(true);
        m.start(console.sink(), "attached to procdeck " + t.pid() + " running " + t.root() + " through " + t.socket()
                + "; this window drives it and owns none of its processes: closing it leaves them running");
        pulseAttached(m, clock.instant());
    }

    /** Hangs up on the attached procdeck, if any (its processes keep running). */
    private void detach() {
        AttachedRunModel a = attached;
        if (a == null) {
            return;
        }
        attached = null;
        attachedMode.set(false);
        io.execute(a::close);
    }

    /**
     * The procdecks this user runs, found in the state folders, but the one this window runs or is attached to;
     * read on the io executor.
     */
    public CompletableFuture<List<ControlClient.Target>> runningProcdecks() {
        AttachedRunModel a = attached;
        java.util.Optional<Path> own = a != null && !a.isEnded() ? java.util.Optional.of(a.run().target().socket())
                : ownSocket();
        // Each socket is asked hello, up to 5 s for a stopped procdeck: on a thread of its own, not io, so that
        // a folder still opens meanwhile.
        CompletableFuture<List<ControlClient.Target>> found = new CompletableFuture<>();
        Thread looking = new Thread(() -> {
            try {
                found.complete(ControlClient.running(parentEnv).stream()
                        .filter(t -> own.filter(o -> sameFile(o, t.socket())).isEmpty()).toList());
            } catch (RuntimeException e) {
                found.completeExceptionally(e);
            }
        }, "procdeck-find-running");
        looking.setDaemon(true);
        looking.start();
        return found;
    }

    /** The control socket this window serves for its own project, if any. */
    private java.util.Optional<Path> ownSocket() {
        Running r = current;
        return r == null || r.session() == null ? java.util.Optional.empty()
                : r.session().control().map(ControlServer::socket);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return a.equals(b) || java.nio.file.Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void pulseAttached(AttachedRunModel a, Instant now) {
        AttachedRunModel.Update u = a.take();
        if (u.status() != null) {
            applyAttached(a, u.status(), u.formationCurrent());
        }
        console.pulse();
        jobs.pulse(now);
        jobs.decorate(table.types(), now);
        if (u.status() != null || Duration.between(lastTick, now).toMillis() >= 1000) {
            lastTick = now;
            running.set(table.tick(now));
        }
        if (u.ended() != null) {
            // The procdeck attached to is gone (or replaced): its rows say nothing true any more. The console keeps
            // what it printed, with the reason as its last line.
            a.note(u.ended());
            jobs.attach(null);
            table.clear();
            attachedTypes = List.of();
            console.setLiveInstances(java.util.Set.of());
            formationText.set("");
            running.set(0);
            loaded.set(false);
            attachedMode.set(false);
            title.set(projectName.get().replace(" (attached)", "") + " \u2014 detached \u2014 Procdeck");
            projectName.set(projectName.get().replace(" (attached)", " (detached)"));
            placeholder.set(u.ended() + ".\nAttach again (File \u203a Attach\u2026) or open a folder (Ctrl+O).");
        }
    }

    /** One ps of the attached procdeck onto the rows: types, instances, scale, CPU and memory, crash notices. */
    private void applyAttached(AttachedRunModel a, AttachedRun.Status status,
                               boolean formationCurrent) {
        if (!status.types().equals(attachedTypes)) {
            attachedTypes = status.types();
            List<ProcessType> types = new java.util.ArrayList<>();
            for (AttachedRun.RemoteType t : status.types()) {
                types.add(new ProcessType(t.name(), t.command(), types.size(), types.size() + 1));
            }
            table.setTypes(new Procfile("(attached)", types, List.of()));
            console.setProject(types.stream().map(ProcessType::name).toList());
            onTypesChanged.accept(table.colourIndex());
        }
        java.util.Set<String> present = new java.util.HashSet<>();
        Instant now = clock.instant();
        Map<InstanceId, InstanceSnapshot> shown = table.snapshots(); // once: a ps may list thousands
        for (InstanceSnapshot s : status.instances()) {
            present.add(s.name());
            InstanceSnapshot before = shown.get(s.id());
            if (table.apply(s)) {
                notifier.onChange(s, transitionBetween(before, s, now));
            }
        }
        for (String name : table.instanceNames()) {
            if (!present.contains(name)) {
                table.remove(InstanceId.parse(name));
                notifier.instanceGone(name);
            }
        }
        if (formationCurrent) {
            status.formation().forEach(table::applyEngineScale);
        }
        table.applyUsage(status.usage());
        jobs.showRemote(status.jobs(), type -> a.runJob(type));
        formationText.set(table.formationText());
        console.setLiveInstances(table.instanceNames());
    }

    /**
     * What happened to an instance between two polls, as the crash notices need it: a change of state, or (when
     * it crashed and came back between two polls) a restart that ended a failed run.
     */
    static InstanceLifecycle.Transition transitionBetween(
            InstanceSnapshot before, InstanceSnapshot now, Instant at) {
        if (before == null) {
            return null;
        }
        boolean failedRun = now.lastExit() != null && !now.lastExit().success();
        if (before.state() == InstanceState.UP && now.restarts() > before.restarts() && failedRun
                && now.state() != InstanceState.CRASHED) {
            return new InstanceLifecycle.Transition(InstanceState.UP,
                    InstanceState.BACKING_OFF, at, "crashed with " + now.lastExit().describe()
                    + "; restarted");
        }
        if (before.state() != now.state()) {
            return new InstanceLifecycle.Transition(before.state(), now.state(), at,
                    now.message());
        }
        return null;
    }

    // ---- commands ------------------------------------------------------------------------------------------

    public void scale(String type, int count) {
        AttachedRunModel a = attached;
        if (a != null) {
            a.scale(type, Math.max(0, Math.min(Formation.MAX_SCALE, count))); // ps moves the row back if refused
            return;
        }
        if (current == null) {
            return;
        }
        if (readOnly.get()) {
            table.applyEngineScale(type, current.supervisor().scale().getOrDefault(type, 0)); // the row goes back
            return;
        }
        Supervisor supervisor = current.supervisor();
        int clamped = Math.max(0, Math.min(Formation.MAX_SCALE, count));
        try {
            supervisor.scale(type, clamped);
        } catch (IllegalArgumentException e) {
            // Ports past 65535, say: refused before anything starts; the row goes back to the engine's count.
            problems.set(e.getMessage());
            table.applyEngineScale(type, supervisor.scale().getOrDefault(type, 0));
            return;
        }
        refreshFormation();
    }

    public void startAll() {
        AttachedRunModel a = attached;
        if (a != null) {
            a.act("start", null);
        } else if (!readOnly.get()) {
            act(Supervisor::startAll);
        }
    }

    public void stopAll() {
        notifier.clear(); // what was told about crashes is over once everything is stopped on purpose
        AttachedRunModel a = attached;
        if (a != null) {
            a.act("stop", null);
        } else {
            act(Supervisor::stopAll);
        }
    }

    public void restartAll() {
        AttachedRunModel a = attached;
        if (a != null) {
            a.act("restart", null);
        } else if (!readOnly.get()) {
            act(Supervisor::restartAll);
        }
    }

    private void act(Consumer<Supervisor> action) {
        if (current != null) {
            action.accept(current.supervisor());
        }
    }

    public void start(DeckRow row) {
        AttachedRunModel a = attached;
        if (a != null) {
            a.act("start", targetName(row));
        } else if (!readOnly.get()) {
            act(row, Supervisor::startType, Supervisor::startInstance);
        }
    }

    public void stop(DeckRow row) {
        AttachedRunModel a = attached;
        if (a != null) {
            a.act("stop", targetName(row));
        } else {
            act(row, Supervisor::stopType, Supervisor::stopInstance);
        }
    }

    public void restart(DeckRow row) {
        AttachedRunModel a = attached;
        if (a != null) {
            a.act("restart", targetName(row));
        } else if (!readOnly.get()) {
            act(row, Supervisor::restartType, Supervisor::restartInstance);
        }
    }

    /** The control protocol's target of a row: a type's name, or an instance's. */
    private static String targetName(DeckRow row) {
        return row instanceof InstanceRow i ? i.id().name() : ((TypeRow) row).typeName();
    }

    /** A row's action: on every instance of a type row, or on the one instance of an instance row. */
    private void act(DeckRow row, BiConsumer<Supervisor, String> onType, BiConsumer<Supervisor, InstanceId> onInstance) {
        if (current == null) {
            return;
        }
        if (row instanceof TypeRow t) {
            onType.accept(current.supervisor(), t.typeName());
        } else if (row instanceof InstanceRow i) {
            onInstance.accept(current.supervisor(), i.id());
        }
    }

    /** Stops every process gracefully and releases the supervisor; completes when nothing runs. */
    public CompletableFuture<Void> shutdown() {
        // An attached procdeck keeps its processes: closing the window only hangs up. Any thread (the JVM's
        // shutdown hook calls this): no property changes here.
        AttachedRunModel a = attached;
        attached = null;
        if (a != null) {
            a.close();
        }
        Running r = current;
        closing = r;
        current = null;
        jobs.attach(null);
        oneOffs.attach(null);
        opener.invalidate();
        return CompletableFuture.runAsync(() -> {
            opener.stopWatching();
            close(r);
        }, io).whenCompleteAsync((done, failed) -> running.set(0), fx); // events of a closed project are dropped
    }

    /** The project being closed by {@link #shutdown()}: "Kill now" still reaches its processes. */
    private volatile Running closing;

    // ---- pulse ----------------------------------------------------------------------------------------------

    /** Off the FX thread, just before a pulse is posted: the work of a pulse that needs no FX (decoding lines). */
    public void preparePulse() {
        console.prepare();
    }

    /** Applies what happened since the last pulse: supervisor events, new log lines, clocks and metrics. */
    public void pulse() {
        AttachedRunModel a = attached; // shutdown() may clear the field from another thread (the JVM's hook)
        if (a != null) {
            pulseAttached(a, clock.instant());
            return;
        }
        List<EventBridge.Event> events = bridge.drain(opener::isCurrent);
        for (EventBridge.Event e : events) {
            if (e instanceof EventBridge.Changed c) {
                table.apply(c.snapshot());
                notifier.onChange(c.snapshot(), c.transition());
            } else if (e instanceof EventBridge.Removed r) {
                table.remove(r.id());
                notifier.instanceGone(r.id().name());
            } else if (e instanceof EventBridge.Scaled s) {
                table.applyEngineScale(s.type(), s.count());
            }
        }
        if (!events.isEmpty()) {
            refreshFormation();
            console.setLiveInstances(table.instanceNames());
        }
        console.pulse();
        Instant now = clock.instant();
        jobs.pulse(now);
        jobs.decorate(table.types(), now);
        if (!events.isEmpty() || Duration.between(lastTick, now).toMillis() >= 1000) {
            lastTick = now;
            running.set(table.tick(now));
        }
        metrics.maybeSample(now, table.types());
    }

    /** The formation label from the rows (which follow the engine), saved for the project when it changed. */
    private void refreshFormation() {
        String f = table.formationText();
        formationText.set(f);
        Path root = projectRoot.get();
        if (current != null && root != null && !f.isEmpty() && !f.equals(savedFormation)) {
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
        Running r = current;
        return r == null ? RestartMode.ALWAYS : r.supervisor().policyFor(type).mode();
    }

    /** Changes a type's restart policy now and remembers it for the project. */
    public void setRestartMode(String type, RestartMode mode) {
        Running r = current;
        if (r == null) {
            return;
        }
        Supervisor s = r.supervisor();
        s.setPolicy(type, RestartPolicyChoice.policy(s, type, mode));
        s.bus().event(LogLine.PROCDECK, "restart policy of " + type + ": " + mode.spelling());
        preferences.saveRestartMode(r.project().root(), type, mode);
    }

    /** On the FX thread, once a supervisor exists: reads the remembered policies on io and applies them. */
    private void restoreRestartPolicies(Supervisor s, Path root) {
        List<String> typeNames = s.project().procfile().typeNames();
        io.execute(() -> typeNames.forEach(type -> preferences.restartMode(root, type).ifPresent(mode ->
                s.setPolicy(type, RestartPolicyChoice.policy(s, type, mode)))));
    }

    /**
     * The variables an instance was started with that the project sets: PORT, PS, DYNO, the .env values and
     * procdeck.yml's env of its type.
     */
    public Map<String, String> environmentOf(InstanceRow row) {
        Map<String, String> env = new java.util.TreeMap<>();
        Running r = current;
        if (r != null) {
            env.putAll(r.project().dotEnv());
            env.putAll(r.project().config().type(row.id().type()).env());
        }
        env.put("PORT", Integer.toString(row.snapshot().port()));
        env.put("PS", row.id().name());
        env.put("DYNO", row.id().name());
        return env;
    }

    /** File › Export… for the open project with the formation shown now, or empty when nothing is open. */
    java.util.Optional<ProjectExport> projectExport() {
        Running r = current;
        return r == null ? java.util.Optional.empty()
                : java.util.Optional.of(new ProjectExport(io, r.project(), formationText.get(), parentEnv));
    }

    /**
     * The terminal of an instance whose type runs on one (procdeck.yml {@code tty: true}) while it has one;
     * empty for any other row. Cheap: a map look-up, fine on the FX thread.
     */
    public java.util.Optional<InstanceTerminal> terminalOf(DeckRow row) {
        AttachedRunModel a = attached;
        if (a != null) {
            if (!(row instanceof InstanceRow i) || a.isEnded() || !i.snapshot().hasProcess() || i.snapshot().pid() <= 0
                    || attachedTypes.stream().noneMatch(t -> t.tty() && t.name().equals(i.id().type()))) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(a.terminal(i.id().name(), i.snapshot().pid()));
        }
        Running r = current;
        if (r == null || !(row instanceof InstanceRow i) || !r.project().config().type(i.id().type()).tty()) {
            return java.util.Optional.empty();
        }
        return r.supervisor().terminal(i.id());
    }

    /** SIGKILL to every process at once (the closing overlay's "Kill now"); never to an attached procdeck's. */
    public void killAll() {
        Running r = current != null ? current : closing;
        if (r != null) {
            r.supervisor().killAll();
        }
    }

    /** How long a stop waits after SIGTERM before SIGKILL. */
    public Duration stopTimeout() {
        Running r = current;
        return r == null ? SupervisorSettings.defaults(0).stopTimeout() : r.supervisor().settings().stopTimeout();
    }
}
