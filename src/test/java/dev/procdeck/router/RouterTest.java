package dev.procdeck.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import io.undertow.Undertow;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router against real HTTP servers in this JVM, with the supervisor's events played by the test: spreading,
 * Heroku's error codes, the drain, WebSocket pass-through. {@code RouterProcessTest} covers real instances.
 */
class RouterTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<LogLine> logged = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Router router;
    private Rotation rotation;

    @AfterEach
    void close() throws Exception {
        if (router != null) {
            router.close();
            rotation.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private Router router(Duration timeout) throws IOException {
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(LogListener.ofLines(logged::addAll));
        rotation = new Rotation("web", Duration.ofSeconds(10), bus);
        router = Router.start(new Router.Settings("web", "127.0.0.1", freePort(), timeout, Duration.ofSeconds(10)),
                rotation, bus);
        return router;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** An HTTP server answering every request with {@code answer}, on a free port. */
    private int backend(Function<com.sun.net.httpserver.HttpExchange, String> answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", exchange -> {
            byte[] body = answer.apply(exchange).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        closing.add(() -> server.stop(0));
        return server.getAddress().getPort();
    }

    private static InstanceSnapshot snapshot(String name, int port, InstanceState state) {
        return new InstanceSnapshot(InstanceId.parse(name), port, state, Instant.now(), state.hasProcess() ? 4242 : -1,
                Instant.now(), 0, null, null, state.label(), null, null, false, null);
    }

    private void up(String name, int port) {
        rotation.instanceChanged(snapshot(name, port, InstanceState.UP), null);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(router.url() + path)).timeout(DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<String> routerLines() {
        return logged.stream().filter(l -> l.instance().equals("router")).map(LogLine::text).toList();
    }

    @Test
    void requestsAreSpreadRoundRobinOverTheReadyInstancesAndEachIsLoggedAsHerokuDoes() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 3);
        for (int n = 1; n <= 3; n++) {
            String name = "web." + n;
            up(name, backend(ex -> name));
        }
        Map<String, Long> served = new ConcurrentHashMap<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = get("/hello?x=1");
            assertThat(r.statusCode()).isEqualTo(200);
            served.merge(r.body(), 1L, Long::sum);
        }
        assertThat(served).containsOnlyKeys("web.1", "web.2", "web.3");
        assertThat(served.values()).allSatisfy(count -> assertThat(count).isEqualTo(10L));
        Await.until(DEADLINE, () -> routerLines().size() >= 30, () -> "30 request lines, got " + routerLines());
        assertThat(routerLines().get(0)).matches("at=info method=GET path=\"/hello\\?x=1\" host=localhost:\\d+"
                + " request_id=[0-9a-f-]{36} fwd=\"127\\.0\\.0\\.1\" dyno=web\\.[123] connect=\\d+ms service=\\d+ms"
                + " status=200 bytes=5 protocol=http");
        assertThat(routerLines().stream().map(l -> l.replaceAll(".*dyno=(\\S+).*", "$1")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("web.1", "web.2", "web.3");
        assertThat(router.figures(59).instances()).containsOnlyKeys("web.1", "web.2", "web.3");
    }

    @Test
    void theInstanceSeesHerokusForwardingHeaders() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 1);
        up("web.1", backend(ex -> "for=" + ex.getRequestHeaders().getFirst("X-Forwarded-For")
                + " proto=" + ex.getRequestHeaders().getFirst("X-Forwarded-Proto")
                + " port=" + ex.getRequestHeaders().getFirst("X-Forwarded-Port")
                + " id=" + ex.getRequestHeaders().getFirst("X-Request-Id")
                + " via=" + ex.getRequestHeaders().getFirst("Via")));
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(router.url() + "/"))
                .header("X-Request-Id", "client-chosen-id-0123456789").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("for=127.0.0.1 proto=http port=" + router.settings().port()
                + " id=client-chosen-id-0123456789 via=1.1 procdeck");
    }

    @Test
    void anOfferToSwitchToCleartextHttp2IsDeclinedSoEveryRequestStaysVisible() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 1);
        up("web.1", backend(ex -> "upgrade=" + ex.getRequestHeaders().getFirst("Upgrade")
                + " settings=" + ex.getRequestHeaders().getFirst("HTTP2-Settings")
                + " connection=" + ex.getRequestHeaders().getFirst("Connection")));
        try (Socket s = new Socket("127.0.0.1", router.settings().port())) {
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings, close\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQBAAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("upgrade=null settings=null connection=close");
        }
    }

    @Test
    void aTypeScaledToZeroGetsH14AndOneWhoseInstancesCrashedGetsH10() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 0);
        HttpResponse<String> none = get("/");
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.body()).contains("H14 No web processes running");

        rotation.scaleChanged("web", 1);
        rotation.instanceChanged(snapshot("web.1", 1, InstanceState.CRASHED), null);
        HttpResponse<String> crashed = get("/");
        assertThat(crashed.statusCode()).isEqualTo(503);
        assertThat(crashed.body()).contains("H10 App crashed");
        Await.until(DEADLINE, () -> routerLines().size() >= 2, "two lines");
        assertThat(routerLines().get(0)).startsWith("at=error code=H14 desc=\"No web processes running\" method=GET");
        assertThat(routerLines().get(1)).startsWith("at=error code=H10 desc=\"App crashed\"").contains("status=503");
    }

    @Test
    void aHandlerSlowerThanTheTimeoutGetsH12() throws Exception {
        router(Duration.ofMillis(500));
        rotation.scaleChanged("web", 1);
        CountDownLatch never = new CountDownLatch(1);
        closing.add(never::countDown);
        up("web.1", backend(ex -> {
            try {
                never.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        }));
        HttpResponse<String> r = get("/slow");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("H12 Request timeout");
        Await.until(DEADLINE, () -> !routerLines().isEmpty(), "a line");
        assertThat(routerLines().get(0)).startsWith("at=error code=H12 desc=\"Request timeout\" method=GET path=\"/slow\"")
                .contains("dyno=web.1");
    }

    @Test
    void anInstanceThatClosesTheConnectionWithoutAnswerGetsH13() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 1);
        ServerSocket rude = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        closing.add(rude);
        Thread t = new Thread(() -> {
            while (!rude.isClosed()) {
                try (Socket s = rude.accept()) {
                    s.getInputStream().read(new byte[4096]); // reads the request, then hangs up
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        up("web.1", rude.getLocalPort());
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("H13 Connection closed without response");
    }

    @Test
    void aRequestWaitsForAStartingInstanceInsteadOfFailing() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 1);
        rotation.instanceChanged(snapshot("web.1", 1, InstanceState.STARTING), null);
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(
                HttpRequest.newBuilder(URI.create(router.url() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        int port = backend(ex -> "booted");
        Await.until(DEADLINE, () -> rotation.waitingRequests() == 1, "the request to wait for an instance");
        assertThat(pending).isNotDone();
        up("web.1", port);
        assertThat(pending.get(20, TimeUnit.SECONDS).body()).isEqualTo("booted");
    }

    @Test
    void drainingTakesAnInstanceOutOfTheRotationAndCompletesWhenItsRequestsEnd() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch arrived = new CountDownLatch(1);
        closing.add(release::countDown);
        int webOnePort = backend(ex -> {
            if (ex.getRequestURI().getPath().equals("/slow")) {
                arrived.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "one";
        });
        up("web.1", webOnePort);
        // only web.1 is up: the slow request lands there
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                HttpRequest.newBuilder(URI.create(router.url() + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();
        up("web.2", backend(ex -> "two"));

        CompletableFuture<Void> drained = rotation.drain(InstanceId.parse("web.1"), webOnePort);
        for (int i = 0; i < 10; i++) {
            assertThat(get("/").body()).isEqualTo("two");
        }
        assertThat(drained).isNotDone();
        release.countDown();
        assertThat(slow.get(20, TimeUnit.SECONDS).body()).isEqualTo("one");
        drained.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aLargeChunkedUploadAndAChunkedResponsePassThroughWhole() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", exchange -> {
            java.security.MessageDigest sha;
            long n = 0;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException(e);
            }
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buf = new byte[65536];
                int r;
                while ((r = in.read(buf)) > 0) {
                    sha.update(buf, 0, r);
                    n += r;
                }
            }
            String te = String.valueOf(exchange.getRequestHeaders().getFirst("Transfer-Encoding"));
            exchange.sendResponseHeaders(200, 0); // 0: chunked
            try (OutputStream out = exchange.getResponseBody()) {
                out.write((n + " " + java.util.HexFormat.of().formatHex(sha.digest()) + " " + te + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                byte[] tail = new byte[1 << 20];
                for (int i = 0; i < 8; i++) {
                    out.write(tail); // 8 MiB more, in chunks
                }
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        closing.add(() -> server.stop(0));
        up("web.1", server.getAddress().getPort());

        byte[] upload = new byte[20 << 20];
        new java.util.Random(7).nextBytes(upload);
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(upload));
        // An InputStream body of unknown length: the JDK client sends it chunked.
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(router.url() + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(upload)))
                .timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        String first = new String(r.body(), 0, 200, StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertThat(first).isEqualTo((20 << 20) + " " + expected + " chunked");
        assertThat(r.body().length).isEqualTo(first.length() + 1 + (8 << 20));
    }

    @Test
    void aWebSocketIsPassedThrough() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 1);
        int port = freePort();
        Undertow echo = Undertow.builder().addHttpListener(port, "127.0.0.1")
                .setHandler(io.undertow.Handlers.websocket((WebSocketConnectionCallback) (exchange, channel) -> {
                    channel.getReceiveSetter().set(new AbstractReceiveListener() {
                        @Override
                        protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                            WebSockets.sendText("echo: " + message.getData(), ch, null);
                        }
                    });
                    channel.resumeReceives();
                })).build();
        echo.start();
        closing.add(echo::stop);
        up("web.1", port);

        CompletableFuture<String> received = new CompletableFuture<>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + router.settings().port() + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.complete(data.toString());
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);
        ws.sendText("hello", true);
        assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo("echo: hello");
        ws.abort();
    }

    @Test
    void aRequestTheParserRefusesGets400AndNeverReachesAnInstance() throws Exception {
        router(Duration.ofSeconds(30));
        rotation.scaleChanged("web", 1);
        List<String> reached = new CopyOnWriteArrayList<>();
        up("web.1", backend(ex -> {
            reached.add(ex.getRequestURI().toString());
            return "ok";
        }));
        try (Socket s = new Socket("127.0.0.1", router.settings().port())) {
            s.getOutputStream().write(("GET /a\" status=200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertThat(get("/fine").body()).isEqualTo("ok");
        assertThat(reached).containsExactly("/fine");
    }

    @Test
    void quotesBackslashesAndControlsFromTheClientAreEscapedInTheLogLine() {
        String line = RequestLog.line(null, "GET", "/x\" status=200 \\\n\u202e", "h\"x dyno=web.9", "id", "1.2.3.4",
                "web.1", 1, 2, 404, 0);
        assertThat(line).isEqualTo("at=info method=GET path=\"/x\\\" status=200 \\\\\\x0a\\u202e\" host=h\\\"x\\x20dyno=web.9"
                + " request_id=id fwd=\"1.2.3.4\" dyno=web.1 connect=1ms service=2ms status=404 bytes=0 protocol=http");
    }
}
