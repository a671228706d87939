package dev.procdeck.supervisor;

import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.LineSplitter;
import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.os.PortCheck;
import dev.procdeck.os.PosixSignals;
import dev.procdeck.os.Signal;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the formation of one project: launches instances, reads their output onto the {@link LogBus},
 * restarts them by their policy, scales, and stops them (SIGTERM to the process group, SIGKILL after the
 * timeout). Every decision is taken on one supervisor thread, so instance state needs no locks; commands
 * may be called from any thread and return futures.
 */
public final class Supervisor implements AutoCloseable {
    private final SupervisorSettings settings;
    private final ProcessLauncher launcher;
    private final LogBus bus;
    private final Clock clock;
    private final Map<String, String> parentEnv;
    private final ScheduledExecutorService loop;
    private final List<SupervisorListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<InstanceId, InstanceSnapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, Integer> scale = new ConcurrentHashMap<>();

    // Owned by the supervisor thread.
    private Project project;
    private final Map<InstanceId, Slot> slots = new TreeMap<>();
    private final List<CompletableFuture<Void>> quietWaiters = new ArrayList<>();
    private boolean running;
    private boolean closed;
    private volatile GroupListener groupListener = new GroupListener() {
        @Override
        public void groupStarted(long pgid) {
        }

        @Override
        public void groupEnded(long pgid) {
        }
    };

    public Supervisor(Project project, SupervisorSettings settings, ProcessLauncher launcher, LogBus bus,
                      Clock clock, Map<String, String> parentEnv) {
        this.project = project;
        this.settings = settings;
        this.launcher = launcher;
        this.bus = bus;
        this.clock = clock;
        this.parentEnv = Map.copyOf(parentEnv);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "procdeck-supervisor");
            t.setDaemon(true);
            return t;
        });
        for (ProcessType type : project.procfile().types()) {
            scale.put(type.name(), 0);
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

    public LogBus bus() {
        return bus;
    }

    public SupervisorSettings settings() {
        return settings;
    }

    /** The current state of every instance, sorted by type then number. Safe from any thread. */
    public List<InstanceSnapshot> snapshots() {
        List<InstanceSnapshot> list = new ArrayList<>(snapshots.values());
        list.sort(Comparator.comparing(InstanceSnapshot::id));
        return list;
    }

    public Map<String, Integer> scale() {
        Map<String, Integer> ordered = new LinkedHashMap<>();
        Project p = project;
        for (ProcessType type : p.procfile().types()) {
            ordered.put(type.name(), scale.getOrDefault(type.name(), 0));
        }
        return ordered;
    }

    // ---- commands ---------------------------------------------------------------------------------------

    /** Sets the formation and starts it. */
    public CompletableFuture<Void> start(Map<String, Integer> formation) {
        return submit(() -> {
            running = true;
            formation.forEach(this::applyScale);
            startAllSlots();
            checkSettled();
        });
    }

    /** Sets the formation without starting anything (the dashboard, before the user presses Start). */
    public CompletableFuture<Void> setFormation(Map<String, Integer> formation) {
        return submit(() -> formation.forEach(this::applyScale));
    }

    public CompletableFuture<Void> scale(String type, int count) {
        if (count < 0 || count > Formation.MAX_SCALE) {
            throw new IllegalArgumentException("scale must be between 0 and " + Formation.MAX_SCALE + ": " + count);
        }
        return submit(() -> {
            applyScale(type, count);
            checkSettled();
        });
    }

    /** Starts every instance that is not running (and marks the formation as running). */
    public CompletableFuture<Void> startAll() {
        return submit(() -> {
            running = true;
            startAllSlots();
            checkSettled();
        });
    }

    public CompletableFuture<Void> startType(String type) {
        return submit(() -> slotsOf(type).forEach(this::startSlot));
    }

    public CompletableFuture<Void> startInstance(InstanceId id) {
        return submit(() -> slot(id).ifPresent(this::startSlot));
    }

    /** Stops everything gracefully; completes once no process of this supervisor is left. */
    public CompletableFuture<Void> stopAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                running = false;
                new ArrayList<>(slots.values()).forEach(this::stopSlot);
                quietWaiters.add(done);
                checkQuiet();
                checkSettled();
            });
        } catch (RejectedExecutionException e) {
            done.complete(null);
        }
        return done;
    }

    public CompletableFuture<Void> stopType(String type) {
        return submit(() -> slotsOf(type).forEach(this::stopSlot));
    }

    public CompletableFuture<Void> stopInstance(InstanceId id) {
        return submit(() -> slot(id).ifPresent(this::stopSlot));
    }

    public CompletableFuture<Void> restartAll() {
        return submit(() -> {
            running = true;
            new ArrayList<>(slots.values()).forEach(this::restartSlot);
        });
    }

    public CompletableFuture<Void> restartType(String type) {
        return submit(() -> slotsOf(type).forEach(this::restartSlot));
    }

    public CompletableFuture<Void> restartInstance(InstanceId id) {
        return submit(() -> slot(id).ifPresent(this::restartSlot));
    }

    /**
     * Adopts a re-read Procfile: new commands apply from the next start, types that left the Procfile are
     * stopped and removed, new types join with scale 0, and running instances of kept types keep running.
     */
    public CompletableFuture<Void> reload(Project newProject) {
        return submit(() -> {
            project = newProject;
            for (String type : new ArrayList<>(scale.keySet())) {
                if (newProject.procfile().type(type).isEmpty()) {
                    applyScale(type, 0);
                    scale.remove(type);
                }
            }
            for (ProcessType type : newProject.procfile().types()) {
                scale.putIfAbsent(type.name(), 0);
            }
            bus.event(LogLine.PROCDECK, "reloaded " + newProject.procfilePath().getFileName()
                    + " (" + String.join(", ", newProject.procfile().typeNames()) + ")");
        });
    }

    /** Stops everything and ends the supervisor thread; waits at most the stop timeout plus a margin. */
    @Override
    public void close() {
        try {
            stopAll().get(settings.stopTimeout().toMillis() + 3000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Fall through: the group kill below is the last resort.
        }
        try {
            loop.submit(() -> {
                closed = true;
                for (Slot slot : slots.values()) {
                    if (slot.run != null) {
                        slot.run.process.signalGroup(Signal.KILL);
                    }
                }
            }).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The loop is gone or stuck; nothing more can be done from here.
        }
        loop.shutdownNow();
    }

    // ---- supervisor thread ------------------------------------------------------------------------------

    private CompletableFuture<Void> submit(Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    if (!closed) {
                        action.run();
                    }
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("supervisor is closed"));
        }
        return done;
    }

    private Optional<Slot> slot(InstanceId id) {
        return Optional.ofNullable(slots.get(id));
    }

    private List<Slot> slotsOf(String type) {
        return slots.values().stream().filter(s -> s.id.type().equals(type)).toList();
    }

    private void applyScale(String type, int count) {
        ProcessType processType = project.procfile().type(type)
                .orElseThrow(() -> new IllegalArgumentException("unknown process type '" + type + "'"));
        for (int n = 1; n <= count; n++) {
            InstanceId id = new InstanceId(type, n);
            Slot slot = slots.get(id);
            if (slot == null) {
                int port = Ports.port(settings.basePort(), processType.index(), n);
                slot = new Slot(id, new InstanceLifecycle(id, port, settings.policyFor(type), clock));
                slots.put(id, slot);
                publish(slot, null);
                if (running) {
                    startSlot(slot);
                }
            } else if (slot.retired) {
                slot.retired = false;
                if (slot.run != null) {
                    slot.restartWhenStopped = true;
                } else if (running) {
                    startSlot(slot);
                }
            }
        }
        for (Slot slot : new ArrayList<>(slotsOf(type))) {
            if (slot.id.number() > count && !slot.retired) {
                slot.retired = true;
                slot.restartWhenStopped = false;
                stopSlot(slot);
            }
        }
        Integer before = scale.put(type, count);
        if (before == null || before != count) {
            listeners.forEach(l -> l.scaleChanged(type, count));
        }
    }

    private void startAllSlots() {
        for (Slot slot : new ArrayList<>(slots.values())) {
            startSlot(slot);
        }
    }

    private void startSlot(Slot slot) {
        InstanceState state = slot.life.state();
        if (state.isTerminal() || state == InstanceState.BACKING_OFF) {
            cancelRestartTimer(slot);
            launch(slot, slot.life.requestStart());
        }
    }

    private void stopSlot(Slot slot) {
        cancelRestartTimer(slot);
        slot.restartWhenStopped = false;
        Optional<InstanceLifecycle.Transition> t = slot.life.requestStop();
        t.ifPresent(tr -> publish(slot, tr));
        Run run = slot.run;
        if (run != null && !run.termSent) {
            run.termSent = true;
            run.process.signalGroup(Signal.TERM);
            scheduleKill(slot, run);
        }
        if (run == null && slot.retired) {
            removeSlot(slot);
        }
        checkQuiet();
    }

    private void restartSlot(Slot slot) {
        if (slot.retired) {
            return;
        }
        if (slot.run != null) {
            stopSlot(slot);
            slot.restartWhenStopped = true;
        } else {
            startSlot(slot);
        }
    }

    private void launch(Slot slot, InstanceLifecycle.Transition starting) {
        publish(slot, starting);
        ProcessType type = project.procfile().type(slot.id.type()).orElse(null);
        if (type == null) {
            publish(slot, slot.life.launchFailed("process type no longer in the Procfile"));
            return;
        }
        int port = slot.life.snapshot().port();
        LaunchSpec spec = new LaunchSpec(slot.id.name(), type.command(), project.root(),
                InstanceEnvironment.build(parentEnv, project.dotEnv(), slot.id.name(), port));
        if (PortCheck.inUse(port)) {
            bus.event(slot.id.name(), slot.id.name() + ": port " + port + " (its $PORT, from the " + type.name()
                    + " type's port block) is already in use by another program; it may fail to listen");
        }
        LaunchedProcess process;
        try {
            process = launcher.launch(spec);
        } catch (IOException | RuntimeException e) {
            publish(slot, slot.life.launchFailed(e.getMessage()));
            checkSettled();
            return;
        }
        Run run = new Run(process);
        slot.run = run;
        groupListener.groupStarted(process.pid());
        publish(slot, slot.life.launched(process.pid()));
        CompletableFuture<Void> out = OutputReader.start(slot.id.name(), LogStream.STDOUT, process.stdout(), bus, settings);
        CompletableFuture<Void> err = OutputReader.start(slot.id.name(), LogStream.STDERR, process.stderr(), bus, settings);
        run.drained = CompletableFuture.allOf(out, err);
        process.onExit().whenComplete((status, failure) -> execute(() ->
                leaderExited(slot, run, status != null ? status : new ExitStatus(-1))));
    }

    private void leaderExited(Slot slot, Run run, ExitStatus status) {
        run.status = status;
        if (run.process.groupAlive()) {
            // The leader is gone but processes it started are not: a dyno ends as a whole, so stop them too.
            if (!run.termSent) {
                run.termSent = true;
                run.process.signalGroup(Signal.TERM);
            }
            scheduleKill(slot, run);
        }
        // Output still in the pipes belongs to this run; wait for it (bounded, in case a process that
        // escaped the group keeps a pipe open) so the exit event comes after the last line.
        long graceMs = settings.stopTimeout().toMillis() + 1000;
        CompletableFuture<Void> deadline = new CompletableFuture<>();
        ScheduledFuture<?> timer = loop.schedule(() -> deadline.complete(null), graceMs, TimeUnit.MILLISECONDS);
        CompletableFuture.anyOf(run.drained, deadline).whenComplete((v, e) -> {
            timer.cancel(false);
            execute(() -> runEnded(slot, run));
        });
    }

    private void runEnded(Slot slot, Run run) {
        if (run.ended || slot.run != run) {
            return;
        }
        run.ended = true;
        if (run.killTimer != null) {
            run.killTimer.cancel(false);
        }
        slot.run = null;
        if (!run.process.groupAlive()) {
            groupListener.groupEnded(run.process.pid());
        }
        InstanceLifecycle.Transition t = slot.life.exited(run.status);
        publish(slot, t);
        if (slot.retired) {
            removeSlot(slot);
        } else if (slot.restartWhenStopped) {
            slot.restartWhenStopped = false;
            launch(slot, slot.life.requestStart());
        } else if (t.to() == InstanceState.BACKING_OFF && !closed) {
            Duration wait = Duration.between(clock.instant(), slot.life.nextRestartAt().orElse(clock.instant()));
            if (wait.isNegative() || wait.isZero()) {
                launch(slot, slot.life.backoffElapsed());
            } else {
                slot.restartTimer = loop.schedule(() -> {
                    slot.restartTimer = null;
                    if (slot.life.state() == InstanceState.BACKING_OFF) {
                        launch(slot, slot.life.backoffElapsed());
                    }
                }, wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        checkQuiet();
        checkSettled();
    }

    private void scheduleKill(Slot slot, Run run) {
        if (run.killTimer != null) {
            return;
        }
        Duration timeout = settings.stopTimeout();
        run.killTimer = loop.schedule(() -> {
            if (!run.ended && (run.process.groupAlive() || !run.process.onExit().isDone())) {
                bus.event(slot.id.name(), slot.id.name() + " did not stop within " + Durations.humanize(timeout)
                        + ", sending SIGKILL to its process group");
                run.process.signalGroup(Signal.KILL);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelRestartTimer(Slot slot) {
        if (slot.restartTimer != null) {
            slot.restartTimer.cancel(false);
            slot.restartTimer = null;
        }
    }

    private void removeSlot(Slot slot) {
        cancelRestartTimer(slot);
        slots.remove(slot.id);
        snapshots.remove(slot.id);
        listeners.forEach(l -> l.instanceRemoved(slot.id));
    }

    private void publish(Slot slot, InstanceLifecycle.Transition transition) {
        InstanceSnapshot snapshot = slot.life.snapshot();
        snapshots.put(slot.id, snapshot);
        // "starting" is only a moment before "started (pid, port)" or "failed to start": not worth a line.
        if (transition != null && transition.to() != InstanceState.STARTING) {
            bus.event(slot.id.name(), slot.id.name() + " " + transition.description());
        }
        for (SupervisorListener l : listeners) {
            try {
                l.instanceChanged(snapshot, transition);
            } catch (RuntimeException e) {
                System.err.println("procdeck: supervisor listener failed: " + e);
            }
        }
    }

    private void checkQuiet() {
        if (quietWaiters.isEmpty()) {
            return;
        }
        boolean quiet = slots.values().stream().allMatch(s -> s.run == null);
        if (quiet) {
            quietWaiters.forEach(f -> f.complete(null));
            quietWaiters.clear();
        }
    }

    private void checkSettled() {
        boolean settled = slots.values().stream()
                .allMatch(s -> s.life.state().isTerminal() && s.restartTimer == null && s.run == null);
        if (settled && running) {
            listeners.forEach(SupervisorListener::settled);
        }
    }

    private void execute(Runnable r) {
        try {
            loop.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    System.err.println("procdeck: supervisor error: " + e);
                    e.printStackTrace();
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed: nothing to do any more.
        }
    }

    private static final class Slot {
        final InstanceId id;
        final InstanceLifecycle life;
        Run run;
        ScheduledFuture<?> restartTimer;
        boolean retired;
        boolean restartWhenStopped;

        Slot(InstanceId id, InstanceLifecycle life) {
            this.id = id;
            this.life = life;
        }
    }

    private static final class Run {
        final LaunchedProcess process;
        CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);
        ExitStatus status;
        ScheduledFuture<?> killTimer;
        boolean termSent;
        boolean ended;

        Run(LaunchedProcess process) {
            this.process = process;
        }
    }
}
