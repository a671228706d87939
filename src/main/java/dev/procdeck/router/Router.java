package dev.procdeck.router;

import dev.procdeck.logs.LogBus;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.SupervisorListener;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.xnio.Options;

/**
 * Heroku's router on the desktop: one port in front of the routed type's ready instances, round-robin, one log line
 * per request in Heroku's format, Heroku's error codes and pages, and a drain before an instance is stopped so that
 * restarts and scaling down fail no request.
 *
 * <p>It learns which instances are ready from the supervisor's events ({@link SupervisorListener}, called on the
 * supervision thread: everything there only updates the rotation and returns). Requests are proxied by Undertow's
 * proxy handler on two I/O threads; a request that finds no ready instance while one is starting waits for it
 * on a worker thread, up to the request timeout.
 */
public final class Router implements SupervisorListener, AutoCloseable {

    /**
     * @param type           the routed process type
     * @param host           the address to listen on
     * @param port           the app's base port
     * @param requestTimeout H12 after this long without a response; also how long a request waits for a first
     *                       ready instance (H20)
     * @param drainTimeout   how long an instance leaving the rotation may finish its requests
     */
    public record Settings(String type, String host, int port, Duration requestTimeout, Duration drainTimeout) {
    }

    static {
        // Undertow and XNIO log through JBoss Logging, which would pick java.util.logging and print to stderr;
        // the router says what matters itself (one line per request, on the bus). SLF4J's no-op provider is on
        // the class path for fabric8 already.
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
    }

    private static final AttachmentKey<Request> REQUEST = AttachmentKey.create(Request.class);
    private static final HttpString X_REQUEST_ID = new HttpString("X-Request-Id");
    private static final HttpString X_REQUEST_START = new HttpString("X-Request-Start");
    private static final HttpString VIA = new HttpString("Via");
    /** Heroku keeps a client's X-Request-Id of 20 to 200 of these characters, and makes its own otherwise. */
    private static final Pattern GOOD_REQUEST_ID = Pattern.compile("[A-Za-z0-9+=/-]{20,200}");
    /** Before a draining instance counts as idle: a request may have picked it just before it left the rotation. */
    private static final long DRAIN_GRACE_MILLIS = 100;

    private final Settings settings;
    private final LogBus bus;
    private final RequestLog log;
    private final LoadBalancingProxyClient balancer;
    private final ProxyHandler proxy;
    private final ScheduledExecutorService timer;
    private final Map<String, Backend> backends = new ConcurrentHashMap<>();
    private final Map<Integer, Backend> byPort = new ConcurrentHashMap<>();
    /** Instances of the routed type by name, with their last state: who is coming decides H10 or waiting. */
    private final Map<String, InstanceState> states = new ConcurrentHashMap<>();
    private final RequestStats typeStats = new RequestStats();
    private final Object rotationLock = new Object();
    private int inRotation; // guarded by rotationLock
    private int waiting; // requests waiting for a first ready instance; guarded by rotationLock
    private volatile int scale = -1; // unknown until the supervisor says
    private volatile Undertow server;

    private Router(Settings settings, LogBus bus) {
        this.settings = settings;
        this.bus = bus;
        this.log = new RequestLog(bus);
        this.balancer = new LoadBalancingProxyClient()
                .setConnectionsPerThread(256)
                .setSoftMaxConnectionsPerThread(32)
                .setMaxQueueSize(4096)
                .setProblemServerRetry(2)
                .setTtl(60_000);
        this.proxy = ProxyHandler.builder()
                .setProxyClient(new TrackingClient())
                .setMaxRequestTime((int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis()))
                .setRewriteHostHeader(false)
                .setReuseXForwarded(false)
                .setMaxConnectionRetries(1)
                .setNext(exchange -> fail(exchange, noInstanceError()))
                .build();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "procdeck-router-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Listens on {@code settings.port()}. Throws with the reason (the port is taken, say) and leaves nothing
     * running; the caller decides what the run does without a router.
     */
    public static Router start(Settings settings, LogBus bus) {
        Router router = new Router(settings, bus);
        Undertow server = Undertow.builder()
                .setIoThreads(2)
                .setWorkerThreads(32)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, false)
                // Heroku closes a keep-alive connection idle for 90 s, and drops a request not sent within 30 s.
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 90_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .addHttpListener(settings.port(), settings.host())
                .setHandler(router::handleRequest)
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            router.timer.shutdownNow();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), e);
        }
        router.server = server;
        router.timer.scheduleWithFixedDelay(router::flushQuietly, 100, 100, TimeUnit.MILLISECONDS);
        return router;
    }

    public Settings settings() {
        return settings;
    }

    /** The address a browser opens. */
    public String url() {
        String host = settings.host().equals("0.0.0.0") || settings.host().equals("127.0.0.1") ? "localhost" : settings.host();
        return "http://" + host + ":" + settings.port();
    }

    // ---- the rotation, from the supervisor's events (supervision thread: update and return) ----

    @Override
    public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
        if (!snapshot.id().type().equals(settings.type())) {
            return;
        }
        String name = snapshot.name();
        states.put(name, snapshot.state());
        if (snapshot.state() == InstanceState.UP && snapshot.port() > 0) {
            Backend b = backends.get(name);
            if (b != null && b.port != snapshot.port()) {
                leave(b);
                forget(b);
                b = null;
            }
            if (b == null) {
                b = new Backend(name, snapshot.port());
                backends.put(name, b);
                byPort.put(b.port, b);
            }
            join(b);
        } else {
            Backend b = backends.get(name);
            if (b != null) {
                leave(b);
            }
        }
        synchronized (rotationLock) {
            rotationLock.notifyAll(); // a waiting request may now know it will not get an instance
        }
    }

    @Override
    public void instanceRemoved(InstanceId id) {
        if (!id.type().equals(settings.type())) {
            return;
        }
        states.remove(id.name());
        Backend b = backends.remove(id.name());
        if (b != null) {
            leave(b);
            byPort.remove(b.port, b);
        }
        synchronized (rotationLock) {
            rotationLock.notifyAll();
        }
    }

    @Override
    public void scaleChanged(String type, int count) {
        if (type.equals(settings.type())) {
            scale = count;
            synchronized (rotationLock) {
                rotationLock.notifyAll();
            }
        }
    }

    private void join(Backend b) {
        synchronized (rotationLock) {
            if (!b.inRotation) {
                b.inRotation = true;
                b.draining = null;
                balancer.addHost(b.uri, b.name);
                inRotation++;
                rotationLock.notifyAll();
            }
        }
    }

    private void leave(Backend b) {
        synchronized (rotationLock) {
            if (b.inRotation) {
                b.inRotation = false;
                balancer.removeHost(b.uri);
                inRotation--;
            }
        }
    }

    private void forget(Backend b) {
        backends.remove(b.name, b);
        byPort.remove(b.port, b);
    }

    /**
     * Takes an instance out of the rotation and completes once its requests have finished (or after the drain
     * timeout): what the supervisor waits for before it sends the stop signal. Never blocks the caller.
     */
    public CompletableFuture<Void> drain(InstanceId id) {
        Backend b = backends.get(id.name());
        if (b == null) {
            return CompletableFuture.completedFuture(null);
        }
        leave(b);
        CompletableFuture<Void> done;
        synchronized (b) {
            if (b.draining == null) {
                b.draining = new CompletableFuture<>();
                b.drainStarted = System.currentTimeMillis();
                timer.schedule(() -> checkDrained(b), DRAIN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                timer.schedule(() -> drainTimedOut(b), settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            done = b.draining;
        }
        return done;
    }

    private void checkDrained(Backend b) {
        CompletableFuture<Void> d;
        synchronized (b) {
            d = b.draining;
            if (d == null || b.inFlight.get() > 0 || System.currentTimeMillis() - b.drainStarted < DRAIN_GRACE_MILLIS) {
                return;
            }
        }
        d.complete(null);
    }

    private void drainTimedOut(Backend b) {
        CompletableFuture<Void> d;
        int left;
        synchronized (b) {
            d = b.draining;
            left = b.inFlight.get();
        }
        if (d != null && !d.isDone()) {
            bus.event(RequestLog.SOURCE, b.name + " still had " + left + " request" + (left == 1 ? "" : "s")
                    + " in flight after the " + settings.drainTimeout().toSeconds() + " s drain; stopping it anyway");
            d.complete(null);
        }
    }

    // ---- requests (I/O threads, and worker threads while waiting for an instance) ----

    private void handleRequest(HttpServerExchange exchange) throws Exception {
        Request r = new Request(System.nanoTime());
        exchange.putAttachment(REQUEST, r);
        var headers = exchange.getRequestHeaders();
        String given = headers.getFirst(X_REQUEST_ID);
        r.id = given != null && GOOD_REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        headers.put(X_REQUEST_ID, r.id);
        headers.put(X_REQUEST_START, "t=" + System.currentTimeMillis());
        String via = headers.getFirst(VIA);
        headers.put(VIA, via == null ? "1.1 procdeck" : via + ", 1.1 procdeck");
        exchange.addExchangeCompleteListener((ex, next) -> {
            try {
                finished(ex);
            } finally {
                next.proceed();
            }
        });
        exchange.addDefaultResponseListener(this::routerResponse);
        route(exchange);
    }

    private void route(HttpServerExchange exchange) throws Exception {
        if (rotationSize() > 0) {
            proxy.handleRequest(exchange);
            return;
        }
        if (scale == 0) {
            fail(exchange, RouterError.H14);
            return;
        }
        if (!anyComing()) {
            fail(exchange, RouterError.H10);
            return;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(this::awaitInstanceThenRoute); // waits on a worker, never on an I/O thread
            return;
        }
        awaitInstanceThenRoute(exchange);
    }

    private void awaitInstanceThenRoute(HttpServerExchange exchange) throws Exception {
        Request r = exchange.getAttachment(REQUEST);
        long deadline = r.startNanos + settings.requestTimeout().toNanos();
        synchronized (rotationLock) {
            waiting++;
            try {
                while (inRotation == 0 && scale != 0 && anyComing() && server != null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    rotationLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } finally {
                waiting--;
            }
        }
        if (rotationSize() > 0) {
            proxy.handleRequest(exchange);
        } else if (scale == 0) {
            fail(exchange, RouterError.H14);
        } else {
            fail(exchange, anyComing() ? RouterError.H20 : RouterError.H10);
        }
    }

    /** Requests waiting for an instance to become ready. */
    public int waitingRequests() {
        synchronized (rotationLock) {
            return waiting;
        }
    }

    private int rotationSize() {
        synchronized (rotationLock) {
            return inRotation;
        }
    }

    /** Some instance of the type is starting or backing off: it will be ready, so a request may wait for it. */
    private boolean anyComing() {
        for (InstanceState s : states.values()) {
            if (s == InstanceState.STARTING || s == InstanceState.BACKING_OFF || s == InstanceState.UP) {
                return true;
            }
        }
        return false;
    }

    private RouterError noInstanceError() {
        return scale == 0 ? RouterError.H14 : RouterError.H10;
    }

    private void fail(HttpServerExchange exchange, RouterError error) {
        Request r = exchange.getAttachment(REQUEST);
        if (r != null) {
            r.error = error;
        }
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        sendPage(exchange, error);
    }

    /**
     * Undertow calls this when an exchange ends with no response sent: the proxy could not get one (it sent
     * nothing itself). Classifies the failure as Heroku does and sends its page.
     */
    private boolean routerResponse(HttpServerExchange exchange) {
        if (!exchange.isResponseChannelAvailable()) {
            return false;
        }
        Request r = exchange.getAttachment(REQUEST);
        if (r != null && r.error == null) {
            long elapsed = System.nanoTime() - r.startNanos;
            if (!exchange.getConnection().isOpen()) {
                r.error = RouterError.H27;
            } else if (elapsed >= settings.requestTimeout().toNanos() * 99 / 100) {
                r.error = RouterError.H12;
            } else if (r.backend != null) {
                r.error = RouterError.H13;
            } else {
                r.error = noInstanceError();
            }
        }
        sendPage(exchange, r == null || r.error == null ? RouterError.H13 : r.error);
        return true;
    }

    private void sendPage(HttpServerExchange exchange, RouterError error) {
        exchange.setStatusCode(503);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache, no-store");
        exchange.getResponseSender().send(page(error, settings.type()), StandardCharsets.UTF_8);
    }

    static String page(RouterError error, String type) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Application error</title>\n"
                + "<style>body{font:16px system-ui,sans-serif;max-width:40em;margin:4em auto;color:#333}"
                + "code{background:#eee;padding:.1em .3em}</style></head>\n<body><h1>Application error</h1>\n"
                + "<p><strong>" + error.name() + " " + error.description() + "</strong></p>\n"
                + "<p>" + error.explanation() + " The router serves the <code>" + type + "</code> process type;"
                + " its instances' output is in procdeck's console.</p>\n</body></html>\n";
    }

    private void finished(HttpServerExchange exchange) {
        Request r = exchange.getAttachment(REQUEST);
        if (r == null) {
            return;
        }
        long now = System.nanoTime();
        Backend b = r.backend;
        if (b != null) {
            if (b.inFlight.decrementAndGet() == 0 && b.draining != null) {
                checkDrained(b);
            }
        }
        RouterError error = r.error;
        long declared = exchange.getResponseContentLength();
        if (error == null && b != null && declared >= 0 && exchange.getResponseBytesSent() < declared) {
            error = exchange.getConnection().isOpen() ? RouterError.H18 : RouterError.H27;
        }
        long connectMillis = r.connectedNanos > 0 ? TimeUnit.NANOSECONDS.toMillis(r.connectedNanos - r.startNanos) : 0;
        long serviceMillis = TimeUnit.NANOSECONDS.toMillis(now - (r.connectedNanos > 0 ? r.connectedNanos : r.startNanos));
        int status = exchange.getStatusCode();
        long nowMillis = System.currentTimeMillis();
        boolean failed = error != null && !error.clientSide() || status >= 500;
        typeStats.record(nowMillis, now - r.startNanos, failed);
        if (b != null) {
            b.stats.record(nowMillis, now - r.startNanos, failed);
        }
        log.add(RequestLog.line(error, exchange.getRequestMethod().toString(), exchange.getRequestURI()
                        + (exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString()),
                exchange.getHostAndPort(), r.id, clientAddress(exchange), b == null ? null : b.name,
                connectMillis, serviceMillis, status, exchange.getResponseBytesSent()));
    }

    private static String clientAddress(HttpServerExchange exchange) {
        SocketAddress a = exchange.getSourceAddress();
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
    }

    // ---- figures for ps and the dashboard ----

    /** Requests per second, errors and latency over the last {@code seconds} for the type and each instance. */
    public Figures figures(int seconds) {
        long now = System.currentTimeMillis();
        Map<String, RequestStats.Window> instances = new LinkedHashMap<>();
        List<Backend> known = new ArrayList<>(backends.values());
        known.sort((x, y) -> InstanceId.parse(x.name).compareTo(InstanceId.parse(y.name)));
        for (Backend b : known) {
            instances.put(b.name, b.stats.window(now, seconds));
        }
        return new Figures(url(), settings.type(), typeStats.window(now, seconds), instances);
    }

    /** What the router did lately: the type as a whole, and each instance it knows, by name. */
    public record Figures(String url, String type, RequestStats.Window total, Map<String, RequestStats.Window> instances) {
        public Optional<RequestStats.Window> instance(String name) {
            return Optional.ofNullable(instances.get(name));
        }
    }

    private void flushQuietly() {
        try {
            log.flush();
        } catch (RuntimeException e) {
            // a listener's failure is the bus's to report; the router keeps routing
        }
    }

    @Override
    public void close() {
        Undertow s = server;
        server = null;
        if (s != null) {
            s.stop();
        }
        timer.shutdownNow();
        flushQuietly();
        synchronized (rotationLock) {
            rotationLock.notifyAll();
        }
    }

    // ---- bookkeeping ----

    private static final class Request {
        final long startNanos;
        String id;
        volatile long connectedNanos;
        volatile Backend backend;
        volatile RouterError error;

        Request(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private static final class Backend {
        final String name;
        final int port;
        final URI uri;
        final AtomicInteger inFlight = new AtomicInteger();
        final RequestStats stats = new RequestStats();
        boolean inRotation; // guarded by rotationLock
        volatile CompletableFuture<Void> draining;
        volatile long drainStarted;

        Backend(String name, int port) {
            this.name = name;
            this.port = port;
            this.uri = URI.create("http://127.0.0.1:" + port);
        }
    }

    /** The balancer, noting which instance a request got and counting it in flight there until it ends. */
    private final class TrackingClient implements ProxyClient {
        @Override
        public ProxyTarget findTarget(HttpServerExchange exchange) {
            return balancer.findTarget(exchange);
        }

        @Override
        public void getConnection(ProxyTarget target, HttpServerExchange exchange,
                                  ProxyCallback<ProxyConnection> callback, long timeout, TimeUnit unit) {
            balancer.getConnection(target, exchange, new ProxyCallback<>() {
                @Override
                public void completed(HttpServerExchange ex, ProxyConnection connection) {
                    Request r = ex.getAttachment(REQUEST);
                    if (r != null) {
                        r.connectedNanos = System.nanoTime();
                        SocketAddress peer = connection.getConnection().getPeerAddress();
                        Backend b = peer instanceof InetSocketAddress i ? byPort.get(i.getPort()) : null;
                        Backend before = r.backend;
                        if (before != b) {
                            if (b != null) {
                                b.inFlight.incrementAndGet();
                            }
                            if (before != null) {
                                before.inFlight.decrementAndGet();
                            }
                            r.backend = b;
                        }
                    }
                    callback.completed(ex, connection);
                }

                @Override
                public void failed(HttpServerExchange ex) {
                    callback.failed(ex);
                }

                @Override
                public void couldNotResolveBackend(HttpServerExchange ex) {
                    callback.couldNotResolveBackend(ex);
                }

                @Override
                public void queuedRequestFailed(HttpServerExchange ex) {
                    callback.queuedRequestFailed(ex);
                }
            }, timeout, unit);
        }
    }

    /** The name the router's lines carry in the console and the session log, as an instance's would. */
    public static String source() {
        return RequestLog.SOURCE;
    }
}
