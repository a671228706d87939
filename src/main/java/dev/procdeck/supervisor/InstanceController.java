package dev.procdeck.supervisor;

import dev.procdeck.os.Signal;
import dev.procdeck.procfile.Readiness;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Owns the lifecycle of one instance: asks its {@link InstanceLifecycle} what to do and does it (launch,
 * stop through the {@link Terminator}, back-off timer). Every method runs on the supervision thread, so
 * nothing here needs a lock; output readers and process exits reach it only as tasks on that thread.
 */
final class InstanceController {
    /** After the group is empty, lines still in the pipes get this long to arrive before the exit event. */
    static final long DRAIN_GRACE_MILLIS = 200;
    /** A group that is not there yet (signalled between fork and setsid) is signalled again after this. */
    static final long RESIGNAL_MILLIS = 20;
    /** The first readiness check comes this soon after the spawn; the wait doubles after each miss... */
    static final long FIRST_PROBE_MILLIS = 100;
    /** ...up to this. */
    static final long MAX_PROBE_MILLIS = 1000;

    // What a controller needs from its supervisor, in four narrow ports by role, so that a test fakes only the
    // ones it uses and a run outside the formation (Runs) replaces only what differs for it.

    /** Launching, signalling and stopping processes and reading their output; shared by every run of a supervisor. */
    interface Processes {
        /** The supervision thread and its clock. */
        Scheduler scheduler();

        ProcessLauncher launcher();

        /**
         * Runs spawns and output-reader start-ups off the supervision thread: a fork and exec costs several
         * milliseconds, so fifty instances start in parallel instead of one after the other.
         */
        java.util.concurrent.Executor spawner();

        ProcessGroups groups();

        Terminator terminator();

        /** Starts reading the process's output; completes when both streams have ended. */
        CompletableFuture<Void> readOutput(InstanceId id, LaunchedProcess process);

        void groupStarted(InstanceId id, long pgid);

        void groupEnded(InstanceId id, long pgid);

        /** The same, launching with {@code other} (a one-off run in a terminal). */
        default Processes withLauncher(ProcessLauncher other) {
            Processes base = this;
            return new Processes() {
                @Override
                public Scheduler scheduler() {
                    return base.scheduler();
                }

                @Override
                public ProcessLauncher launcher() {
                    return other;
                }

                @Override
                public java.util.concurrent.Executor spawner() {
                    return base.spawner();
                }

                @Override
                public ProcessGroups groups() {
                    return base.groups();
                }

                @Override
                public Terminator terminator() {
                    return base.terminator();
                }

                @Override
                public CompletableFuture<Void> readOutput(InstanceId id, LaunchedProcess process) {
                    return base.readOutput(id, process);
                }

                @Override
                public void groupStarted(InstanceId id, long pgid) {
                    base.groupStarted(id, pgid);
                }

                @Override
                public void groupEnded(InstanceId id, long pgid) {
                    base.groupEnded(id, pgid);
                }
            };
        }
    }

    /** The means of readiness checks (procdeck.yml {@code ready:}); shared by every run of a supervisor. */
    interface ReadinessChecks {
        ReadinessProbe probe();

        /** Runs readiness checks, which block on the network for a moment, off the supervision thread. */
        java.util.concurrent.Executor prober();

        LogReadiness logReadiness();
    }

    /** What the instance runs, on which port, how it stops, when it is ready and what it waits for. */
    interface Plan {
        int portFor(InstanceId id);

        /** The launch of this instance with the current Procfile, or empty when its type has gone. */
        Optional<LaunchSpec> launchSpec(InstanceId id, int port);

        Duration stopTimeout(InstanceId id);

        Signal stopSignal(InstanceId id);

        /** The type's readiness check (procdeck.yml {@code ready:}), or empty for "up once spawned". */
        Optional<Readiness> readiness(InstanceId id);

        /** The types this instance still waits for ("worker, db"), or empty when it may start. */
        Optional<String> awaitedDependencies(InstanceId id);

        /**
         * Called before the stop signal goes to an instance's process on {@code port}: the router takes it out of its
         * rotation and completes once its requests have finished. Null (or done) for "signal now".
         */
        default java.util.concurrent.CompletionStage<Void> beforeStop(InstanceId id, int port) {
            return null;
        }
    }

    /** Who hears of the instance: its transitions and events, its removal, the end of each run. */
    interface Owner {
        void publish(InstanceController controller, InstanceLifecycle.Transition transition);

        void event(InstanceId id, String text);

        /** The instance was retired and its run is over: forget it. */
        void removed(InstanceController controller);

        /** A run ended or a stop completed: time to check whether everything is quiet or settled. */
        void runEnded(InstanceController controller);
    }

    /** One launched process of this instance, from spawn until its group is empty. */
    private static final class Run {
        final LaunchedProcess process;
        final LaunchSpec launch;
        CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);
        Terminator.Termination termination;
        /** The stop gate (the router's drain) was asked once: a second stop signals at once. */
        boolean gateAsked;
        ExitStatus status;
        boolean groupEmpty;
        boolean ended;
        // While waiting for readiness:
        Readiness readiness;
        Duration readyTimeoutAfter;
        Instant launchedAt;
        Scheduler.Timer readyTimeout;
        Scheduler.Timer probeTimer;
        long probeDelay = FIRST_PROBE_MILLIS;
        String lastAnswer;
        LogReadiness.Watch logWatch;

        Run(LaunchedProcess process, LaunchSpec launch) {
            this.process = process;
            this.launch = launch;
        }
    }

    final InstanceId id;
    final InstanceLifecycle life;
    private final Processes processes;
    private final ReadinessChecks checks;
    private final Plan plan;
    private final Owner owner;
    private Run run;
    /** A spawn is on its way (STARTING, or STOPPING if a stop came meanwhile): no process to signal yet. */
    private boolean spawning;
    private Scheduler.Timer backoffTimer;

    InstanceController(InstanceId id, InstanceLifecycle life, Processes processes, ReadinessChecks checks, Plan plan,
                       Owner owner) {
        this.id = id;
        this.life = life;
        this.processes = processes;
        this.checks = checks;
        this.plan = plan;
        this.owner = owner;
    }

    /** True while a process (or what is left of its group) exists for this instance. */
    boolean hasRun() {
        return run != null || spawning;
    }

    /** True when nothing runs and nothing will start on its own. */
    boolean settled() {
        return run == null && !spawning && backoffTimer == null && life.state().isTerminal();
    }

    /** What the current run was launched with (command, environment, terminal), or null. */
    LaunchSpec runningLaunch() {
        return run == null ? null : run.launch;
    }

    void start() {
        Optional<InstanceLifecycle.Transition> t = life.requestStart(plan.portFor(id));
        if (t.isEmpty()) {
            return;
        }
        cancelBackoff();
        if (t.get().to() == InstanceState.STARTING) {
            launch(t.get());
        } else {
            owner.publish(this, t.get());
        }
    }

    void stop(StopIntent intent) {
        Optional<InstanceLifecycle.Transition> t = life.requestStop(intent);
        if (t.isEmpty()) {
            return;
        }
        if (life.state() != InstanceState.BACKING_OFF) {
            cancelBackoff();
        }
        if (run != null && !life.waitingForReady()) {
            stopWatching(run);
        }
        owner.publish(this, t.get());
        if (life.state() == InstanceState.STOPPING && run != null && run.termination == null && run.status == null) {
            terminate(run);
        }
        if (life.removed()) {
            owner.removed(this);
        }
        owner.runEnded(this);
    }

    void restart() {
        if (run != null) {
            stop(StopIntent.RESTART);
        } else {
            start();
        }
    }

    /**
     * The run of process {@code pid} is no longer healthy (R15, liveness; decided off this thread by
     * {@link DynoChecks}): stops it with {@code reason}, and the restart policy decides what follows. Ignored when
     * that run is over or already stopping: the news may arrive after the fact.
     */
    void unhealthy(long pid, String reason, String cause) {
        Run r = run;
        if (r == null || r.process.pid() != pid || r.status != null || r.termination != null
                || !(life.state() == InstanceState.UP || life.waitingForReady())) {
            return;
        }
        stopWatching(r);
        owner.publish(this, life.unhealthy(reason, cause));
        terminate(r);
    }

    /** Scaled back up while retiring: the instance stays, and starts again if {@code start}. */
    void keep(boolean start) {
        if (life.intent() == StopIntent.RETIRE) {
            life.unretire(start ? StopIntent.RESTART : StopIntent.STOP).ifPresent(t -> owner.publish(this, t));
        }
    }

    /** Procdeck is closing in a hurry: SIGKILL now to whatever is still stopping. */
    void killNow() {
        if (run != null && run.termination != null) {
            run.termination.killNow();
        } else if (run != null) {
            processes.groups().signal(run.process.pid(), Signal.KILL);
        }
    }

    // ---- the run -----------------------------------------------------------------------------------------

    private void launch(InstanceLifecycle.Transition starting) {
        owner.publish(this, starting);
        proceed();
    }

    /** A STARTING instance without a process: spawns it now, or waits for the types it depends on to be up. */
    private void proceed() {
        Optional<String> awaited = plan.awaitedDependencies(id);
        if (awaited.isPresent()) {
            life.waitForDependencies(awaited.get()).ifPresent(t -> owner.publish(this, t));
            return;
        }
        spawn();
    }

    /** Something the instance may depend on changed (an instance came up, the formation changed). */
    void dependenciesChanged() {
        if (!life.waitingForDependencies()) {
            return;
        }
        Optional<String> awaited = plan.awaitedDependencies(id);
        if (awaited.isPresent()) {
            life.waitForDependencies(awaited.get()).ifPresent(t -> owner.publish(this, t));
            return;
        }
        life.dependenciesReady();
        owner.publish(this, null);
        spawn();
    }

    /** Spawns the process of a STARTING instance whose transition has been published already. */
    private void spawn() {
        // The port by the rule now: a restart after a reload that moved its type in the Procfile moves it too.
        int port = plan.portFor(id);
        life.usePort(port);
        Optional<LaunchSpec> spec = plan.launchSpec(id, port);
        if (spec.isEmpty()) {
            owner.publish(this, life.launchFailed("process type no longer in the Procfile"));
            owner.runEnded(this);
            return;
        }
        spawning = true;
        LaunchSpec launch = spec.get();
        processes.spawner().execute(() -> {
            LaunchedProcess process = null;
            String failure = null;
            try {
                process = processes.launcher().launch(launch);
                // Recorded at once, on this thread, so a procdeck killed from now on still has the group stopped.
                processes.groupStarted(id, process.pid());
            } catch (IOException | RuntimeException e) {
                failure = String.valueOf(e.getMessage());
            }
            LaunchedProcess spawned = process;
            String why = failure;
            processes.scheduler().execute(() -> spawned(launch, spawned, why));
        });
    }

    /** Back on the supervision thread with the spawn's outcome. */
    private void spawned(LaunchSpec launch, LaunchedProcess process, String failure) {
        spawning = false;
        if (process == null) {
            InstanceLifecycle.Transition t = life.launchFailed(failure);
            owner.publish(this, t);
            if (life.removed()) {
                owner.removed(this);
            }
            owner.runEnded(this);
            return;
        }
        Run r = new Run(process, launch);
        run = r;
        boolean stopAsked = life.state() == InstanceState.STOPPING;
        Optional<Readiness> readiness = stopAsked ? Optional.empty() : plan.readiness(id);
        if (stopAsked) {
            life.launchedWhileStopping(process.pid());
            owner.publish(this, null);
        } else {
            owner.publish(this, life.launched(process.pid(), launch.command(),
                    readiness.map(Readiness::describe).orElse(null)));
        }
        // Before the readers start, so that no line can pass before the log check watches.
        readiness.ifPresent(ready -> watchReadiness(r, ready));
        // Readers start after the "started" line (so it comes first) and off this thread; the pipes hold
        // whatever the child writes meanwhile.
        CompletableFuture<Void> drained = new CompletableFuture<>();
        r.drained = drained;
        processes.spawner().execute(() -> processes.readOutput(id, process).whenComplete((v, e) -> drained.complete(null)));
        process.onExit().whenComplete((status, error) -> processes.scheduler().execute(() ->
                leaderExited(r, status != null ? status : new ExitStatus(-1))));
        if (stopAsked) {
            terminate(r);
        }
    }

    private void terminate(Run r) {
        if (!r.gateAsked) {
            r.gateAsked = true;
            java.util.concurrent.CompletionStage<Void> gate = plan.beforeStop(id, life.port());
            if (gate != null && !gate.toCompletableFuture().isDone()) {
                // Draining: the router sends it nothing new and waits for what it is serving; then the signal.
                gate.whenComplete((v, e) -> processes.scheduler().execute(() -> {
                    if (r == run && r.status == null && r.termination == null
                            && life.state() == InstanceState.STOPPING) {
                        terminate(r);
                    }
                }));
                return;
            }
        }
        Signal first = plan.stopSignal(id);
        r.termination = processes.terminator().terminate(r.process.pid(), first, plan.stopTimeout(id), signal -> {
            if (r != run || life.state() != InstanceState.STOPPING) {
                return;
            }
            life.signalled(signal == Signal.KILL);
            if (signal == Signal.KILL) {
                owner.event(id, id.name() + " did not stop within " + Durations.humanize(plan.stopTimeout(id))
                        + ", sending SIGKILL to its process group");
            }
            owner.publish(this, null);
        });
        r.termination.whenEmpty().thenRun(() -> groupEmptied(r));
    }

    private void leaderExited(Run r, ExitStatus status) {
        if (r != run || r.status != null) {
            return;
        }
        r.status = status;
        stopWatching(r);
        if (processes.groups().alive(r.process.pid())) {
            life.leaderExited(status, false).ifPresent(t -> owner.publish(this, t));
            if (r.termination == null) {
                terminate(r);
            }
            return;
        }
        r.groupEmpty = true;
        afterDrain(r, () -> life.leaderExited(status, true).orElseThrow());
    }

    private void groupEmptied(Run r) {
        if (r != run || r.groupEmpty) {
            return;
        }
        if (r.status == null) {
            // The group is gone but the leader is not reaped yet: either its exit is on its way to us, or it was
            // signalled in the instant between fork and setsid. Look again shortly.
            r.termination = null;
            processes.scheduler().schedule(RESIGNAL_MILLIS, () -> {
                if (r == run && r.status == null && life.state() == InstanceState.STOPPING && r.termination == null) {
                    terminate(r);
                }
            });
            return;
        }
        r.groupEmpty = true;
        afterDrain(r, life::groupEmptied);
    }

    /** Ends the run once its output has arrived (or after a short grace, for a pipe held by an escaped process). */
    private void afterDrain(Run r, java.util.function.Supplier<InstanceLifecycle.Transition> end) {
        Runnable finish = () -> {
            if (r.ended || r != run) {
                return;
            }
            r.ended = true;
            runOver(r, end.get());
        };
        if (r.drained.isDone()) {
            finish.run();
            return;
        }
        Scheduler.Timer grace = processes.scheduler().schedule(DRAIN_GRACE_MILLIS, finish);
        r.drained.whenComplete((v, e) -> processes.scheduler().execute(() -> {
            grace.cancel();
            finish.run();
        }));
    }

    private void runOver(Run r, InstanceLifecycle.Transition t) {
        stopWatching(r);
        run = null;
        processes.groupEnded(id, r.process.pid());
        owner.publish(this, t);
        if (life.removed()) {
            owner.removed(this);
        } else if (t.to() == InstanceState.STARTING) {
            proceed(); // "stopped, …; starting again" is published just above, once
            owner.runEnded(this);
            return;
        } else if (t.to() == InstanceState.BACKING_OFF) {
            scheduleRestart();
        }
        owner.runEnded(this);
    }

    private void scheduleRestart() {
        long wait = life.nextRestartAt().map(at -> at.toEpochMilli() - processes.scheduler().now().toEpochMilli()).orElse(0L);
        if (wait <= 0) {
            launch(life.backoffElapsed(plan.portFor(id)));
            return;
        }
        backoffTimer = processes.scheduler().schedule(wait, () -> {
            backoffTimer = null;
            if (life.state() == InstanceState.BACKING_OFF) {
                launch(life.backoffElapsed(plan.portFor(id)));
            }
        });
    }

    // ---- readiness ----------------------------------------------------------------------------------------

    private void watchReadiness(Run r, Readiness readiness) {
        r.readiness = readiness;
        r.readyTimeoutAfter = readiness.timeout() != null ? readiness.timeout() : Readiness.DEFAULT_TIMEOUT;
        r.launchedAt = processes.scheduler().now();
        r.readyTimeout = processes.scheduler().schedule(r.readyTimeoutAfter.toMillis(), () -> readinessTimedOut(r));
        if (readiness.kind() != Readiness.Kind.LOG) {
            scheduleProbe(r);
            return;
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(readiness.target());
        } catch (PatternSyntaxException e) {
            // procdeck.yml's parser refuses these; should one get here, say so rather than wait for the timeout.
            owner.event(id, id.name() + ": the ready log pattern is not a valid regular expression ("
                    + e.getDescription() + "); not checking it");
            becameReady(r, "log pattern not checked");
            return;
        }
        r.logWatch = checks.logReadiness().watch(id.name(), pattern,
                () -> processes.scheduler().execute(() -> becameReady(r, readiness.describe() + " matched")));
    }

    private boolean stillWaiting(Run r) {
        return r == run && r.status == null && life.waitingForReady();
    }

    private void scheduleProbe(Run r) {
        r.probeTimer = processes.scheduler().schedule(r.probeDelay, () -> {
            r.probeTimer = null;
            if (!stillWaiting(r)) {
                return;
            }
            int port = life.snapshot().port();
            Readiness readiness = r.readiness;
            checks.prober().execute(() -> {
                ReadinessProbe.Answer answer;
                try {
                    answer = checks.probe().check(readiness, port, r.process.pid()); // its pid is its pgid
                } catch (RuntimeException e) {
                    answer = new ReadinessProbe.Answer(false, readiness.describe() + " check failed: " + e);
                }
                ReadinessProbe.Answer result = answer;
                processes.scheduler().execute(() -> probed(r, result));
            });
        });
    }

    private void probed(Run r, ReadinessProbe.Answer answer) {
        if (!stillWaiting(r)) {
            return;
        }
        if (answer.ready()) {
            becameReady(r, answer.detail());
            return;
        }
        r.lastAnswer = answer.detail();
        r.probeDelay = Math.min(r.probeDelay * 2, MAX_PROBE_MILLIS);
        scheduleProbe(r);
    }

    private void becameReady(Run r, String how) {
        if (!stillWaiting(r)) {
            return;
        }
        stopWatching(r);
        Duration took = Duration.between(r.launchedAt, processes.scheduler().now());
        owner.publish(this, life.ready(how + " after " + Durations.tenths(took)));
    }

    /** Heroku's R10: not ready in time. The group is stopped; the restart policy decides as for a crash. */
    private void readinessTimedOut(Run r) {
        r.readyTimeout = null;
        if (!stillWaiting(r)) {
            return;
        }
        stopWatching(r);
        owner.publish(this, life.notReady(r.readyTimeoutAfter, r.lastAnswer));
        terminate(r);
    }

    private void stopWatching(Run r) {
        if (r.readyTimeout != null) {
            r.readyTimeout.cancel();
            r.readyTimeout = null;
        }
        if (r.probeTimer != null) {
            r.probeTimer.cancel();
            r.probeTimer = null;
        }
        if (r.logWatch != null) {
            checks.logReadiness().cancel(id.name(), r.logWatch);
            r.logWatch = null;
        }
    }

    private void cancelBackoff() {
        if (backoffTimer != null) {
            backoffTimer.cancel();
            backoffTimer = null;
        }
    }
}
