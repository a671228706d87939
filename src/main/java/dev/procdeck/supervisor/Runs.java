package dev.procdeck.supervisor;

import dev.procdeck.logs.LogBus;
import dev.procdeck.os.Signal;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.procfile.Visible;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Runs that are not part of the formation (scheduled jobs and one-offs), each carried out by an
 * {@link InstanceController} of its own with the restart policy "never": the same launcher, process groups,
 * output readers, {@link Terminator} and group records as the formation's instances, so a run is stopped,
 * drained and never orphaned exactly like them. What differs is told here: its environment and free $PORT,
 * and its events, which speak of runs ("report.3 exited 0 after 1.2 s") rather than of restarts. Everything
 * runs on the supervision thread.
 */
final class Runs {

    /**
     * One run to start.
     *
     * @param id       its name on the bus ({@code report.3}, {@code run.2})
     * @param dyno     its $PS and $DYNO ({@code scheduler.3}, {@code run.2})
     * @param type     the process type whose command and procdeck.yml env it uses, or null
     * @param request  what was asked for (see {@link JobRun#request()})
     * @param label    the words in "started (…)": "schedule every 2s", "run now", the one-off's line
     * @param command  the shell command line
     * @param launcher launches it instead of the supervisor's launcher (a terminal), or null
     */
    record Request(InstanceId id, String dyno, String type, String request, String label, String command,
                   ProcessLauncher launcher) {
    }

    // The supervisor's ports: a run uses its processes and readiness means as they are, and replaces what differs.
    private final InstanceController.Processes processes;
    private final InstanceController.ReadinessChecks checks;
    private final InstanceController.Plan basePlan;
    private final InstanceController.Owner baseOwner;
    private final Supplier<Project> project;
    private final LaunchSpecs launchSpecs;
    private final LogBus bus;
    private final IntSupplier freePort;
    private final java.time.Clock clock;
    /** Runs whose process (or what is left of its group) may still exist, by name. */
    private final Map<String, Live> live = new LinkedHashMap<>();

    Runs(InstanceController.Processes processes, InstanceController.ReadinessChecks checks,
         InstanceController.Plan basePlan, InstanceController.Owner baseOwner, Supplier<Project> project,
         LaunchSpecs launchSpecs, LogBus bus, IntSupplier freePort) {
        this.processes = processes;
        this.checks = checks;
        this.basePlan = basePlan;
        this.baseOwner = baseOwner;
        this.project = project;
        this.launchSpecs = launchSpecs;
        this.bus = bus;
        this.freePort = freePort;
        this.clock = new SchedulerClock(processes.scheduler());
    }

    Scheduler scheduler() {
        return processes.scheduler();
    }

    /**
     * Starts a run; {@code onChange} hears of each change of its record, the last one with an outcome that is
     * {@link JobRun.Outcome#over() over}. Returns its first record.
     */
    JobRun start(Request request, Consumer<JobRun> onChange) {
        String name = request.id().name();
        if (live.containsKey(name)) {
            throw new IllegalStateException(name + " is running already");
        }
        int port;
        try {
            port = freePort.getAsInt();
        } catch (RuntimeException e) {
            JobRun failed = new JobRun(name, request.type(), request.request(), request.command(),
                    processes.scheduler().now(), processes.scheduler().now(), -1, 0, JobRun.Outcome.FAILED_TO_START, null,
                    "failed to start: " + e.getMessage());
            announce(name, name + " " + failed.message());
            onChange.accept(failed);
            return failed;
        }
        Live run = new Live(request, port, onChange);
        live.put(name, run);
        onChange.accept(run.record);
        run.controller.start();
        return run.record;
    }

    /** Stops a run gracefully (stop signal, then SIGKILL after the timeout); false if none has that name. */
    boolean stop(String name) {
        Live run = live.get(name);
        if (run == null) {
            return false;
        }
        run.controller.stop(StopIntent.STOP);
        return true;
    }

    void stopAll() {
        for (Live run : new ArrayList<>(live.values())) {
            run.controller.stop(StopIntent.STOP);
        }
    }

    /** Procdeck is closing in a hurry: SIGKILL to whatever is still stopping. */
    void killNow() {
        for (Live run : new ArrayList<>(live.values())) {
            run.controller.killNow();
        }
    }

    /** True when no run has a process (or a group) left. */
    boolean isEmpty() {
        return live.isEmpty();
    }

    /** An event line about a run (or a job type); the text is escaped here. */
    void announce(String name, String text) {
        // Events quote project-controlled text (commands, type names): never let it act on a terminal.
        bus.event(name, Visible.escape(text));
    }

    /** One run: its controller, and the plan and owner that tell the controller how a run differs from an instance. */
    private final class Live implements InstanceController.Plan, InstanceController.Owner {
        final Request request;
        final int port;
        final Consumer<JobRun> onChange;
        final InstanceController controller;
        JobRun record;

        Live(Request request, int port, Consumer<JobRun> onChange) {
            this.request = request;
            this.port = port;
            this.onChange = onChange;
            this.record = new JobRun(request.id().name(), request.type(), request.request(), request.command(),
                    processes.scheduler().now(), null, -1, port, JobRun.Outcome.STARTING, null, "starting");
            InstanceController.Processes own = request.launcher() != null ? processes.withLauncher(request.launcher())
                    : processes;
            this.controller = new InstanceController(request.id(),
                    new InstanceLifecycle(request.id(), port, RestartPolicy.of(RestartMode.NEVER), clock), own, checks,
                    this, this);
        }

        private String name() {
            return request.id().name();
        }

        @Override
        public void publish(InstanceController c, InstanceLifecycle.Transition t) {
            if (t == null) {
                return;
            }
            InstanceSnapshot snapshot = c.life.snapshot();
            switch (t.to()) {
                case UP -> {
                    record = record.with(JobRun.Outcome.RUNNING, snapshot.pid(), t.at(), null, null, "running");
                    announce(name(), name() + " started (" + request.label() + "; pid " + snapshot.pid() + ", port "
                            + port + (request.dyno().equals(name()) ? "" : ", DYNO " + request.dyno()) + ")");
                }
                case STOPPING -> {
                    boolean lingering = snapshot.stopIntent() == StopIntent.LINGER;
                    String what = lingering ? t.description() : "stopping";
                    record = record.with(record.outcome(), snapshot.pid(), record.startedAt(), null, null, what);
                    announce(name(), name() + " " + what);
                }
                case STOPPED, EXITED, CRASHED, FAILED -> ended(t, snapshot);
                default -> {
                    return; // STARTING: the "started" line follows at once
                }
            }
            onChange.accept(record);
        }

        private void ended(InstanceLifecycle.Transition t, InstanceSnapshot snapshot) {
            ExitStatus exit = snapshot.lastExit();
            Duration length = Duration.between(record.startedAt(), t.at());
            JobRun.Outcome outcome;
            String message;
            if (exit == null) {
                // Never spawned: the spawn failed (FAILED), or failed after a stop was asked for (STOPPED).
                outcome = JobRun.Outcome.FAILED_TO_START;
                message = t.description();
            } else if (t.to() == InstanceState.STOPPED) {
                outcome = JobRun.Outcome.STOPPED;
                message = "stopped after " + Durations.runLength(length) + " (" + exit.describe() + ")";
            } else {
                outcome = JobRun.Outcome.EXITED;
                message = JobRun.ending(exit) + " after " + Durations.runLength(length);
            }
            live.remove(name(), this);
            record = record.with(outcome, -1, record.startedAt(), t.at(), exit, message);
            announce(name(), name() + " " + message);
        }

        @Override
        public Optional<LaunchSpec> launchSpec(InstanceId id, int port) {
            return Optional.of(launchSpecs.run(project.get(), id, request.type(), request.dyno(), request.command(), port));
        }

        @Override
        public int portFor(InstanceId id) {
            return port;
        }

        @Override
        public Optional<dev.procdeck.procfile.Readiness> readiness(InstanceId id) {
            return Optional.empty(); // a run is up once spawned: nothing waits for a job or a one-off to be ready
        }

        @Override
        public Optional<String> awaitedDependencies(InstanceId id) {
            return Optional.empty(); // runs wait for nobody (procdeck.yml refuses depends_on on a scheduled type)
        }

        @Override
        public void removed(InstanceController c) {
            // A run is never retired: it ends, and ended() has forgotten it.
        }

        // ---- as for an instance --------------------------------------------------------------------------

        @Override
        public Duration stopTimeout(InstanceId id) {
            return basePlan.stopTimeout(id);
        }

        @Override
        public Signal stopSignal(InstanceId id) {
            return basePlan.stopSignal(id);
        }

        @Override
        public void event(InstanceId id, String text) {
            baseOwner.event(id, text);
        }

        @Override
        public void runEnded(InstanceController c) {
            baseOwner.runEnded(c); // the supervisor looks whether everything is quiet (stop-all) or settled
        }
    }
}
