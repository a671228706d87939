package dev.procdeck.supervisor;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.os.PortCheck;
import dev.procdeck.os.ProcStat;
import dev.procdeck.os.Signal;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Visible;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the formation of one project: one {@link InstanceController} per instance, scaling, reload, and
 * stopping everything. Every decision is taken on one supervision thread (the {@link Scheduler}'s), so state
 * needs no locks; commands may be called from any thread and return futures. Output is read on threads of
 * its own and never waited for: the bus's outputs queue it, they do not block this thread.
 */
public final class Supervisor implements AutoCloseable {
    /** The environment variable that marks every process procdeck starts, checked before a leftover is signalled. */
    public static final String MARK_VARIABLE = "PROCDECK_MARK";

    private final SupervisorSettings settings;
    private final ProcessLauncher launcher;
    private final ProcessGroups groups;
    private final Scheduler scheduler;
    private final ScheduledExecutorService ownExecutor;
    private final java.util.concurrent.Executor spawner;
    private final Terminator terminator;
    private final Clock clock;
    private final LogBus bus;
    private final Map<String, String> parentEnv;
    private final String marker;
    private final List<SupervisorListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<InstanceId, InstanceSnapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, Integer> scale = new ConcurrentHashMap<>();
    /** Restart policies chosen while running (the dashboard's per-type menu), over the settings' ones. */
    private final Map<String, RestartPolicy> chosenPolicies = new ConcurrentHashMap<>();
    /**
     * Each type's port block (PORT = base + 100 × block + instance − 1). At first the Procfile position, as
     * Foreman numbers them; a reload never moves the block of a type that stays, and gives a new type the lowest
     * block no current type holds, so a running instance never shares its port with a new one.
     */
    private final Map<String, Integer> portBlocks = new ConcurrentHashMap<>();
    private volatile Project project;
    private volatile boolean closed;
    private volatile GroupListener groupListener = GroupListener.NONE;

    // Owned by the supervision thread.
    private final Map<InstanceId, InstanceController> controllers = new TreeMap<>();
    private final List<CompletableFuture<Void>> quietWaiters = new ArrayList<>();
    private boolean running;

    /** A supervisor on a thread of its own, with real time. */
    public Supervisor(Project project, SupervisorSettings settings, ProcessLauncher launcher, LogBus bus,
                      Clock clock, Map<String, String> parentEnv) {
        this(project, settings, launcher, ProcessGroups.POSIX, null, clock, bus, parentEnv);
    }

    /** A supervisor driven by an injected scheduler (tests replay histories on a fake one). */
    public Supervisor(Project project, SupervisorSettings settings, ProcessLauncher launcher, ProcessGroups groups,
                      Scheduler scheduler, LogBus bus, Map<String, String> parentEnv) {
        this(project, settings, launcher, groups, Objects.requireNonNull(scheduler), null, bus, parentEnv);
    }

    private Supervisor(Project project, SupervisorSettings settings, ProcessLauncher launcher, ProcessGroups groups,
                       Scheduler scheduler, Clock clock, LogBus bus, Map<String, String> parentEnv) {
        this.project = project;
        this.settings = settings;
        this.launcher = launcher;
        this.groups = groups;
        this.bus = bus;
        this.parentEnv = Map.copyOf(parentEnv);
        if (scheduler == null) {
            ownExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "procdeck-supervisor");
                t.setDaemon(true);
                return t;
            });
            ExecutorScheduler own = ExecutorScheduler.on(ownExecutor, clock);
            own.setOnError(e -> bus.event(LogLine.PROCDECK, "internal error in the supervisor: " + e));
            this.scheduler = own;
            // As many spawning threads as cores: fork and exec are CPU work in the kernel.
            this.spawner = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "procdeck-spawn");
                t.setDaemon(true);
                return t;
            });
        } else {
            ownExecutor = null;
            this.scheduler = scheduler;
            this.spawner = Runnable::run; // replayed histories stay on the test's thread
        }
        this.clock = new SchedulerClock(this.scheduler);
        this.terminator = new Terminator(groups, this.scheduler);
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.marker = ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
        for (ProcessType type : project.procfile().types()) {
            scale.put(type.name(), 0);
            portBlocks.put(type.name(), type.index());
        }
    }

    public void addListener(SupervisorListener listener) {
        listeners.add(listener);
    }

    public void removeListener(SupervisorListener listener) {
        listeners.remove(listener);
    }

    /** Records process groups (for the watchdog and leftover detection). */
    public void setGroupListener(GroupListener listener) {
        this.groupListener = listener;
    }

    /** The value of {@link #MARK_VARIABLE} in the environment of every process this supervisor starts. */
    public String marker() {
        return marker;
    }

    public LogBus bus() {
        return bus;
    }

    public SupervisorSettings settings() {
        return settings;
    }

    public Project project() {
        return project;
    }

    /** The current state of every instance, sorted by type then number. Safe from any thread. */
    public List<InstanceSnapshot> snapshots() {
        List<InstanceSnapshot> list = new ArrayList<>(snapshots.values());
        list.sort(Comparator.comparing(InstanceSnapshot::id));
        return list;
    }

    /** The formation: instances per type, in Procfile order. */
    public Map<String, Integer> scale() {
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (ProcessType type : project.procfile().types()) {
            ordered.put(type.name(), scale.getOrDefault(type.name(), 0));
        }
        return ordered;
    }

    // ---- commands ---------------------------------------------------------------------------------------

    /** Sets the formation and starts it. */
    public CompletableFuture<Void> start(Map<String, Integer> formation) {
        checkTypes(formation);
        Ports.requireInRange(settings.basePort(), project.procfile(), formation);
        return submit(() -> {
            running = true;
            formation.forEach(this::applyScale);
            controllers().forEach(InstanceController::start);
            checkSettled();
        });
    }

    /** Sets the formation without starting anything (the dashboard, before the user presses Start). */
    public CompletableFuture<Void> setFormation(Map<String, Integer> formation) {
        checkTypes(formation);
        return submit(() -> formation.forEach(this::applyScale));
    }

    public CompletableFuture<Void> scale(String type, int count) {
        if (count < 0 || count > Formation.MAX_SCALE) {
            throw new IllegalArgumentException("scale must be between 0 and " + Formation.MAX_SCALE + ": " + count);
        }
        checkTypes(Map.of(type, count));
        Ports.requireInRange(settings.basePort(), project.procfile(), Map.of(type, count));
        return submit(() -> {
            applyScale(type, count);
            checkSettled();
        });
    }

    /** Starts every instance that is not running (and marks the formation as running). */
    public CompletableFuture<Void> startAll() {
        return submit(() -> {
            running = true;
            controllers().forEach(InstanceController::start);
            checkSettled();
        });
    }

    public CompletableFuture<Void> startType(String type) {
        return submit(() -> controllersOf(type).forEach(InstanceController::start));
    }

    public CompletableFuture<Void> startInstance(InstanceId id) {
        return submit(() -> controller(id).ifPresent(InstanceController::start));
    }

    /** Stops everything gracefully; completes once no process of this supervisor is left. */
    public CompletableFuture<Void> stopAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean accepted = !closed && scheduler.execute(() -> {
            running = false;
            controllers().forEach(c -> c.stop(StopIntent.STOP));
            quietWaiters.add(done);
            checkQuiet();
            checkSettled();
        });
        if (!accepted) {
            done.complete(null);
        }
        return done;
    }

    public CompletableFuture<Void> stopType(String type) {
        return submit(() -> controllersOf(type).forEach(c -> c.stop(StopIntent.STOP)));
    }

    public CompletableFuture<Void> stopInstance(InstanceId id) {
        return submit(() -> controller(id).ifPresent(c -> c.stop(StopIntent.STOP)));
    }

    public CompletableFuture<Void> restartAll() {
        return submit(() -> {
            running = true;
            controllers().forEach(InstanceController::restart);
        });
    }

    public CompletableFuture<Void> restartType(String type) {
        return submit(() -> controllersOf(type).forEach(InstanceController::restart));
    }

    public CompletableFuture<Void> restartInstance(InstanceId id) {
        return submit(() -> controller(id).ifPresent(InstanceController::restart));
    }

    /** Changes a type's restart policy: its instances, running or not, follow it from their next exit. */
    public CompletableFuture<Void> setPolicy(String type, RestartPolicy policy) {
        chosenPolicies.put(type, Objects.requireNonNull(policy));
        return submit(() -> controllersOf(type).forEach(c -> c.life.setPolicy(policy)));
    }

    /** The restart policy a type's instances follow now. */
    public RestartPolicy policyFor(String type) {
        return chosenPolicies.getOrDefault(type, settings.policyFor(type));
    }

    /** SIGKILL now to every process still running or stopping (the dashboard's "Kill now" while closing). */
    public CompletableFuture<Void> killAll() {
        return submit(() -> controllers().forEach(InstanceController::killNow));
    }

    /** What a reload changed, for the announcement and the dashboard. */
    public record ReloadResult(List<String> added, List<String> removed, List<String> commandChanged) {
        public boolean changedAnything() {
            return !added.isEmpty() || !removed.isEmpty() || !commandChanged.isEmpty();
        }

        /** "+newtype, −bad, web command changed — restart web to apply", or "no change to the process types". */
        public String describe() {
            List<String> parts = new ArrayList<>();
            added.forEach(t -> parts.add("+" + t));
            removed.forEach(t -> parts.add("\u2212" + t));
            if (!commandChanged.isEmpty()) {
                String types = String.join(", ", commandChanged);
                parts.add(types + (commandChanged.size() == 1 ? " command" : " commands") + " changed \u2014 restart "
                        + types + " to apply");
            }
            return parts.isEmpty() ? "no change to the process types" : String.join(", ", parts);
        }
    }

    /** {@link #reload(Project, Map)} where added types get Foreman's default: one each while running. */
    public CompletableFuture<ReloadResult> reload(Project newProject) {
        return reload(newProject, Map.of());
    }

    /**
     * Adopts a re-read Procfile. Instances of types that left it are stopped gracefully and removed; a new
     * type gets the count {@code formation} gives it, else 1 while the formation runs (Foreman's all=1) and 0
     * otherwise; instances whose command changed keep running the old command until restarted ("restart to
     * apply"); everything else is untouched. Announced on the bus with what changed.
     */
    public CompletableFuture<ReloadResult> reload(Project newProject, Map<String, Integer> formation) {
        CompletableFuture<ReloadResult> done = new CompletableFuture<>();
        boolean accepted = !closed && scheduler.execute(() -> {
            try {
                done.complete(applyReload(newProject, formation));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        if (!accepted) {
            done.completeExceptionally(new IllegalStateException("supervisor is closed"));
        }
        return done;
    }

    /** Stops everything and ends the supervision thread; waits at most the stop timeout plus a margin. */
    @Override
    public void close() {
        try {
            stopAll().get(settings.stopTimeout().toMillis() + 3000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Fall through: SIGKILL below is the last resort.
        }
        CompletableFuture<Void> killed = new CompletableFuture<>();
        if (scheduler.execute(() -> {
            controllers().forEach(InstanceController::killNow);
            killed.complete(null);
        })) {
            try {
                killed.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // The thread is stuck; nothing more can be done from here.
            }
        }
        closed = true;
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
            ((ExecutorService) spawner).shutdownNow();
        }
    }

    // ---- supervision thread ------------------------------------------------------------------------------

    private CompletableFuture<Void> submit(Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean accepted = !closed && scheduler.execute(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        if (!accepted) {
            done.completeExceptionally(new IllegalStateException("supervisor is closed"));
        }
        return done;
    }

    private void checkTypes(Map<String, Integer> formation) {
        for (String type : formation.keySet()) {
            if (project.procfile().type(type).isEmpty()) {
                throw new IllegalArgumentException("unknown process type '" + type + "'; the Procfile has "
                        + String.join(", ", project.procfile().typeNames()));
            }
        }
    }

    private List<InstanceController> controllers() {
        return new ArrayList<>(controllers.values());
    }

    private Optional<InstanceController> controller(InstanceId id) {
        return Optional.ofNullable(controllers.get(id));
    }

    private List<InstanceController> controllersOf(String type) {
        return controllers.values().stream().filter(c -> c.id.type().equals(type)).toList();
    }

    /** Sets a type's count. Types no longer in the Procfile only ever scale to 0 (on reload), never throw. */
    private void applyScale(String type, int count) {
        if (project.procfile().type(type).isEmpty()) {
            count = 0;
        }
        for (int n = 1; n <= count; n++) {
            InstanceId id = new InstanceId(type, n);
            InstanceController c = controllers.get(id);
            if (c == null) {
                c = new InstanceController(id,
                        new InstanceLifecycle(id, portFor(id), policyFor(type), clock), host);
                controllers.put(id, c);
                publish(c, null);
                if (running) {
                    c.start();
                }
            } else {
                c.keep(running);
            }
        }
        for (InstanceController c : controllersOf(type)) {
            if (c.id.number() > count) {
                c.stop(StopIntent.RETIRE);
            }
        }
        Integer before = count == 0 && project.procfile().type(type).isEmpty() ? scale.remove(type)
                : scale.put(type, count);
        if (before == null || before != count) {
            int now = count;
            listeners.forEach(l -> l.scaleChanged(type, now));
        }
    }

    private ReloadResult applyReload(Project newProject, Map<String, Integer> formation) {
        Project old = project;
        project = newProject;
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (ProcessType type : old.procfile().types()) {
            if (newProject.procfile().type(type.name()).isEmpty()) {
                removed.add(type.name());
                for (InstanceController c : controllersOf(type.name())) {
                    event(c.id, c.id.name() + ": type '" + type.name() + "' was removed from the Procfile, stopping it");
                }
                applyScale(type.name(), 0);
            }
        }
        // A removed type's block is freed only once it left the Procfile; its instances keep their ports while
        // they stop, and the block is not reused within this reload.
        assignPortBlocks(newProject);
        for (String type : List.copyOf(portBlocks.keySet())) {
            if (newProject.procfile().type(type).isEmpty() && controllersOf(type).isEmpty()) {
                portBlocks.remove(type);
            }
        }
        for (ProcessType type : newProject.procfile().types()) {
            Optional<ProcessType> before = old.procfile().type(type.name());
            if (before.isEmpty()) {
                added.add(type.name());
                scale.put(type.name(), 0);
                applyScale(type.name(), formation.getOrDefault(type.name(), running ? 1 : 0));
            } else if (!before.get().command().equals(type.command())) {
                changed.add(type.name());
            }
        }
        for (InstanceController c : controllers()) {
            String runningCommand = c.runningCommand();
            Optional<ProcessType> type = newProject.procfile().type(c.id.type());
            boolean stale = runningCommand != null && type.isPresent() && !type.get().command().equals(runningCommand);
            c.life.setRestartToApply(stale);
            publish(c, null);
        }
        ReloadResult result = new ReloadResult(List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
        bus.event(LogLine.PROCDECK, Visible.escape("reloaded " + newProject.procfilePath().getFileName() + ": "
                + result.describe()));
        checkSettled();
        return result;
    }

    private int portFor(InstanceId id) {
        int block = portBlocks.getOrDefault(id.type(),
                project.procfile().type(id.type()).map(ProcessType::index).orElse(0));
        return Ports.port(settings.basePort(), block, id.number());
    }

    /** Blocks for types new in a reload: the lowest ones that no type of the old or the new Procfile holds. */
    private void assignPortBlocks(Project newProject) {
        for (ProcessType type : newProject.procfile().types()) {
            if (!portBlocks.containsKey(type.name())) {
                int block = 0;
                while (portBlocks.containsValue(block)) {
                    block++;
                }
                portBlocks.put(type.name(), block);
            }
        }
    }

    private void publish(InstanceController c, InstanceLifecycle.Transition transition) {
        InstanceSnapshot snapshot = c.life.snapshot();
        // "starting" is only a moment before "started (pid, port)" or "failed to start": not worth a line, unless
        // it ends a stop (a restart), whose line says how the old run ended.
        if (transition != null && !(transition.to() == InstanceState.STARTING && transition.from() != InstanceState.STOPPING)) {
            bus.event(c.id.name(), Visible.escape(c.id.name() + " " + transition.description()));
        }
        // After the event line: whoever sees the new state finds the line that explains it already logged.
        snapshots.put(c.id, snapshot);
        for (SupervisorListener l : listeners) {
            try {
                l.instanceChanged(snapshot, transition);
            } catch (RuntimeException e) {
                bus.event(LogLine.PROCDECK, "internal error: a supervisor listener failed: " + e);
            }
        }
    }

    /** Events quote project-controlled text (paths, type names, error messages): never let it act on a terminal. */
    private void event(InstanceId id, String text) {
        bus.event(id.name(), Visible.escape(text));
    }

    private void checkQuiet() {
        if (quietWaiters.isEmpty()) {
            return;
        }
        if (controllers.values().stream().noneMatch(InstanceController::hasRun)) {
            quietWaiters.forEach(f -> f.complete(null));
            quietWaiters.clear();
        }
    }

    private void checkSettled() {
        if (running && controllers.values().stream().allMatch(InstanceController::settled)) {
            listeners.forEach(SupervisorListener::settled);
        }
    }

    private final InstanceController.Host host = new InstanceController.Host() {
        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public ProcessGroups groups() {
            return groups;
        }

        @Override
        public Terminator terminator() {
            return terminator;
        }

        @Override
        public Optional<LaunchSpec> launchSpec(InstanceId id, int port) {
            Project p = project;
            return p.procfile().type(id.type()).map(type -> {
                if (PortCheck.inUse(port)) {
                    event(id, id.name() + ": port " + port + " (its $PORT, from the " + type.name()
                            + " type's port block) is already in use by another program; it may fail to listen");
                }
                Map<String, String> env = new java.util.HashMap<>(
                        InstanceEnvironment.build(parentEnv, p.dotEnv(), id.name(), port));
                env.put(MARK_VARIABLE, marker);
                return new LaunchSpec(id.name(), type.command(), p.root(), env);
            });
        }

        @Override
        public int portFor(InstanceId id) {
            return Supervisor.this.portFor(id);
        }

        @Override
        public ProcessLauncher launcher() {
            return launcher;
        }

        @Override
        public java.util.concurrent.Executor spawner() {
            return spawner;
        }

        @Override
        public CompletableFuture<Void> readOutput(InstanceId id, LaunchedProcess process) {
            List<CompletableFuture<Void>> streams = new ArrayList<>(2);
            if (process.stdout() != null) {
                streams.add(OutputReader.start(id.name(), LogStream.STDOUT, process.stdout(), bus, settings));
            }
            if (process.stderr() != null) {
                streams.add(OutputReader.start(id.name(), LogStream.STDERR, process.stderr(), bus, settings));
            }
            return CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new));
        }

        @Override
        public Duration stopTimeout(InstanceId id) {
            return settings.stopTimeout();
        }

        @Override
        public Signal stopSignal(InstanceId id) {
            return Signal.TERM;
        }

        @Override
        public void publish(InstanceController controller, InstanceLifecycle.Transition transition) {
            Supervisor.this.publish(controller, transition);
        }

        @Override
        public void event(InstanceId id, String text) {
            Supervisor.this.event(id, text);
        }

        @Override
        public void groupStarted(InstanceId id, long pgid) {
            try {
                groupListener.groupStarted(pgid, ProcStat.startTime(pgid).orElse(-1), marker);
            } catch (RuntimeException e) {
                event(id, "internal error: cannot record process group " + pgid + ": " + e);
            }
        }

        @Override
        public void groupEnded(InstanceId id, long pgid) {
            try {
                groupListener.groupEnded(pgid);
            } catch (RuntimeException e) {
                event(id, "internal error: cannot forget process group " + pgid + ": " + e);
            }
        }

        @Override
        public void removed(InstanceController controller) {
            if (controllers.remove(controller.id, controller)) {
                snapshots.remove(controller.id);
                listeners.forEach(l -> l.instanceRemoved(controller.id));
            }
        }

        @Override
        public void runEnded(InstanceController controller) {
            checkQuiet();
            checkSettled();
        }
    };
}
