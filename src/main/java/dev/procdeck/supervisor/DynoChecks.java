package dev.procdeck.supervisor;

import dev.procdeck.logs.LogBus;
import dev.procdeck.os.PosixSignals;
import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.os.Signal;
import dev.procdeck.procfile.Liveness;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.procfile.Visible;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The dyno checks of running instances, off the supervision thread: the memory quota (procdeck.yml {@code memory:},
 * Heroku's R14 and R15) and the liveness check ({@code liveness:}). One thread samples the resident memory of every
 * watched process group (from /proc) every {@link #SAMPLE_PERIOD_MILLIS} and times the liveness checks; the checks
 * themselves (HTTP, TCP, a command) run on a pool of their own, so a slow one holds up nobody. What they find
 * reaches the supervision thread as a task ({@link Unhealthy#restart}) and the console as an event; the supervision
 * thread only ever tells this class, without waiting, which runs are up ({@link #instanceChanged}).
 */
final class DynoChecks implements SupervisorListener, AutoCloseable {
    /** How often the memory of each watched group is read. */
    static final long SAMPLE_PERIOD_MILLIS = 2000;
    /** Bytes of an exec check's output kept for the message that says why it failed. */
    static final int EXEC_OUTPUT_BUDGET = 200;

    /** Where a finding goes: the supervision thread stops run {@code pid} of {@code id} with the reason. */
    interface Unhealthy {
        void restart(InstanceId id, long pid, String reason, String cause);
    }

    /** One watched run of an instance: from its spawn until it stops (or its pid changes). */
    private static final class Watched {
        final InstanceId id;
        final long pid;
        final long startedNanos = System.nanoTime();
        final MemoryQuota quota;
        final Liveness liveness;
        final LivenessCount count;
        final AtomicBoolean probing = new AtomicBoolean();
        volatile boolean up;
        volatile boolean over;
        ScheduledFuture<?> livenessTimer;

        Watched(InstanceId id, long pid, TypeConfig config) {
            this.id = id;
            this.pid = pid;
            this.quota = config.memory() != null ? new MemoryQuota(config.memory()) : null;
            this.liveness = config.liveness();
            this.count = liveness != null ? new LivenessCount(liveness) : null;
        }
    }

    private final Supplier<Project> project;
    private final Function<InstanceId, Optional<LaunchSpec>> launches;
    private final Unhealthy unhealthy;
    private final LogBus bus;
    private final ProcessLauncher execLauncher;
    private final ScheduledExecutorService timer;
    private final ExecutorService probes;
    private final ProcessMetrics metrics = new ProcessMetrics(); // used on the timer's thread only
    private final Map<InstanceId, Watched> watched = new ConcurrentHashMap<>();

    DynoChecks(Supplier<Project> project, Function<InstanceId, Optional<LaunchSpec>> launches, Unhealthy unhealthy,
               LogBus bus, ProcessLauncher execLauncher) {
        this.project = project;
        this.launches = launches;
        this.unhealthy = unhealthy;
        this.bus = bus;
        this.execLauncher = execLauncher;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "procdeck-dyno-checks"));
        this.probes = Executors.newCachedThreadPool(r -> daemon(r, "procdeck-liveness"));
        if (ProcessMetrics.supported()) {
            timer.scheduleWithFixedDelay(this::sampleMemory, SAMPLE_PERIOD_MILLIS, SAMPLE_PERIOD_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ---- supervision thread: never waits ----------------------------------------------------------------------

    @Override
    public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
        InstanceId id = snapshot.id();
        boolean running = snapshot.pid() > 0
                && (snapshot.state() == InstanceState.UP || snapshot.state() == InstanceState.STARTING);
        Watched current = watched.get(id);
        if (current != null && (!running || current.pid != snapshot.pid())) {
            forget(current);
            current = null;
        }
        if (!running) {
            return;
        }
        if (current == null) {
            TypeConfig config = project.get().config().type(id.type());
            if (config.memory() == null && config.liveness() == null) {
                return;
            }
            current = new Watched(id, snapshot.pid(), config);
            watched.put(id, current);
            if (current.liveness != null) {
                Watched w = current;
                long period = current.liveness.period().toMillis();
                try {
                    w.livenessTimer = timer.scheduleWithFixedDelay(() -> checkLiveness(w), period, period,
                            TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    return; // closing
                }
            }
        }
        current.up = snapshot.state() == InstanceState.UP;
    }

    @Override
    public void instanceRemoved(InstanceId id) {
        Watched w = watched.get(id);
        if (w != null) {
            forget(w);
        }
    }

    private void forget(Watched w) {
        w.over = true;
        watched.remove(w.id, w);
        if (w.livenessTimer != null) {
            w.livenessTimer.cancel(false);
        }
    }

    /** The memory quota of a running instance's type, if it has one: for {@code ps} and the dashboard. */
    Optional<Long> quotaOf(String type) {
        return Optional.ofNullable(project.get().config().type(type).memory());
    }

    // ---- the checks' threads ------------------------------------------------------------------------------------

    private void sampleMemory() {
        try {
            Map<Long, Watched> byGroup = new HashMap<>();
            for (Watched w : watched.values()) {
                if (w.quota != null && !w.over) {
                    byGroup.put(w.pid, w);
                }
            }
            if (byGroup.isEmpty()) {
                return;
            }
            Map<Long, ProcessMetrics.Usage> usage = metrics.sample(byGroup.keySet());
            Instant now = Instant.now();
            byGroup.forEach((pgid, w) -> {
                ProcessMetrics.Usage u = usage.get(pgid);
                if (u == null || u.residentBytes() == 0 || w.over) {
                    return;
                }
                switch (w.quota.observe(u.residentBytes(), now)) {
                    case R14 -> event(w.id, w.id.name() + ": " + w.quota.r14(u.residentBytes()));
                    case R15 -> {
                        w.over = true; // one restart per run, however many samples arrive before it stops
                        unhealthy.restart(w.id, w.pid, w.quota.r15(u.residentBytes()), "R15");
                    }
                    default -> {
                    }
                }
            });
        } catch (RuntimeException e) {
            event(null, "internal error in the memory check: " + e);
        }
    }

    private void checkLiveness(Watched w) {
        boolean due = w.up || w.liveness.initialDelay() != null
                && System.nanoTime() - w.startedNanos >= w.liveness.initialDelay().toNanos();
        if (w.over || !due || !w.probing.compareAndSet(false, true)) {
            return; // not ready yet (and no initial_delay passed), or the last check is still going
        }
        try {
            probes.execute(() -> {
                ReadinessProbe.Answer answer;
                try {
                    answer = probe(w);
                } catch (RuntimeException e) {
                    answer = new ReadinessProbe.Answer(false, "check failed: " + e);
                } finally {
                    w.probing.set(false);
                }
                if (w.over) {
                    return;
                }
                String reason = w.count.record(answer.ready(), answer.detail());
                if (reason != null) {
                    w.over = true;
                    unhealthy.restart(w.id, w.pid, reason, "liveness");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            w.probing.set(false);
        }
    }

    private ReadinessProbe.Answer probe(Watched w) {
        Liveness l = w.liveness;
        // The $PORT the run was started with: a reload may have moved its type's port block since.
        int port = launches.apply(w.id).map(s -> s.environment().get("PORT")).map(DynoChecks::parsePort).orElse(-1);
        int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, l.timeout().toMillis()));
        return switch (l.kind()) {
            case HTTP -> NetworkProbe.http(l.target(), port, timeout);
            case PORT -> NetworkProbe.tcp(port, timeout);
            case EXEC -> exec(w, l);
        };
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Runs the exec check as a process group of its own, with the instance's environment in its folder; after
     * {@code timeout} the whole group is killed, and it is killed once the check has ended too, so that nothing
     * it started outlives it.
     */
    private ReadinessProbe.Answer exec(Watched w, Liveness l) {
        Optional<LaunchSpec> run = launches.apply(w.id);
        if (run.isEmpty()) {
            return new ReadinessProbe.Answer(true, "instance not running");
        }
        LaunchSpec spec = new LaunchSpec(w.id.name() + " liveness", l.target(), run.get().workingDirectory(),
                run.get().environment());
        LaunchedProcess process;
        try {
            process = execLauncher.launch(spec);
        } catch (IOException | RuntimeException e) {
            return new ReadinessProbe.Answer(false, "exec could not start: " + e.getMessage());
        }
        StringBuilder output = new StringBuilder();
        try {
            probes.execute(() -> drain(process.stdout(), output));
            probes.execute(() -> drain(process.stderr(), output));
            ExitStatus status = process.onExit().get(l.timeout().toMillis(), TimeUnit.MILLISECONDS);
            String said = said(output);
            return new ReadinessProbe.Answer(status.success(), "exited with " + status.describe()
                    + (said.isEmpty() ? "" : ": " + said));
        } catch (TimeoutException e) {
            return new ReadinessProbe.Answer(false, "did not end within " + Durations.humanize(l.timeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ReadinessProbe.Answer(true, "not checked: procdeck is closing");
        } catch (ExecutionException e) {
            return new ReadinessProbe.Answer(false, "exec failed: " + e.getCause());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return new ReadinessProbe.Answer(true, "not checked: procdeck is closing");
        } finally {
            PosixSignals.signalGroup(process.pid(), Signal.KILL.number);
        }
    }

    /** Reads a stream to its end, keeping the first {@link #EXEC_OUTPUT_BUDGET} bytes. */
    private static void drain(InputStream in, StringBuilder into) {
        if (in == null) {
            return;
        }
        byte[] buffer = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (into) {
                    int room = EXEC_OUTPUT_BUDGET - into.length();
                    if (room > 0) {
                        into.append(new String(buffer, 0, Math.min(room, n), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // The group was killed: what was read is what there is.
        }
    }

    private static String said(StringBuilder output) {
        synchronized (output) {
            return output.toString().strip().replaceAll("\\s+", " ");
        }
    }

    private void event(InstanceId id, String text) {
        bus.event(id == null ? dev.procdeck.logs.LogLine.PROCDECK : id.name(), Visible.escape(text));
    }

    @Override
    public void close() {
        watched.values().forEach(this::forget);
        timer.shutdownNow();
        probes.shutdownNow(); // an exec check in progress is interrupted and kills its group in its finally
    }
}
