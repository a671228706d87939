package dev.procdeck.router;

import dev.procdeck.logs.LogBus;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.SupervisorListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which instances of the routed type take requests: those the supervisor reports {@code up}, each until it starts
 * to stop or is drained. Learns from the supervisor's events ({@link SupervisorListener}, on the supervision
 * thread: it only updates the rotation and returns) and drains an instance before its stop signal
 * ({@link #drain}). Knows nothing of HTTP: the {@link Router} attaches its balancer when it listens, which may
 * be after the first events (the router starts off the caller's thread).
 */
public final class Rotation implements SupervisorListener {

    /** What the rotation tells the HTTP side. */
    interface Balancer {
        void add(URI backend, String instance);

        void remove(URI backend);
    }

    /** Before a draining instance counts as idle: a request may have picked it just before it left the rotation. */
    static final long DRAIN_GRACE_MILLIS = 20;

    private final String type;
    private final Duration drainTimeout;
    private final LogBus bus;
    private final ScheduledExecutorService timer;
    /** Instances of the routed type by name, with their last state: who is coming decides H10 or waiting. */
    private final Map<String, InstanceState> states = new ConcurrentHashMap<>();
    /** By port: an instance replaced by preboot keeps draining on its old port while the new one serves. */
    private final Map<Integer, Backend> byPort = new ConcurrentHashMap<>();
    /** By instance name, kept across its processes: a preboot restart does not reset the trend. */
    private final Map<String, RequestStats> stats = new ConcurrentHashMap<>();
    private final RequestStats total = new RequestStats();
    private final Object lock = new Object();
    private final List<Backend> inRotation = new ArrayList<>(); // guarded by lock
    private int waiting; // requests waiting for a first ready instance; guarded by lock
    private volatile int scale = -1; // unknown until the supervisor says
    private Balancer balancer; // guarded by lock
    private volatile boolean closed;

    public Rotation(String type, Duration drainTimeout, LogBus bus) {
        this.type = type;
        this.drainTimeout = drainTimeout;
        this.bus = bus;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "procdeck-router-timer");
            t.setDaemon(true);
            return t;
        });
    }

    public String type() {
        return type;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** The HTTP side is listening: from now on it hears of every change, starting with who serves now. */
    void attach(Balancer b) {
        synchronized (lock) {
            balancer = b;
            for (Backend backend : inRotation) {
                b.add(backend.uri, backend.name);
            }
        }
    }

    // ---- the supervisor's events ----

    @Override
    public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
        if (!snapshot.id().type().equals(type)) {
            return;
        }
        String name = snapshot.name();
        states.put(name, snapshot.state());
        synchronized (lock) {
            for (Backend b : List.copyOf(inRotation)) {
                if (b.name.equals(name) && (snapshot.state() != InstanceState.UP || b.port != snapshot.port())) {
                    leave(b); // stopping, or replaced by a new process on another port (which drains this one)
                }
            }
            if (snapshot.state() == InstanceState.UP && snapshot.port() > 0) {
                Backend b = byPort.get(snapshot.port());
                if (b == null || !b.name.equals(name) || b.draining != null) {
                    b = new Backend(name, snapshot.port(), stats.computeIfAbsent(name, n -> new RequestStats()));
                    byPort.put(b.port, b);
                }
                join(b);
            }
            lock.notifyAll(); // a waiting request may now have an instance, or know it will get none
        }
    }

    @Override
    public void instanceRemoved(InstanceId id) {
        if (!id.type().equals(type)) {
            return;
        }
        states.remove(id.name());
        stats.remove(id.name());
        synchronized (lock) {
            for (Backend b : List.copyOf(inRotation)) {
                if (b.name.equals(id.name())) {
                    leave(b);
                }
            }
            byPort.values().removeIf(b -> b.name.equals(id.name()) && b.inFlight.get() == 0 && !b.inRotation);
            lock.notifyAll();
        }
    }

    @Override
    public void scaleChanged(String changed, int count) {
        if (changed.equals(type)) {
            scale = count;
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    private void join(Backend b) { // holding lock
        if (!b.inRotation) {
            b.inRotation = true;
            inRotation.add(b);
            if (balancer != null) {
                balancer.add(b.uri, b.name);
            }
        }
    }

    private void leave(Backend b) { // holding lock
        if (b.inRotation) {
            b.inRotation = false;
            inRotation.remove(b);
            if (balancer != null) {
                balancer.remove(b.uri);
            }
        }
    }

    // ---- the drain ----

    /**
     * Takes the instance serving on {@code port} out of the rotation and completes once its requests have
     * finished (or after the drain timeout): what the supervisor waits for before the stop signal. Never blocks.
     */
    public CompletableFuture<Void> drain(InstanceId id, int port) {
        Backend b = byPort.get(port);
        if (b == null || !b.name.equals(id.name())) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (lock) {
            leave(b);
            if (b.draining == null) {
                b.draining = new CompletableFuture<>();
                b.drainStarted = System.nanoTime();
                int inFlight = b.inFlight.get();
                if (inFlight > 0) {
                    bus.event(RequestLog.SOURCE, b.name + " left the rotation; waiting for its " + inFlight
                            + " request" + (inFlight == 1 ? "" : "s") + " in flight (up to "
                            + drainTimeout.toSeconds() + " s)");
                }
                timer.schedule(() -> checkDrained(b), DRAIN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                timer.schedule(() -> drainTimedOut(b), drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
                b.draining.whenComplete((v, e) -> byPort.remove(b.port, b));
            }
            return b.draining;
        }
    }

    private void checkDrained(Backend b) {
        CompletableFuture<Void> d = b.draining;
        if (d == null || b.inFlight.get() > 0
                || System.nanoTime() - b.drainStarted < TimeUnit.MILLISECONDS.toNanos(DRAIN_GRACE_MILLIS)) {
            return;
        }
        d.complete(null);
    }

    private void drainTimedOut(Backend b) {
        CompletableFuture<Void> d = b.draining;
        if (d != null && !d.isDone()) {
            int left = b.inFlight.get();
            bus.event(RequestLog.SOURCE, b.name + " still had " + left + " request" + (left == 1 ? "" : "s")
                    + " in flight after the " + drainTimeout.toSeconds() + " s drain; stopping it anyway");
            d.complete(null);
        }
    }

    // ---- for the HTTP side ----

    /** The instance on {@code port}, counting a request in flight there; null if none is known. */
    Backend took(int port) {
        Backend b = byPort.get(port);
        if (b != null) {
            b.inFlight.incrementAndGet();
        }
        return b;
    }

    /** A request on {@code b} ended. */
    void done(Backend b) {
        if (b.inFlight.decrementAndGet() == 0 && b.draining != null) {
            checkDrained(b);
        }
    }

    int serving() {
        synchronized (lock) {
            return inRotation.size();
        }
    }

    /** Requests waiting for an instance to become ready. */
    public int waitingRequests() {
        synchronized (lock) {
            return waiting;
        }
    }

    int scale() {
        return scale;
    }

    /** Some instance is up, starting or backing off: it will serve, so a request may wait for it. */
    boolean anyComing() {
        for (InstanceState s : states.values()) {
            if (s == InstanceState.STARTING || s == InstanceState.BACKING_OFF || s == InstanceState.UP) {
                return true;
            }
        }
        return false;
    }

    /** Waits until an instance serves, none will, or {@code deadlineNanos}; true if one serves. */
    boolean awaitServing(long deadlineNanos) throws InterruptedException {
        synchronized (lock) {
            waiting++;
            try {
                while (inRotation.isEmpty() && scale != 0 && anyComing() && !closed) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
                return !inRotation.isEmpty();
            } finally {
                waiting--;
            }
        }
    }

    /** The type's requests as a whole. */
    RequestStats total() {
        return total;
    }

    /** Each instance's requests, by name. */
    Map<String, RequestStats> stats() {
        return Map.copyOf(stats);
    }

    public void close() {
        closed = true;
        timer.shutdownNow();
        synchronized (lock) {
            lock.notifyAll();
        }
        for (Backend b : byPort.values()) {
            if (b.draining != null) {
                b.draining.complete(null);
            }
        }
    }

    static final class Backend {
        final String name;
        final int port;
        final URI uri;
        final AtomicInteger inFlight = new AtomicInteger();
        final RequestStats stats;
        boolean inRotation; // guarded by the rotation's lock
        volatile CompletableFuture<Void> draining;
        volatile long drainStarted;

        Backend(String name, int port, RequestStats stats) {
            this.name = name;
            this.port = port;
            this.stats = stats;
            this.uri = URI.create("http://127.0.0.1:" + port);
        }
    }
}
