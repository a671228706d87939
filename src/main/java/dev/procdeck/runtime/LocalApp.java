package dev.procdeck.runtime;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceTerminal;
import dev.procdeck.supervisor.JobListener;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.JobStatus;
import dev.procdeck.supervisor.OneOffRuns;
import dev.procdeck.supervisor.ProcessLauncher;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorListener;
import dev.procdeck.supervisor.SupervisorSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A project this procdeck runs itself, and the one place its engine is put together, for {@code procdeck start}
 * and the dashboard alike: first {@link #openSession} (what an earlier procdeck left running is stopped, then this
 * run's log and watchdog), then {@link #start} (the log bus and its listeners, the supervisor, the session
 * recording its groups and serving the control socket).
 */
public final class LocalApp implements RunningApp {
    private static final Set<Capability> ALL = Set.copyOf(EnumSet.allOf(Capability.class));

    private final Supervisor supervisor;
    private final Session session;
    private final LogBus bus;
    /** The router in front of the routed type, when there is one. */
    private final AppRouter router;
    private volatile Project project;
    /** What the supervisor and its jobs told since the last drain; null until {@link #queueUpdates()}. */
    private List<Object> pending;
    private final Object pendingLock = new Object();
    private volatile CompletableFuture<Void> closed;
    /** Set by {@link #stopForExit}: a command the window still sends (a key pressed as the JVM goes) starts nothing. */
    private volatile boolean exiting;
    /** Reloads in the order they came: one that waits for the release phase holds up those after it. */
    private CompletableFuture<Void> reloads = CompletableFuture.completedFuture(null);

    private LocalApp(Project project, Supervisor supervisor, Session session, LogBus bus, AppRouter router) {
        this.router = router;
        this.project = project;
        this.supervisor = supervisor;
        this.session = session;
        this.bus = bus;
    }

    /**
     * Stops the process groups an earlier procdeck of this project left running (it was killed with its
     * watchdog), then opens this run's session: the full log on disk and a watchdog for the case where procdeck
     * itself is killed. Blocking (the leftovers get up to {@code stopTimeout}): never on the FX thread. A project
     * folder that cannot be written only costs those two features: null, and {@code notes} says why.
     */
    public static Session openSession(Path root, Duration stopTimeout, Consumer<String> notes)
            throws StateFolder.AlreadyRunning {
        try {
            List<Session.Leftover> leftovers = Session.leftovers(root, notes);
            if (!leftovers.isEmpty()) {
                notes.accept("found " + dev.procdeck.procfile.Plural.count(leftovers.size(), "process group")
                        + " left running by an earlier procdeck ("
                        + Session.describe(leftovers) + "); stopping them");
                Session.stop(leftovers, stopTimeout);
            }
            return Session.open(root, stopTimeout);
        } catch (StateFolder.AlreadyRunning e) {
            throw e; // another procdeck runs this project: no second formation
        } catch (java.io.IOException | RuntimeException e) {
            notes.accept("no session log or watchdog (" + e.getMessage() + ")");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The log bus (into {@code listeners}, then the session's log), the supervisor, and the session recording
     * its groups and serving the control socket. {@code notes} (of {@link #openSession}, say) and the session's
     * own messages are the first lines on the bus. Nothing starts yet: that is the caller's
     * {@code supervisor().start(...)} or {@code setFormation(...)}. Cheap: fine on the FX thread.
     */
    public static LocalApp start(Project project, SupervisorSettings settings, ProcessLauncher launcher, Clock clock,
                                 Map<String, String> parentEnv, Session session, List<String> notes,
                                 List<LogListener> listeners) {
        LogBus bus = new LogBus(clock);
        listeners.forEach(bus::addListener);
        if (session != null) {
            bus.addListener(session.log());
            session.publishTo(m -> bus.event(LogLine.PROCDECK, m)); // where the log is, or why there is none
        }
        notes.forEach(line -> bus.event(LogLine.PROCDECK, line));
        Supervisor supervisor = new Supervisor(project, settings, launcher, bus, clock, parentEnv);
        if (session != null) {
            session.attach(supervisor);
        }
        AppRouter router = AppRouter.attach(supervisor, bus).orElse(null);
        if (router != null && session != null) {
            session.setRouterFigures(router::figures);
        }
        return new LocalApp(project, supervisor, session, bus, router);
    }

    /** What the router did over the last {@code seconds}, once it listens; empty without one. */
    @Override
    public Optional<dev.procdeck.router.Router.Figures> routerFigures(int seconds) {
        return router == null ? Optional.empty() : router.figures(seconds);
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    public LogBus bus() {
        return bus;
    }

    /** This run's session (log folder, watchdog, control socket), or null when none could be opened. */
    public Session session() {
        return session;
    }

    /** The control socket this run serves, once open. */
    @Override
    public Optional<Path> controlSocket() {
        return session == null ? Optional.empty() : session.control().map(ControlServer::socket);
    }

    /**
     * From now on, what the supervisor and its scheduled jobs tell is kept for {@link #drainTo} (a window's
     * pulse). Before the first start: nothing is missed. Not for a caller that never drains.
     */
    public void queueUpdates() {
        synchronized (pendingLock) {
            if (pending != null) {
                return;
            }
            pending = new ArrayList<>();
        }
        supervisor.addListener(new SupervisorListener() {
            @Override
            public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
                queue(new Changed(snapshot, transition));
            }

            @Override
            public void instanceRemoved(InstanceId id) {
                queue(id);
            }

            @Override
            public void scaleChanged(String type, int count) {
                queue(new Scaled(type, count));
            }
        });
        supervisor.jobs().addListener(new JobListener() {
            @Override
            public void jobChanged(JobStatus status) {
                queue(status);
            }

            @Override
            public void runChanged(JobRun run) {
                if (run.type() != null) {
                    supervisor.jobs().status(run.type()).ifPresent(LocalApp.this::queue);
                }
            }
        });
        supervisor.jobs().statuses().forEach(this::queue);
    }

    private record Changed(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
    }

    private record Scaled(String type, int count) {
    }

    /** Called on the supervisor's thread: only queues, never waits. */
    private void queue(Object event) {
        synchronized (pendingLock) {
            pending.add(event);
        }
    }

    @Override
    public boolean drainTo(Updates updates) {
        List<Object> taken;
        synchronized (pendingLock) {
            if (pending == null || pending.isEmpty()) {
                return false;
            }
            taken = new ArrayList<>(pending);
            pending.clear();
        }
        List<JobStatus> jobs = new ArrayList<>();
        for (Object e : taken) {
            if (e instanceof Changed c) {
                updates.instanceChanged(c.snapshot(), c.transition());
            } else if (e instanceof InstanceId id) {
                updates.instanceRemoved(id);
            } else if (e instanceof Scaled s) {
                updates.scaleChanged(s.type(), s.count());
            } else if (e instanceof JobStatus s) {
                jobs.add(s);
            }
        }
        if (!jobs.isEmpty()) {
            updates.jobs(jobs, false);
        }
        return true;
    }

    @Override
    public Set<Capability> capabilities() {
        return ALL;
    }

    @Override
    public Optional<Project> project() {
        return Optional.of(project);
    }

    @Override
    public Optional<java.util.Map<String, String>> launchEnvironment(dev.procdeck.supervisor.InstanceId id) {
        return supervisor.launchEnvironment(id);
    }

    @Override
    public Set<String> reload(Project next) {
        Map<String, Integer> added = new java.util.LinkedHashMap<>();
        for (String type : next.procfile().typeNames()) {
            if (project.procfile().type(type).isEmpty()) {
                added.put(type, 1);
            }
        }
        Project before = project;
        project = next;
        if (next.procfile().releasePhase().isPresent() && formationRunning()
                && dev.procdeck.supervisor.ReleasePhase.commandsChanged(before, next)) {
            // Heroku's order: the release phase of the new commands first. Instances that run keep running (a
            // reload never restarts them); a failing release starts nothing new: the added types get 0.
            bus.event(LogLine.PROCDECK, "commands changed: running the release phase before adopting them");
            Map<String, Integer> none = new java.util.LinkedHashMap<>();
            added.keySet().forEach(type -> none.put(type, 0));
            reloads = reloads.thenCompose(v -> supervisor.release().run(next)).thenCompose(outcome -> {
                if (!outcome.succeeded()) {
                    bus.event(LogLine.PROCDECK, outcome.message() + " (no new type starts; fix it and save again)");
                }
                return supervisor.reload(next, outcome.succeeded() ? added : none);
            }).handle((plan, e) -> null);
        } else {
            reloads = reloads.thenCompose(v -> supervisor.reload(next, added)).handle((plan, e) -> null);
        }
        return added.keySet();
    }

    /** True while some instance of the formation runs (or will restart on its own). */
    private boolean formationRunning() {
        return supervisor.snapshots().stream().anyMatch(s -> !s.state().isTerminal());
    }

    /**
     * Starts the formation with {@code counts} (the dashboard's Start when opened), after the release phase:
     * a failing release is said in the console and starts nothing.
     */
    public void startFormation(Map<String, Integer> counts) {
        afterRelease(() -> supervisor.start(counts));
    }

    /**
     * Runs {@code start} once the release phase (Heroku's, the Procfile's {@code release} type) has succeeded, if the
     * formation is not running yet; a failure is said in the console, and nothing starts.
     */
    private void afterRelease(Runnable start) {
        if (formationRunning() || !supervisor.release().present()) {
            start.run();
            return;
        }
        supervisor.release().run().whenComplete((outcome, e) -> {
            if (exiting) {
                return;
            }
            if (e == null && outcome.succeeded()) {
                start.run();
            } else {
                bus.event(LogLine.PROCDECK, (e != null ? "release phase failed: " + e.getMessage() + "; nothing was"
                        + " started" : outcome.message()) + " (fix it and press Start all again)");
            }
        });
    }

    @Override
    public void note(String text) {
        bus.event(LogLine.PROCDECK, text);
    }

    @Override
    public void scale(String type, int count) {
        if (exiting) {
            return;
        }
        supervisor.scale(type, Math.max(0, Math.min(dev.procdeck.supervisor.Formation.MAX_SCALE, count)));
    }

    @Override
    public int scaleOf(String type) {
        return supervisor.scale().getOrDefault(type, 0);
    }

    @Override
    public void act(Action action, String target) {
        if (exiting) {
            return;
        }
        if (target == null) {
            switch (action) {
                case START -> afterRelease(supervisor::startAll);
                case STOP -> supervisor.stopAll();
                case RESTART -> supervisor.restartAll();
            }
        } else if (target.contains(".")) {
            InstanceId id = InstanceId.parse(target);
            switch (action) {
                case START -> supervisor.startInstance(id);
                case STOP -> supervisor.stopInstance(id);
                case RESTART -> supervisor.restartInstance(id);
            }
        } else {
            switch (action) {
                case START -> supervisor.startType(target);
                case STOP -> supervisor.stopType(target);
                case RESTART -> supervisor.restartType(target);
            }
        }
    }

    @Override
    public void runJob(String type) {
        if (exiting) {
            return;
        }
        supervisor.jobs().runNow(type);
    }

    @Override
    public List<JobRun> jobHistory(String type) {
        return supervisor.jobs().history(type);
    }

    @Override
    public Optional<InstanceTerminal> terminal(InstanceId id, long pid) {
        return project.config().type(id.type()).tty() ? supervisor.terminal(id) : Optional.empty();
    }

    @Override
    public Optional<OneOffRuns> oneOffs() {
        return Optional.of(supervisor.oneOffs());
    }

    @Override
    public RestartMode restartMode(String type) {
        return supervisor.policyFor(type).mode();
    }

    /** Keeps the type's back-off timings and restart limit; only the mode changes. */
    @Override
    public void setRestartMode(String type, RestartMode mode) {
        supervisor.setPolicy(type, supervisor.policyFor(type).withMode(mode));
    }

    @Override
    public Duration stopTimeout() {
        return supervisor.settings().stopTimeout();
    }

    @Override
    public void killAll() {
        supervisor.killAll();
    }

    /** Stops every process gracefully, then the session: on a thread of its own. */
    @Override
    public CompletableFuture<Void> close() {
        synchronized (pendingLock) {
            if (closed == null) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                closed = done;
                Thread t = new Thread(() -> {
                    try {
                        closeNow();
                    } finally {
                        done.complete(null);
                    }
                }, "procdeck-close");
                t.setDaemon(true);
                t.start();
            }
            return closed;
        }
    }

    /** Stops every process gracefully, then the session; blocking, bounded by the supervisor's stop budget. */
    public void closeNow() {
        supervisor.close();
        if (router != null) {
            router.close();
        }
        if (session != null) {
            session.close();
        }
    }

    @Override
    public void stopForExit(Duration budget) {
        exiting = true;
        CompletableFuture<Void> stopped = supervisor.stopAll(); // SIGTERM to every group now
        try {
            stopped.get(budget.toMillis(), TimeUnit.MILLISECONDS);
            if (session != null) {
                session.close(); // nothing left for the watchdog
            }
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            handOver();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handOver();
        }
    }

    /**
     * What still runs is the watchdog's: it sends SIGKILL after the stop timeout. Without a session there is no
     * watchdog: SIGKILL now, as nothing here will be left to send it later.
     */
    private void handOver() {
        if (session != null) {
            session.handOverToWatchdog();
        } else {
            supervisor.killAll();
        }
    }
}
