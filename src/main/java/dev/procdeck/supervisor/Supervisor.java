package dev.procdeck.supervisor;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.os.PortCheck;
import dev.procdeck.os.ProcStat;
import dev.procdeck.os.Signal;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.procfile.Visible;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
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
 * stopping everything, with the per-type settings of procdeck.yml ({@link TypeConfig}): restart policy and
 * {@code max_restarts}, stop signal and timeout, extra environment, readiness checks and {@code depends_on}.
 *
 * <p>{@code depends_on}: an instance starts only once every instance of each type it depends on is up (ready);
 * until then it is STARTING, "waiting for worker". Starting all starts in dependency order; {@link #stopAll()}
 * stops dependents first and stops a type only once every instance of the types depending on it is down.
 * Stopping, restarting or scaling a dependency on its own (even to 0) leaves its dependents running: a dependency
 * is a condition to start, not a lifetime bond. Scheduled types are never started here (they run as jobs).
 *
 * <p>Every decision is taken on one supervision thread (the {@link Scheduler}'s), so state
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
    private final java.util.concurrent.Executor prober;
    private final LogReadiness logReadiness = new LogReadiness();
    private volatile ReadinessProbe probe = ReadinessProbe.NETWORK;
    private final Terminator terminator;
    private final Clock clock;
    private final LogBus bus;
    private final Map<String, String> parentEnv;
    private final String marker;
    private final TypeSettings typeSettings;
    private final LaunchSpecs launchSpecs;
    private final List<SupervisorListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<InstanceId, InstanceSnapshot> snapshots = new ConcurrentHashMap<>();
    /** What each instance's current or last run was launched with (its Environment view), by instance. */
    private final Map<InstanceId, LaunchSpec> launches = new ConcurrentHashMap<>();
    private final Map<String, Integer> scale = new ConcurrentHashMap<>();
    /** Restart policies chosen while running (the dashboard's per-type menu), over the settings' ones. */
    private final Map<String, RestartPolicy> chosenPolicies = new ConcurrentHashMap<>();
    private volatile Project project;
    private volatile Dependencies dependencies;
    private volatile boolean closed;
    private volatile GroupListener groupListener = GroupListener.NONE;
    /** Runs outside the formation: scheduled jobs and one-offs (see {@link ScheduledJobs}, {@link OneOffRuns}). */
    private final Runs runs;
    private final ScheduledJobs jobs;
    private final OneOffRuns oneOffs;
    private final ReleasePhase release;
    /** Terminals of {@code tty: true} instances; {@link #launcher} notes each one it launches. */
    private final Terminals terminals = new Terminals();
    /** Memory quota (R14/R15) and liveness checks, on threads of their own; null on an injected scheduler. */
    private final DynoChecks dynoChecks;

    // Owned by the supervision thread.
    private final Map<InstanceId, InstanceController> controllers = new TreeMap<>();
    private final List<CompletableFuture<Void>> quietWaiters = new ArrayList<>();
    /** Instances that {@link #stopAll()} stops once the instances of the types depending on them are down. */
    private final StopOrder stopOrder = new StopOrder();
    /** Instances that run on a port the rule now gives another (after a reload moved or removed their type). */
    private final Set<InstanceController> displaced = new LinkedHashSet<>();
    private final Preboots preboots = new Preboots(new Preboots.Slots() {
        @Override
        public InstanceController current(InstanceId id) {
            return controllers.get(id);
        }

        @Override
        public void replace(InstanceController previous, InstanceController next) {
            next.life.setPolicy(policyFor(next.id.type())); // the replacement started with "never": now it is the instance
            controllers.put(next.id, next);
            publish(next, null);
        }

        @Override
        public void event(InstanceId id, String text) {
            Supervisor.this.event(id, text);
        }

        @Override
        public int ownPort(InstanceId id) {
            return portFor(id);
        }

        @Override
        public InstanceController.Processes processes() {
            return processes;
        }

        @Override
        public InstanceController.ReadinessChecks checks() {
            return checks;
        }

        @Override
        public InstanceController.Plan plan() {
            return plan;
        }

        @Override
        public InstanceController.Owner owner() {
            return owner;
        }

        @Override
        public Clock clock() {
            return clock;
        }
    });
    /** The router's drain before an instance's stop signal, or null without a router. */
    private volatile StopGate stopGate;
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
        this.launcher = terminals.tracking(launcher);
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
            // At most one check per waiting instance at a time; threads go once nothing waits.
            this.prober = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "procdeck-readiness");
                t.setDaemon(true);
                return t;
            });
        } else {
            ownExecutor = null;
            this.scheduler = scheduler;
            this.spawner = Runnable::run; // replayed histories stay on the test's thread
            this.prober = Runnable::run;
        }
        this.clock = new SchedulerClock(this.scheduler);
        this.terminator = new Terminator(groups, this.scheduler);
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.marker = ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
        this.typeSettings = new TypeSettings(() -> this.project, settings);
        this.launchSpecs = new LaunchSpecs(parentEnv, marker);
        for (ProcessType type : project.procfile().types()) {
            scale.put(type.name(), 0);
        }
        this.runs = new Runs(processes, checks, plan, owner, () -> this.project, launchSpecs, bus, PortCheck::freePort);
        this.jobs = new ScheduledJobs(runs, project, bus, clock != null ? clock.getZone() : java.time.ZoneId.systemDefault());
        this.oneOffs = new OneOffRuns(runs, () -> this.project);
        this.release = new ReleasePhase(runs, () -> this.project);
        this.dependencies = dependenciesOf(project);
        bus.addListener(logReadiness);
        this.dynoChecks = ownExecutor == null ? null : new DynoChecks(() -> this.project,
                id -> Optional.ofNullable(launches.get(id)), this::restartUnhealthy, bus, launcher);
        if (dynoChecks != null) {
            listeners.add(dynoChecks);
        }
    }

    /** A dyno check found run {@code pid} of {@code id} unhealthy (R15, liveness): stop it; the policy decides. */
    void restartUnhealthy(InstanceId id, long pid, String reason, String cause) {
        submit(() -> controller(id).ifPresent(c -> c.unhealthy(pid, reason, cause)));
    }

    /** Replaces the network readiness checks (tests script them on the fake clock). Call before starting. */
    void setReadinessProbe(ReadinessProbe probe) {
        this.probe = Objects.requireNonNull(probe);
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

    /**
     * The terminal of a running {@code tty: true} instance (procdeck.yml), for its input and window size; empty when
     * the instance does not run or runs with pipes. It belongs to the current run: after a restart ask again.
     */
    public Optional<InstanceTerminal> terminal(InstanceId id) {
        return terminals.terminal(id);
    }

    /** Attaching clients to the terminals of tty instances ({@code procdeck connect}). */
    public TerminalAccess terminalAccess() {
        return new TerminalAttachments(bus, this::terminal);
    }

    public LogBus bus() {
        return bus;
    }

    /** The type behind the router, if a router runs: its ports are one up, its restarts preboot. */
    public Optional<String> routedType() {
        Project p = project;
        return settings.router() ? p.config().router().routedType(p.procfile(), p.config()) : Optional.empty();
    }

    public SupervisorSettings settings() {
        return settings;
    }

    public Project project() {
        return project;
    }

    /** The scheduled jobs: types procdeck.yml gives a schedule, which run on it while the formation runs. */
    public ScheduledJobs jobs() {
        return jobs;
    }

    /** One-off runs ({@code heroku run}): a type's command with arguments, or any command, run once. */
    public OneOffRuns oneOffs() {
        return oneOffs;
    }

    /** The release phase: the Procfile's {@code release} type, run once before the formation starts. */
    public ReleasePhase release() {
        return release;
    }

    /** The current state of every instance, sorted by type then number. Safe from any thread. */
    public List<InstanceSnapshot> snapshots() {
        List<InstanceSnapshot> list = new ArrayList<>(snapshots.values());
        list.sort(Comparator.comparing(InstanceSnapshot::id));
        return list;
    }

    /**
     * The variables procdeck set for the current (or last) run of {@code id}: those of its environment that are not
     * procdeck's own as they are (.env, procdeck.yml's env, PORT, PS, DYNO...), as that run was started with them,
     * a reload since notwithstanding. Empty when it never ran. Safe from any thread.
     */
    public Optional<Map<String, String>> launchEnvironment(InstanceId id) {
        LaunchSpec launch = launches.get(id);
        if (launch == null) {
            return Optional.empty();
        }
        return Optional.of(launchSpecs.setByProcdeck(launch));
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
        Ports.requireInRange(settings.basePort(), project.procfile(), formation, routedType().orElse(null));
        return submit(() -> {
            stopOrder.clear();
            // Every instance exists before any starts: a dependency not created yet would hold nothing back.
            formation.forEach((type, count) -> applyScale(type, count, false));
            running = true;
            jobs.setRunning(true);
            inStartOrder(controllers()).forEach(InstanceController::start);
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
        Ports.requireInRange(settings.basePort(), project.procfile(), Map.of(type, count), routedType().orElse(null));
        return submit(() -> {
            applyScale(type, count);
            checkSettled();
        });
    }

    /** Starts every instance that is not running (and marks the formation as running). */
    public CompletableFuture<Void> startAll() {
        return submit(() -> {
            running = true;
            jobs.setRunning(true);
            stopOrder.clear();
            inStartOrder(controllers()).forEach(InstanceController::start);
            checkSettled();
        });
    }

    public CompletableFuture<Void> startType(String type) {
        return submit(() -> controllersOf(type).forEach(c -> {
            stopOrder.remove(c.id);
            c.start();
        }));
    }

    public CompletableFuture<Void> startInstance(InstanceId id) {
        return submit(() -> controller(id).ifPresent(c -> {
            stopOrder.remove(id);
            c.start();
        }));
    }

    /** Stops everything gracefully; completes once no process of this supervisor is left. */
    public CompletableFuture<Void> stopAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean accepted = !closed && scheduler.execute(() -> {
            running = false;
            jobs.setRunning(false);
            preboots.abortAll("stopping everything");
            // Dependents first; each dependency once the instances of the types depending on it are down.
            stopOrder.addAll(controllers.keySet());
            advanceStops();
            if (!stopOrder.isEmpty()) {
                List<String> waiting = stopOrder.waitingTypes();
                bus.event(LogLine.PROCDECK, Visible.escape("stopping dependents first; " + String.join(", ", waiting)
                        + (waiting.size() == 1 ? " stops once the types that depend on it" 
                        : " stop once the types that depend on them") + " (depends_on) are down"));
            }
            runs.stopAll();
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
        return submit(() -> controllersOf(type).forEach(c -> {
            preboots.abort(c.id, "stopped");
            c.stop(StopIntent.STOP);
        }));
    }

    public CompletableFuture<Void> stopInstance(InstanceId id) {
        return submit(() -> controller(id).ifPresent(c -> {
            preboots.abort(c.id, "stopped");
            c.stop(StopIntent.STOP);
        }));
    }

    public CompletableFuture<Void> restartAll() {
        return submit(() -> {
            running = true;
            jobs.setRunning(true);
            stopOrder.clear();
            inStartOrder(controllers()).forEach(this::restart);
        });
    }

    public CompletableFuture<Void> restartType(String type) {
        return submit(() -> controllersOf(type).forEach(c -> {
            stopOrder.remove(c.id);
            restart(c);
        }));
    }

    public CompletableFuture<Void> restartInstance(InstanceId id) {
        return submit(() -> controller(id).ifPresent(c -> {
            stopOrder.remove(id);
            restart(c);
        }));
    }

    /** The type behind the router restarts with preboot (replacement first); the others stop, then start. */
    private void restart(InstanceController c) {
        if (!(c.id.type().equals(routedType().orElse(null)) && preboots.restart(c))) {
            c.restart();
        }
    }

    /**
     * What runs before an instance's stop signal: the router's drain (it leaves the rotation and finishes its
     * requests). Set once, before the formation starts.
     */
    public void setStopGate(StopGate gate) {
        this.stopGate = gate;
    }

    /** Before the stop signal of the instance on {@code port}: completes when the signal may go. */
    @FunctionalInterface
    public interface StopGate {
        java.util.concurrent.CompletionStage<Void> beforeStop(InstanceId id, int port);
    }

    /** Changes a type's restart policy: its instances, running or not, follow it from their next exit. */
    public CompletableFuture<Void> setPolicy(String type, RestartPolicy policy) {
        chosenPolicies.put(type, Objects.requireNonNull(policy));
        return submit(() -> controllersOf(type).forEach(c -> c.life.setPolicy(policy)));
    }

    /** The restart policy a type's instances follow now: the one chosen in the dashboard, else procdeck.yml's. */
    public RestartPolicy policyFor(String type) {
        RestartPolicy chosen = chosenPolicies.get(type);
        return chosen != null ? chosen : typeSettings.policy(type);
    }

    /** SIGKILL now to every process still running or stopping (the dashboard's "Kill now" while closing). */
    public CompletableFuture<Void> killAll() {
        return submit(() -> {
            controllers().forEach(InstanceController::killNow);
            preboots.killNow();
        });
    }

    /** {@link #reload(Project, Map)} where added types get Foreman's default: one each while running. */
    public CompletableFuture<ReloadPlan> reload(Project newProject) {
        return reload(newProject, Map.of());
    }

    /**
     * Adopts a re-read Procfile. Instances of types that left it are stopped gracefully and removed; a new
     * type gets the count {@code formation} gives it, else 1 while the formation runs (Foreman's all=1) and 0
     * otherwise; instances whose command, environment (.env, procdeck.yml's {@code env:}), terminal or port (their
     * type moved in the Procfile) changed keep running as they are until restarted ("restart to apply"); everything
     * else is untouched. Announced on the bus with what changed ({@link ReloadPlan#lines}).
     */
    public CompletableFuture<ReloadPlan> reload(Project newProject, Map<String, Integer> formation) {
        CompletableFuture<ReloadPlan> done = new CompletableFuture<>();
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

    /**
     * Stops everything and ends the supervision thread; waits at most the longest stop timeout for each link of
     * the longest depends_on chain (stops go dependents first), plus a margin.
     */
    @Override
    public void close() {
        try {
            stopAll().get(typeSettings.stopBudget(dependencies).toMillis() + 3000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Fall through: SIGKILL below is the last resort.
        }
        CompletableFuture<Void> killed = new CompletableFuture<>();
        if (scheduler.execute(() -> {
            controllers().forEach(InstanceController::killNow);
            preboots.killNow();
            runs.killNow();
            jobs.close();
            killed.complete(null);
        })) {
            try {
                killed.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // The thread is stuck; nothing more can be done from here.
            }
        }
        closed = true;
        bus.removeListener(logReadiness);
        if (dynoChecks != null) {
            dynoChecks.close();
        }
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
            ((ExecutorService) spawner).shutdownNow();
            ((ExecutorService) prober).shutdownNow();
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
        applyScale(type, count, running);
    }

    private void applyScale(String type, int count, boolean start) {
        if (project.procfile().type(type).isEmpty()) {
            count = 0;
        }
        if (jobs.isScheduled(type)) {
            // Scheduled types run as jobs, never as long-running instances (those left from before a reload
            // retire). Its count turns its schedule on or off and stays in the formation, so that a saved
            // formation keeps the schedule on.
            controllersOf(type).forEach(c -> c.stop(StopIntent.RETIRE));
            jobs.select(type, count > 0);
            Integer before = scale.put(type, count);
            if (before == null || before != count) {
                int now = count;
                listeners.forEach(l -> l.scaleChanged(type, now));
            }
            return;
        }
        for (int n = 1; n <= count; n++) {
            InstanceId id = new InstanceId(type, n);
            InstanceController c = controllers.get(id);
            if (c == null) {
                c = new InstanceController(id,
                        new InstanceLifecycle(id, portFor(id), policyFor(type), clock), processes, checks, plan, owner);
                controllers.put(id, c);
                publish(c, null);
                if (start) {
                    c.start();
                }
            } else {
                c.keep(start);
            }
        }
        for (InstanceController c : controllersOf(type)) {
            if (c.id.number() > count) {
                preboots.abort(c.id, "scaled away");
                c.stop(StopIntent.RETIRE);
            }
        }
        Integer before = count == 0 && project.procfile().type(type).isEmpty() ? scale.remove(type)
                : scale.put(type, count);
        if (before == null || before != count) {
            int now = count;
            listeners.forEach(l -> l.scaleChanged(type, now));
        }
        releaseWaiting(); // a dependency scaled to 0 no longer holds its dependents back
    }

    private ReloadPlan applyReload(Project newProject, Map<String, Integer> formation) {
        Project old = project;
        ReloadPlan plan = ReloadPlan.between(old, newProject);
        project = newProject;
        dependencies = dependenciesOf(newProject);
        jobs.reload(newProject);
        for (String type : List.copyOf(scale.keySet())) {
            boolean scheduled = jobs.isScheduled(type);
            boolean unscheduled = !scheduled && old.config().isScheduled(type)
                    && newProject.procfile().type(type).isPresent();
            if (scheduled && !controllersOf(type).isEmpty() || unscheduled) {
                // Now scheduled: its instances stop and its count selects the schedule. No longer scheduled: its
                // count is again its number of instances.
                applyScale(type, scale.get(type));
            }
        }
        for (String type : plan.removed()) {
            for (InstanceController c : controllersOf(type)) {
                event(c.id, c.id.name() + ": type '" + type + "' was removed from the Procfile, stopping it");
            }
            applyScale(type, 0);
        }
        // Instances keep the port they run on until they start again; whoever holds another's port by the rule
        // (its type moved, or was removed and is still stopping) holds back that one's start (awaitedDependencies).
        for (InstanceController c : controllers.values()) {
            if (c.hasRun() && (newProject.procfile().type(c.id.type()).isEmpty() || c.life.port() != portFor(c.id))) {
                displaced.add(c);
            }
        }
        for (String type : plan.added()) {
            scale.put(type, 0);
            applyScale(type, formation.getOrDefault(type, running ? 1 : 0));
        }
        Set<String> stale = new LinkedHashSet<>();
        for (InstanceController c : controllers()) {
            LaunchSpec runningLaunch = c.runningLaunch();
            boolean restartToApply = runningLaunch != null
                    && specFor(c.id, portFor(c.id)).filter(now -> !now.equals(runningLaunch)).isPresent();
            if (restartToApply) {
                stale.add(c.id.type());
            }
            c.life.setRestartToApply(restartToApply);
            c.life.setPolicy(policyFor(c.id.type()));
            publish(c, null);
        }
        releaseWaiting();
        for (String line : plan.lines(settings.basePort(), stale)) {
            bus.event(LogLine.PROCDECK, Visible.escape(line));
        }
        checkSettled();
        return plan;
    }

    private Dependencies dependenciesOf(Project p) {
        Dependencies d = Dependencies.of(p);
        if (!d.ignoredCycles().isEmpty()) {
            bus.event(LogLine.PROCDECK, Visible.escape("depends_on in " + dev.procdeck.procfile.ProjectConfig.FILE_NAME + " has a cycle; ignoring "
                    + String.join(", ", d.ignoredCycles())));
        }
        return d;
    }

    private List<InstanceController> inStartOrder(List<InstanceController> list) {
        Dependencies d = dependencies;
        List<InstanceController> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingInt((InstanceController c) -> d.rank(c.id.type())).thenComparing(c -> c.id));
        return sorted;
    }

    /**
     * What {@code id} still waits for, or empty: every instance of each type it depends on is UP, and no instance of
     * ours still runs on its port (one whose type a reload moved or removed, until it restarts or stops).
     */
    private Optional<String> awaitedDependencies(InstanceId id) {
        List<String> waiting = new ArrayList<>();
        for (String dep : dependencies.of(id.type())) {
            if (!controllersOf(dep).stream().allMatch(c -> c.life.state() == InstanceState.UP)) {
                waiting.add(dep);
            }
        }
        int port = portFor(id);
        displacedHolder(id, port).ifPresent(holder -> waiting.add("port " + port + " (" + holder.id.name()
                + " still runs on it: restart " + holder.id.type() + " to apply its new port)"));
        return waiting.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", waiting));
    }

    /** Lets instances waiting for their dependencies go on if those are up now. */
    private void releaseWaiting() {
        for (InstanceController c : inStartOrder(controllers())) {
            if (controllers.get(c.id) == c) {
                c.dependenciesChanged();
            }
        }
    }

    /** Part of {@link #stopAll()}: stops every instance whose dependents are all down, until none is left. */
    private void advanceStops() {
        stopOrder.advance(controllers, InstanceController::hasRun, c -> c.stop(StopIntent.STOP), dependencies);
    }

    /**
     * The port of an instance by the one rule ({@link Ports#port}): its type's position in the Procfile as it is
     * now. An instance of a type that left the Procfile keeps the port it has while it stops.
     */
    private int portFor(InstanceId id) {
        InstanceController c = controllers.get(id);
        return Ports.forInstance(settings.basePort(), project.procfile(), id,
                c != null ? OptionalInt.of(c.life.port()) : OptionalInt.empty(), routedType().orElse(null));
    }

    /** The instance of ours that still runs on {@code port} although the rule gives it another one, if any. */
    private Optional<InstanceController> displacedHolder(InstanceId wanting, int port) {
        pruneDisplaced();
        return displaced.stream().filter(c -> !c.id.equals(wanting) && c.life.port() == port).findFirst();
    }

    /** Forgets those that no longer run, or run on their own port now (restarted onto it). */
    private void pruneDisplaced() {
        displaced.removeIf(c -> !c.hasRun() || controllers.get(c.id) != c
                || project.procfile().type(c.id.type()).isPresent() && c.life.port() == portFor(c.id));
    }

    /** What a start of {@code id} on {@code port} launches with the project as it is now; empty if its type is gone. */
    private Optional<LaunchSpec> specFor(InstanceId id, int port) {
        return launchSpecs.instance(project, id, port);
    }

    private void publish(InstanceController c, InstanceLifecycle.Transition transition) {
        if (controllers.get(c.id) != c && controllers.containsKey(c.id)) {
            preboots.outsideChanged(c, transition); // a replaced process stopping: its name belongs to another now
            return;
        }
        InstanceSnapshot snapshot = c.life.snapshot();
        // "starting" is only a moment before "started (pid, port)" or "failed to start": not worth a line, unless
        // it ends a stop (a restart), whose line says how the old run ended, or moves on within STARTING
        // ("waiting for worker", "started (…), waiting for http /health").
        if (transition != null && !(transition.to() == InstanceState.STARTING
                && transition.from() != InstanceState.STOPPING && transition.from() != InstanceState.STARTING)) {
            // Stamped with the transition's moment: a crash notice quoting it shows the same time as this line.
            bus.event(c.id.name(), Visible.escape(c.id.name() + " " + transition.description()), transition.at());
        }
        // After the event line: whoever sees the new state finds the line that explains it already logged.
        LaunchSpec launch = c.runningLaunch();
        if (launch != null) {
            launches.put(c.id, launch);
        }
        snapshots.put(c.id, snapshot);
        for (SupervisorListener l : listeners) {
            try {
                l.instanceChanged(snapshot, transition);
            } catch (RuntimeException e) {
                bus.event(LogLine.PROCDECK, "internal error: a supervisor listener failed: " + e);
            }
        }
        if (transition != null && transition.to() == InstanceState.UP && transition.from() != InstanceState.UP) {
            releaseWaiting();
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
        if (controllers.values().stream().noneMatch(InstanceController::hasRun) && runs.isEmpty() && !preboots.busy()) {
            quietWaiters.forEach(f -> f.complete(null));
            quietWaiters.clear();
        }
    }

    private void checkSettled() {
        // An instance waiting for its dependencies while every other one is settled will never start on its own;
        // a schedule that is armed will.
        if (running && controllers.values().stream().allMatch(c -> c.settled() || c.life.waitingForDependencies())
                && !jobs.ticking() && runs.isEmpty()) {
            listeners.forEach(SupervisorListener::settled);
        }
    }

    // ---- the ports of the instance controllers ---------------------------------------------------------------

    /** Processes: the launcher, the spawning threads, process groups, output readers and the group records. */
    private final InstanceController.Processes processes = new InstanceController.Processes() {
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
        public void groupStarted(InstanceId id, long pgid) {
            try {
                groupListener.groupStarted(pgid, ProcStat.startTime(pgid).orElse(-1), marker);
            } catch (RuntimeException e) {
                event(id, "internal error: cannot record process group " + pgid + ": " + e);
            }
        }

        @Override
        public void groupEnded(InstanceId id, long pgid) {
            terminals.runOver(id, pgid);
            try {
                groupListener.groupEnded(pgid);
            } catch (RuntimeException e) {
                event(id, "internal error: cannot forget process group " + pgid + ": " + e);
            }
        }
    };

    private final InstanceController.ReadinessChecks checks = new InstanceController.ReadinessChecks() {
        @Override
        public ReadinessProbe probe() {
            return probe;
        }

        @Override
        public java.util.concurrent.Executor prober() {
            return prober;
        }

        @Override
        public LogReadiness logReadiness() {
            return logReadiness;
        }
    };

    /** The plan of each instance: the project as it is now, procdeck.yml's per-type settings, depends_on. */
    private final InstanceController.Plan plan = new InstanceController.Plan() {
        @Override
        public Optional<LaunchSpec> launchSpec(InstanceId id, int port) {
            Optional<LaunchSpec> spec = specFor(id, port);
            if (spec.isPresent() && PortCheck.inUse(port)) {
                // Who holds it is found by scanning every process's open files: on the prober's thread, never the
                // supervision thread's (the spawn does not wait for it; the bus takes events from any thread).
                prober.execute(() -> {
                    String who = dev.procdeck.os.PortOwners.of(port).filter(l -> l.any())
                            .map(l -> " (" + l.describe() + ")").orElse("");
                    event(id, id.name() + ": port " + port + " (its $PORT, from the " + id.type()
                            + " type's port block) is already in use by another program" + who
                            + "; it may fail to listen");
                });
            }
            return spec;
        }

        @Override
        public int portFor(InstanceId id) {
            return Supervisor.this.portFor(id);
        }

        @Override
        public Duration stopTimeout(InstanceId id) {
            return typeSettings.stopTimeout(id.type());
        }

        @Override
        public Signal stopSignal(InstanceId id) {
            return typeSettings.stopSignal(id.type());
        }

        @Override
        public Optional<Readiness> readiness(InstanceId id) {
            return typeSettings.readiness(id.type());
        }

        @Override
        public Optional<String> awaitedDependencies(InstanceId id) {
            return Supervisor.this.awaitedDependencies(id);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> beforeStop(InstanceId id, int port) {
            StopGate gate = stopGate;
            // Stopping everything (Stop all, quitting) signals at once, as without a router: nothing is left to
            // serve the requests a drain would protect.
            return gate == null || !running ? null : gate.beforeStop(id, port);
        }
    };

    /** The supervisor as owner: snapshots and listeners, events, and what follows a run's end. */
    private final InstanceController.Owner owner = new InstanceController.Owner() {
        @Override
        public void publish(InstanceController controller, InstanceLifecycle.Transition transition) {
            Supervisor.this.publish(controller, transition);
        }

        @Override
        public void event(InstanceId id, String text) {
            Supervisor.this.event(id, text);
        }

        @Override
        public void removed(InstanceController controller) {
            if (controllers.remove(controller.id, controller)) {
                snapshots.remove(controller.id);
                launches.remove(controller.id);
                listeners.forEach(l -> l.instanceRemoved(controller.id));
                releaseWaiting(); // the last instance of a dependency scaled to 0 holds nothing back
            }
        }

        @Override
        public void runEnded(InstanceController controller) {
            if (!displaced.isEmpty()) {
                releaseWaiting(); // an old port may be free now: an instance the rule gives it to may start
                pruneDisplaced();
            }
            advanceStops();
            checkQuiet();
            checkSettled();
        }
    };
}
