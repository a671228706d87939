package dev.procdeck.cli;

import dev.procdeck.procfile.RestartMode;
import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Plural;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.runtime.LocalApp;
import dev.procdeck.runtime.Session;
import dev.procdeck.supervisor.ExitStatus;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.Ports;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.RestartPolicy;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorListener;
import dev.procdeck.supervisor.SupervisorSettings;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs the formation in the foreground, like {@code foreman start}, but supervised like dynos. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Starts the formation and multiplexes its output; crashed processes are restarted.",
            "Types with a schedule in procdeck.yml run once on each tick instead, as TYPE.N.",
            "Stops everything gracefully on Ctrl-C or SIGTERM."})
public final class StartCommand implements Callable<Integer> {
    @Mixin
    ProjectOptions project;

    @Parameters(arity = "0..*", paramLabel = "TYPE",
            description = "run only these process types, one each (a scheduled type: on its schedule)")
    List<String> types = new ArrayList<>();

    @Option(names = {"-m", "--formation"}, paramLabel = "FORMATION",
            description = "instances per type, e.g. all=1,web=2,worker=0 (default: procdeck.yml's formation, else all=1)")
    String formation;

    @Option(names = {"-p", "--port"}, description = "base port (default: PORT from .env or the environment, else 5000)")
    Integer port;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "seconds between SIGTERM and SIGKILL when stopping (default: ${DEFAULT-VALUE})")
    double timeout;

    @Option(names = "--color", negatable = true,
            description = "colour the output (default: when stdout is a terminal); --no-color also strips the"
                    + " children's colour codes")
    Boolean colour;

    @Option(names = "--no-timestamp", description = "omit the time at the start of each line")
    boolean noTimestamp;

    @Option(names = "--exit-on-crash",
            description = "when any process exits, stop all and exit with its code (Foreman's behaviour)")
    boolean exitOnCrash;

    @Option(names = "--no-router",
            description = "no router on the base port: every instance of every type listens on its own port only,"
                    + " as with foreman (procdeck.yml: router: off)")
    boolean noRouter;

    @Option(names = "--restart", paramLabel = "POLICY", defaultValue = "always",
            description = "restart policy for every type: always, on-failure or never (default: ${DEFAULT-VALUE})")
    String restart;

    @Option(names = "--skip-release",
            description = "do not run the Procfile's release type (Heroku's release phase) before starting")
    boolean skipRelease;

    @Override
    public Integer call() throws Exception {
        Map<String, String> parentEnv = System.getenv();
        Project p;
        Map<String, Integer> counts;
        SupervisorSettings settings;
        try {
            p = project.load(parentEnv);
            Problems.print(System.err, p.procfile().warnings());
            Problems.print(System.err, p.config().warnings());
            Formation f = !types.isEmpty() ? Formation.only(types)
                    : formation != null ? Formation.parse(formation) : ProjectOptions.defaultFormation(p);
            if (!types.isEmpty() && formation != null) {
                throw new IllegalArgumentException("give either TYPE names or -m, not both");
            }
            counts = f.resolve(p.procfile());
            Duration stopTimeout = OptionChecks.stopTimeout(timeout);
            int basePort = Ports.base(port, p.dotEnv(), parentEnv);
            String routed = noRouter ? null : p.config().router().routedType(p.procfile(), p.config()).orElse(null);
            Ports.requireInRange(basePort, p.procfile(), counts, routed);
            settings = SupervisorSettings.defaults(basePort)
                    .withRouter(!noRouter)
                    .withStopTimeout(stopTimeout)
                    .withDefaultPolicy(RestartPolicy.of(RestartMode.parse(restart)));
        } catch (ProjectFileException e) {
            Problems.print(System.err, e.problems());
            return 1;
        } catch (IllegalArgumentException e) {
            Problems.printError(System.err, e.getMessage());
            return 2;
        }

        // A second formation of the same project would fight the first over its ports (and answer its readiness
        // checks for it), and take the first's process groups for leftovers. Drive the one that runs instead.
        try {
            dev.procdeck.runtime.ControlClient.Target other = dev.procdeck.runtime.ControlClient.locate(p.root(),
                    p.root(), null, parentEnv);
            Problems.printError(System.err, "procdeck (pid " + other.pid() + ") already runs " + p.root()
                    + "; drive it with procdeck ps, scale, ps:start, restart, stop or attach, or stop it first"
                    + " (kill " + other.pid() + ")");
            return 1;
        } catch (dev.procdeck.runtime.ControlClient.BusyException busy) {
            // It runs, and every client slot is taken: that is no reason to start a second formation.
            Problems.printError(System.err, "a procdeck already runs " + p.root() + " (" + busy.getMessage()
                    + "); drive it with procdeck ps, scale, ps:start, restart, stop or attach, or stop it first");
            return 1;
        } catch (java.io.IOException | RuntimeException nobodyAnswers) {
            // Nobody runs it (a stale socket included): this run is the one.
        }

        boolean useColour = colour != null ? colour : System.console() != null && System.getenv("NO_COLOR") == null;
        Map<String, Integer> typeIndex = new HashMap<>();
        int width = 0;
        for (ProcessType t : p.procfile().types()) {
            typeIndex.put(t.name(), t.index());
            int n = counts.getOrDefault(t.name(), 0);
            if (n > 0) {
                width = Math.max(width, (t.name() + "." + n).length());
            }
        }
        if (!skipRelease && p.procfile().releasePhase().isPresent()) {
            // release.1 is printed in its own colour (its place in the Procfile), padded like the formation's names.
            ProcessType release = p.procfile().releasePhase().get();
            typeIndex.put(release.name(), release.index());
            width = Math.max(width, (release.name() + ".1").length());
        }
        ConsolePrinter printer = new ConsolePrinter(new FileOutputStream(FileDescriptor.out), useColour, !noTimestamp,
                ZoneId.systemDefault(), typeIndex, width);
        // Leftovers of an earlier procdeck are stopped before anything of this run starts.
        List<String> notes = new ArrayList<>();
        Session session;
        try {
            session = LocalApp.openSession(p.root(), settings.stopTimeout(), notes::add);
        } catch (dev.procdeck.runtime.StateFolder.AlreadyRunning e) {
            // The run lock, not the socket, decides: two starts at once, or one stopped with Ctrl-Z, are caught.
            Problems.printError(System.err, e.getMessage().replace("this project", p.root().toString())
                    + "; drive it with procdeck ps, scale, ps:start, restart, stop or attach, or stop it first"
                    + (e.pid() > 0 ? " (kill " + e.pid() + ")" : ""));
            return 1;
        }
        LocalApp app = LocalApp.start(p, settings, new PosixProcessLauncher(), Clock.systemDefaultZone(), parentEnv,
                session, notes, List.of(printer));
        app.bus().setOnListenerFailure(e -> System.err.println("procdeck: log listener failed: " + e));
        Supervisor supervisor = app.supervisor();
        LogBus bus = app.bus();

        CompletableFuture<Integer> result = new CompletableFuture<>();
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stopAll = () -> {
            // Once stopping starts nobody waits for the terminal any more: a stdout nobody reads must not keep
            // the children's last words (or procdeck) waiting.
            printer.stopBlocking();
            if (stopping.compareAndSet(false, true)) {
                supervisor.stopAll().whenComplete((v, e) -> result.complete(null));
            }
        };
        // Called on the printer's thread: hand the stop to another thread.
        printer.setOnBrokenOutput(() -> new Thread(stopAll, "procdeck-stdout-closed").start());
        AtomicBoolean stdoutFailed = new AtomicBoolean();
        printer.setOnWriteError(e -> {
            // Not a closed pipe but a real error (a full disk behind "> file"): say so once and fail the run.
            stdoutFailed.set(true);
            System.err.println("procdeck: cannot write to standard output: " + e.getMessage() + "; stopping");
            new Thread(stopAll, "procdeck-stdout-failed").start();
        });
        ExitTracker tracker = new ExitTracker(exitOnCrash, stopAll);
        supervisor.addListener(tracker);
        Signals.handle("INT", () -> {
            bus.event(LogLine.PROCDECK, "SIGINT received, stopping all processes");
            stopAll.run();
        });
        Signals.handle("TERM", () -> {
            bus.event(LogLine.PROCDECK, "SIGTERM received, stopping all processes");
            stopAll.run();
        });
        Signals.handle("HUP", () -> {
            bus.event(LogLine.PROCDECK, "SIGHUP received, stopping all processes");
            stopAll.run();
        });
        // Any other way out of the JVM (an uncaught error, System.exit elsewhere) still stops the children.
        Thread hook = new Thread(app::closeNow, "procdeck-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        // A scheduled type counts too: its count turns its schedule on (see ScheduledJobs).
        if (counts.values().stream().allMatch(c -> c == 0)) {
            bus.event(LogLine.PROCDECK, "formation " + Formation.format(counts) + " runs no process");
        }
        // Heroku's release phase: once, before anything of the formation starts; a failure starts nothing.
        boolean startFormation = true;
        if (!skipRelease && supervisor.release().present()) {
            dev.procdeck.supervisor.ReleasePhase.Outcome release = supervisor.release().run().join();
            if (!release.succeeded() && !stopping.get()) {
                bus.event(LogLine.PROCDECK, release.message());
                app.closeNow();
                closeTerminal(printer, session, p);
                System.err.println("procdeck: " + release.message() + " (--skip-release starts without it)");
                removeHook(hook);
                return release.exitCode();
            }
            // Stopped (Ctrl-C, SIGTERM) while the release phase ran: nothing of the formation starts.
            startFormation = release.succeeded() || !stopping.get();
        }
        if (startFormation) {
            supervisor.start(counts).get();
        }
        result.join();
        int code = tracker.code;
        app.closeNow();
        closeTerminal(printer, session, p);
        if (stdoutFailed.get() && code == 0) {
            code = 1;
        }
        removeHook(hook);
        return code;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down.
        }
    }

    /**
     * Gives the terminal a moment to take what is queued, then leaves it: the printer's thread is a daemon, so
     * a stdout that never drains cannot keep procdeck from exiting. Says what the terminal missed.
     */
    private static void closeTerminal(ConsolePrinter printer, Session session, Project p) {
        printer.close(TERMINAL_CLOSE_TIMEOUT);
        long missed = printer.missedLines();
        long missedEvents = printer.missedEvents();
        // After `| head` the reader chose to leave: nothing to report, as with SIGPIPE.
        if ((missed > 0 || missedEvents > 0) && !printer.brokenPipe()) {
            String where = session != null ? "; they are in " + session.dir().toAbsolutePath() + "/"
                    : "";
            System.err.println("procdeck: the terminal missed " + Plural.count(missed, "line")
                    + (missedEvents > 0 ? " and " + Plural.count(missedEvents, "procdeck message") : "")
                    + " (it was not reading or could not be written)" + where);
        }
    }

    /** How long a slow terminal may take to receive the end of the output once everything has stopped. */
    private static final Duration TERMINAL_CLOSE_TIMEOUT = Duration.ofSeconds(2);

    /** Decides when headless start ends and with which exit code. Runs on the supervisor thread. */
    private static final class ExitTracker implements SupervisorListener {
        private final boolean exitOnCrash;
        private final Runnable stopAll;
        /** 0 while every instance that ended exited 0, else the first non-zero code (or the crash code). */
        volatile int code;
        private boolean failed;
        private final Map<String, Integer> scales = new HashMap<>();
        private boolean drivenDown;

        ExitTracker(boolean exitOnCrash, Runnable stopAll) {
            this.exitOnCrash = exitOnCrash;
            this.stopAll = stopAll;
        }

        @Override
        public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition t) {
            if (t == null) {
                return;
            }
            if (t.to() == InstanceState.STOPPED) {
                drivenDown = true; // only a stop request ends in STOPPED
            }
            if (t.to() == InstanceState.FAILED) {
                recordFailure(1);
                if (exitOnCrash) {
                    stopAll.run();
                }
                return;
            }
            // Only a run that ended without being asked to (from UP, or after its leftover processes were
            // stopped) ends in one of these states.
            boolean endedOnItsOwn = t.to() == InstanceState.BACKING_OFF
                    || t.to() == InstanceState.EXITED || t.to() == InstanceState.CRASHED;
            if (!endedOnItsOwn) {
                return;
            }
            ExitStatus status = snapshot.lastExit();
            int exit = status == null ? 1 : status.code();
            if (exit != 0) {
                recordFailure(exit);
            }
            if (exitOnCrash) {
                if (!failed) {
                    code = exit;
                    failed = true;
                }
                stopAll.run();
            }
        }

        private void recordFailure(int exit) {
            if (!failed) {
                code = exit;
                failed = true;
            }
        }

        @Override
        public void scaleChanged(String type, int count) {
            Integer before = scales.put(type, count);
            if (before != null && count < before) {
                drivenDown = true;
            }
        }

        @Override
        public void settled() {
            // Everything ended on its own: the run is over. Not so when someone stopped or scaled down instances
            // through the control socket (procdeck stop, scale web=0): that run waits for more commands or Ctrl-C.
            if (!drivenDown) {
                stopAll.run();
            }
        }
    }
}
