package dev.procdeck.runtime;

import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Visible;
import dev.procdeck.runtime.ControlMessages.HelloAnswer;
import dev.procdeck.runtime.ControlMessages.Lifecycle;
import dev.procdeck.runtime.ControlMessages.LifecycleAnswer;
import dev.procdeck.runtime.ControlMessages.PsAnswer;
import dev.procdeck.runtime.ControlMessages.RunJobAnswer;
import dev.procdeck.runtime.ControlMessages.ScaleAnswer;
import dev.procdeck.runtime.ControlMessages.TypeInfo;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.Ports;
import dev.procdeck.supervisor.ScheduledJobs;
import dev.procdeck.supervisor.Supervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The control socket's operations that answer once: each maps a typed request to the engine call and a typed
 * answer. Runs on the client's thread, never the supervisor's: commands are handed to the {@link Supervisor},
 * whose futures are waited for here within {@link #COMMAND_TIMEOUT}. A request the engine cannot take throws
 * {@link IllegalArgumentException} with the message for the user.
 */
final class ControlOperations {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final Supervisor supervisor;
    private final Path socket;
    // Guarded by metricsLock.
    private final Object metricsLock = new Object();
    private final ProcessMetrics metrics = ProcessMetrics.supported() ? new ProcessMetrics() : null;

    /** The router's figures over N seconds, set once the run's router exists. */
    private volatile java.util.function.IntFunction<java.util.Optional<dev.procdeck.router.Router.Figures>> router =
            seconds -> java.util.Optional.empty();

    ControlOperations(Supervisor supervisor, Path socket) {
        this.supervisor = supervisor;
        this.socket = socket;
    }

    void setRouterFigures(java.util.function.IntFunction<java.util.Optional<dev.procdeck.router.Router.Figures>> figures) {
        this.router = figures;
    }

    /** What {@code ps} says of the router: the last {@link #ROUTER_SECONDS} seconds. */
    static final int ROUTER_SECONDS = 10;

    private ControlMessages.RouterInfo routerInfo() {
        return router.apply(ROUTER_SECONDS).map(f -> {
            Map<String, ControlMessages.RouterRate> instances = new LinkedHashMap<>();
            f.instances().forEach((name, w) -> instances.put(name, ControlMessages.RouterRate.of(w)));
            return new ControlMessages.RouterInfo(f.url(), f.type(), ROUTER_SECONDS,
                    ControlMessages.RouterRate.of(f.total()), instances);
        }).orElse(null);
    }

    HelloAnswer hello() {
        Project p = supervisor.project();
        return new HelloAnswer(ControlProtocol.VERSION, true, appName(p), p.root().toString(),
                ProcessHandle.current().pid(), socket.toString(), new LinkedHashMap<>(supervisor.scale()));
    }

    static String appName(Project p) {
        Path name = p.root().getFileName();
        return name == null ? p.root().toString() : name.toString();
    }

    PsAnswer ps() {
        List<InstanceSnapshot> snapshots = inProcfileOrder(supervisor.snapshots());
        Set<Long> groups = new HashSet<>();
        for (InstanceSnapshot s : snapshots) {
            if (s.pid() > 0 && s.state().hasProcess()) {
                groups.add(s.pid());
            }
        }
        Map<Long, ProcessMetrics.Usage> usage = usage(groups);
        Instant now = Instant.now();
        Project p = supervisor.project();
        List<InstanceWire.Instance> instances = new ArrayList<>();
        for (InstanceSnapshot s : snapshots) {
            boolean process = s.pid() > 0 && s.hasProcess();
            instances.add(InstanceWire.write(s, process ? usage.get(s.pid()) : null,
                    p.config().type(s.id().type()).tty(), p.config().type(s.id().type()).memory(), now));
        }
        List<TypeInfo> types = new ArrayList<>();
        for (dev.procdeck.procfile.ProcessType t : p.procfile().types()) {
            types.add(new TypeInfo(t.name(), t.command(), p.config().type(t.name()).tty(),
                    p.config().type(t.name()).isScheduled()));
        }
        List<JobWire.JobInfo> jobs = new ArrayList<>();
        for (dev.procdeck.supervisor.JobStatus j : supervisor.jobs().statuses()) {
            jobs.add(JobWire.write(j, supervisor.jobs().history(j.type())));
        }
        HelloAnswer h = hello();
        return new PsAnswer(h.v(), true, h.app(), h.root(), h.pid(), h.socket(), h.formation(), types, instances, jobs,
                routerInfo());
    }

    /** Instances by their type's place in the Procfile, then by number: the order the dashboard shows. */
    private List<InstanceSnapshot> inProcfileOrder(List<InstanceSnapshot> snapshots) {
        List<String> order = supervisor.project().procfile().typeNames();
        List<InstanceSnapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.<InstanceSnapshot>comparingInt(s -> {
            int at = order.indexOf(s.id().type());
            return at < 0 ? Integer.MAX_VALUE : at; // a type a reload removed, still stopping: last
        }).thenComparing(InstanceSnapshot::id));
        return sorted;
    }

    /**
     * CPU since the previous {@code ps} (of any client), or since the group started when that one did not see
     * it: read at once, so that a request is answered in milliseconds.
     */
    private Map<Long, ProcessMetrics.Usage> usage(Set<Long> groups) {
        if (metrics == null || groups.isEmpty()) {
            return Map.of();
        }
        synchronized (metricsLock) {
            return metrics.sample(groups);
        }
    }

    /** A scheduled type's run now, as a tick would start it (its overlap applies). */
    RunJobAnswer runJob(ControlMessages.RunJob request) {
        if (request.type() == null) {
            throw new IllegalArgumentException("run-job needs \"type\": a scheduled type of procdeck.yml");
        }
        ScheduledJobs.Trigger t = await(supervisor.jobs().runNow(request.type()));
        return new RunJobAnswer(ControlProtocol.VERSION, true, t.name().toLowerCase(Locale.ROOT));
    }

    ScaleAnswer scale(ControlMessages.Scale request) {
        Map<String, Long> given = request.formation();
        if (given == null || given.isEmpty()) {
            throw new IllegalArgumentException("scale needs \"formation\": {\"web\": 2, ...}");
        }
        Procfile procfile = supervisor.project().procfile();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : given.entrySet()) {
            String type = e.getKey();
            if (procfile.type(type).isEmpty()) {
                throw new IllegalArgumentException("unknown process type '" + Visible.escape(type)
                        + "'; the Procfile has " + String.join(", ", procfile.typeNames()));
            }
            Long n = e.getValue();
            if (n == null || n < 0 || n > Formation.MAX_SCALE) {
                throw new IllegalArgumentException("the count for " + type + " must be a whole number from 0 to "
                        + Formation.MAX_SCALE);
            }
            if (n > 1 && supervisor.project().config().isScheduled(type)) {
                // Its count only switches the schedule (Supervisor.applyScale); "now running 2" would mislead.
                throw new IllegalArgumentException(type + " runs on its schedule ("
                        + supervisor.project().config().type(type).schedule().text() + "), not as instances: scale it"
                        + " to 1 to keep the schedule on or to 0 to pause it");
            }
            counts.put(type, n.intValue());
        }
        Ports.requireInRange(supervisor.settings().basePort(), procfile, counts);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        counts.forEach((type, n) -> done.add(supervisor.scale(type, n)));
        await(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)));
        return new ScaleAnswer(ControlProtocol.VERSION, true, new LinkedHashMap<>(supervisor.scale()));
    }

    /** restart, stop or start of everything, one type, or one instance. */
    LifecycleAnswer lifecycle(Lifecycle request) {
        String name = request.target();
        List<InstanceSnapshot> snapshots = supervisor.snapshots();
        List<String> affected = new ArrayList<>();
        CompletableFuture<Void> done;
        if (name == null) {
            snapshots.forEach(s -> affected.add(s.name()));
            done = request instanceof ControlMessages.Restart ? supervisor.restartAll()
                    : request instanceof ControlMessages.Stop ? supervisor.stopAll() : supervisor.startAll();
            if (request instanceof ControlMessages.Stop) {
                done = CompletableFuture.completedFuture(null); // stopping all takes up to the stop timeout
            }
        } else if (supervisor.project().procfile().type(name).isPresent()) {
            snapshots.stream().filter(s -> s.id().type().equals(name)).forEach(s -> affected.add(s.name()));
            done = request instanceof ControlMessages.Restart ? supervisor.restartType(name)
                    : request instanceof ControlMessages.Stop ? supervisor.stopType(name) : supervisor.startType(name);
        } else {
            InstanceId id = instance(name, snapshots);
            affected.add(id.name());
            done = request instanceof ControlMessages.Restart ? supervisor.restartInstance(id)
                    : request instanceof ControlMessages.Stop ? supervisor.stopInstance(id) : supervisor.startInstance(id);
        }
        await(done);
        return new LifecycleAnswer(ControlProtocol.VERSION, true, affected);
    }

    /** The instance named {@code name}, which must exist now; else a message saying what does. */
    InstanceId instance(String name, List<InstanceSnapshot> snapshots) {
        String shown = Visible.escape(name);
        InstanceId id;
        try {
            id = InstanceId.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no process type or instance '" + shown + "'; the Procfile has "
                    + String.join(", ", supervisor.project().procfile().typeNames()));
        }
        if (snapshots.stream().anyMatch(s -> s.id().equals(id))) {
            return id;
        }
        List<String> same = snapshots.stream().filter(s -> s.id().type().equals(id.type())).map(InstanceSnapshot::name)
                .toList();
        if (supervisor.project().procfile().type(id.type()).isEmpty()) {
            throw new IllegalArgumentException("no process type or instance '" + shown + "'; the Procfile has "
                    + String.join(", ", supervisor.project().procfile().typeNames()));
        }
        throw new IllegalArgumentException("no instance " + shown + "; " + (same.isEmpty()
                ? id.type() + " is scaled to 0 (procdeck scale " + id.type() + "=" + id.number() + " adds it)"
                : id.type() + " has " + String.join(", ", same)));
    }

    private static <T> T await(CompletableFuture<T> done) {
        try {
            return done.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } catch (TimeoutException e) {
            throw new IllegalArgumentException("procdeck did not take the command within "
                    + COMMAND_TIMEOUT.toSeconds() + " s; it is busy, try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted");
        }
    }
}
