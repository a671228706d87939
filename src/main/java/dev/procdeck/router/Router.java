package dev.procdeck.router;

import dev.procdeck.logs.LogBus;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.SupervisorListener;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
public final class Router implements AutoCloseable {

    /**
     * @param type           the routed process type
     * @param host           the address to listen on
     * @param port           the app's base port
     * @param requestTimeout H12 after this long without a response; also how long a request waits for a first
     *                       ready instance (H20)
     * @param drainTimeout   how long an instance leaving the rotation may finish its requests
     */
    public record Settings(String type, String host, int port, Duration requestTimeout, Duration drainTimeout,
                           int maxConnections) {
        /** With {@link #DEFAULT_MAX_CONNECTIONS}. */
        public Settings(String type, String host, int port, Duration requestTimeout, Duration drainTimeout) {
            this(type, host, port, requestTimeout, drainTimeout, DEFAULT_MAX_CONNECTIONS);
        }
    }

    /** Client connections held open at once when nothing says otherwise (see {@link #maxConnections(long)}). */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /**
     * How many client connections the router holds open at once in a process allowed {@code openFilesLimit}
     * descriptors: a quarter of them (each may hold a connection to an instance too), at most
     * {@link #DEFAULT_MAX_CONNECTIONS}. The other half stays for supervising: an instance's pipes, its restart,
     * the session log, the control socket. Past the limit the router stops accepting until connections close;
     * the rest wait in the kernel's backlog, as behind nginx's {@code worker_connections}.
     */
    public static int maxConnections(long openFilesLimit) {
        return (int) Math.max(16, Math.min(DEFAULT_MAX_CONNECTIONS, openFilesLimit / 4));
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
    private final Rotation rotation;
    private final RequestLog log;
    private final LoadBalancingProxyClient balancer;
    private final ProxyHandler proxy;
    private volatile Undertow server;

    private Router(Settings settings, Rotation rotation, LogBus bus) {
        this.settings = settings;
        this.rotation = rotation;
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
    }

    /**
     * Listens on {@code settings.port()}. Throws with the reason (the port is taken, say) and leaves nothing
     * running; the caller decides what the run does without a router.
     */
    public static Router start(Settings settings, Rotation rotation, LogBus bus) {
        Router router = new Router(settings, rotation, bus);
        Undertow server = Undertow.builder()
                .setIoThreads(2)
                .setWorkerThreads(32)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, false)
                // Heroku closes a keep-alive connection idle for 90 s, and drops a request not sent within 30 s.
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 90_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                // Uploads of any size stream through to the instance (Heroku's router sets no limit either);
                // Undertow's default cut bodies over 10 MiB with a connection reset.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                // The router never keeps a JVM alive: procdeck decides when it ends.
                .setWorkerOption(Options.THREAD_DAEMON, true)
                // Thousands of idle or slow clients must not take the descriptors supervising needs: a restart
                // that cannot make its pipes fails its instance.
                .setSocketOption(Options.CONNECTION_HIGH_WATER, settings.maxConnections())
                .setSocketOption(Options.CONNECTION_LOW_WATER, settings.maxConnections())
                .addHttpListener(settings.port(), settings.host())
                .setHandler(router::handleRequest)
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), e);
        }
        router.server = server;
        rotation.timer().scheduleWithFixedDelay(router::flushQuietly, 100, 100, TimeUnit.MILLISECONDS);
        rotation.attach(new Rotation.Balancer() {
            @Override
            public void add(URI backend, String instance) {
                router.balancer.addHost(backend, instance);
            }

            @Override
            public void remove(URI backend) {
                router.balancer.removeHost(backend);
            }
        });
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

    // ---- requests (I/O threads, and worker threads while waiting for an instance) ----

    private void handleRequest(HttpServerExchange exchange) throws Exception {
        Request r = new Request(System.nanoTime());
        exchange.putAttachment(REQUEST, r);
        var headers = exchange.getRequestHeaders();
        String given = headers.getFirst(X_REQUEST_ID);
        r.id = given != null && GOOD_REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        headers.put(X_REQUEST_ID, r.id);
        headers.put(X_REQUEST_START, "t=" + System.currentTimeMillis());
        dropCleartextHttp2Upgrade(headers);
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

    /**
     * A client may offer to switch to HTTP/2 in clear text ({@code Upgrade: h2c}, as Java's HTTP client does). An
     * instance that accepted would turn the connection into a tunnel the router no longer sees requests in (no log
     * lines, no round-robin, no drain). Heroku's router declines it too: only WebSocket upgrades go through.
     */
    private static void dropCleartextHttp2Upgrade(io.undertow.util.HeaderMap headers) {
        String upgrade = headers.getFirst(Headers.UPGRADE);
        if (upgrade == null || upgrade.toLowerCase(java.util.Locale.ROOT).contains("websocket")) {
            return;
        }
        headers.remove(Headers.UPGRADE);
        headers.remove(HTTP2_SETTINGS);
        String connection = headers.getFirst(Headers.CONNECTION);
        if (connection != null) {
            String kept = java.util.Arrays.stream(connection.split(",")).map(String::strip)
                    .filter(t -> !t.equalsIgnoreCase("upgrade") && !t.equalsIgnoreCase("http2-settings"))
                    .collect(java.util.stream.Collectors.joining(", "));
            if (kept.isEmpty()) {
                headers.remove(Headers.CONNECTION);
            } else {
                headers.put(Headers.CONNECTION, kept);
            }
        }
    }

    private static final HttpString HTTP2_SETTINGS = new HttpString("HTTP2-Settings");

    private void route(HttpServerExchange exchange) throws Exception {
        if (rotation.serving() > 0) {
            proxy.handleRequest(exchange);
            return;
        }
        if (rotation.scale() == 0) {
            fail(exchange, RouterError.H14);
            return;
        }
        if (!rotation.anyComing()) {
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
        if (rotation.awaitServing(r.startNanos + settings.requestTimeout().toNanos())) {
            proxy.handleRequest(exchange);
        } else if (rotation.scale() == 0) {
            fail(exchange, RouterError.H14);
        } else {
            fail(exchange, rotation.anyComing() ? RouterError.H20 : RouterError.H10);
        }
    }

    private RouterError noInstanceError() {
        return rotation.scale() == 0 ? RouterError.H14 : RouterError.H10;
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
        Rotation.Backend b = r.backend;
        if (b != null) {
            rotation.done(b);
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
        rotation.total().record(nowMillis, now - r.startNanos, failed);
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
        Map<String, RequestStats.Window> instances = new java.util.TreeMap<>(
                (x, y) -> InstanceId.parse(x).compareTo(InstanceId.parse(y)));
        rotation.stats().forEach((name, stats) -> instances.put(name, stats.window(now, seconds)));
        return new Figures(url(), settings.type(), rotation.total().window(now, seconds), instances);
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
        flushQuietly();
    }

    // ---- bookkeeping ----

    private static final class Request {
        final long startNanos;
        String id;
        volatile long connectedNanos;
        volatile Rotation.Backend backend;
        volatile RouterError error;

        Request(long startNanos) {
            this.startNanos = startNanos;
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
                        Rotation.Backend before = r.backend;
                        if (before != null) {
                            rotation.done(before); // a retry on another instance
                        }
                        r.backend = peer instanceof InetSocketAddress i ? rotation.took(i.getPort()) : null;
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
