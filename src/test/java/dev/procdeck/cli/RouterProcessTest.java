package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcdeckProcess;
import dev.procdeck.testing.ProcessProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's promises with real instances (a small Python HTTP server as the web type) and the real CLI: one URL
 * spreading over the instances, and restarts and scaling under load that fail no request.
 */
class RouterProcessTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String SERVER = """
            import http.server, os, time
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_GET(self):
                    if self.path.startswith("/slow"):
                        time.sleep(0.3)
                    if self.path.startswith("/long"):
                        print("long request begins", flush=True)
                        time.sleep(2)
                    body = (os.environ["PS"] + " " + str(os.getpid())).encode()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            class Server(http.server.ThreadingHTTPServer):
                daemon_threads = True
                allow_reuse_address = True
            Server(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
            """;

    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();
    private final List<Process> started = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int base;
    private StringBuffer out;

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    private void startWeb(int count) throws Exception {
        startWeb(count, List.of());
    }

    /** {@code wrapper}: words in front of the procdeck command line (a shell setting a limit, say). */
    private void startWeb(int count, List<String> wrapper) throws Exception {
        Files.writeString(dir.resolve("server.py"), SERVER);
        Files.writeString(dir.resolve("Procfile"), "web: exec python3 -u server.py\n");
        Files.writeString(dir.resolve("procdeck.yml"), "types:\n  web:\n    ready: {http: /health}\n");
        try (ServerSocket s = new ServerSocket(0)) {
            base = s.getLocalPort() > 60000 ? s.getLocalPort() - 10000 : s.getLocalPort();
        }
        ProcessBuilder pb = ProcdeckProcess.builder(dir, probe, "start", "-p", String.valueOf(base), "-m", "web=" + count,
                "--no-color").redirectErrorStream(true);
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(pb.command());
        pb.command(command);
        Process p = pb.start();
        started.add(p);
        out = new StringBuffer();
        StringBuffer sink = out;
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    sink.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Await.until(DEADLINE, () -> out.toString().contains("router: http://localhost:" + base),
                () -> "the router to listen; output so far:\n" + out);
        awaitServing(count);
    }

    /** Which instance (and pid) answered each of a few requests, until {@code count} different instances did. */
    private Map<String, String> awaitServing(int count) {
        Map<String, String> seen = new TreeMap<>();
        Await.until(DEADLINE, () -> {
            seen.clear();
            for (int i = 0; i < 3 * count + 3; i++) {
                try {
                    String[] answer = get("/").body().split(" ");
                    seen.put(answer[0], answer[1]);
                } catch (Exception e) {
                    return false;
                }
            }
            return seen.size() == count;
        }, () -> count + " instances answering; seen " + seen + "; output:\n" + out);
        return new TreeMap<>(seen);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + base + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String verbOutput(String... args) throws Exception {
        Process p = ProcdeckProcess.builder(dir, probe, args).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return said;
    }

    private void verb(String... args) throws Exception {
        Process p = ProcdeckProcess.builder(dir, probe, args).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("procdeck " + String.join(" ", args) + ": " + said).isZero();
    }

    /** Keep-alive clients sending requests (some of them 0.3 s long) until stopped, counting what failed. */
    private final class Load implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong ok = new AtomicLong();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final Set<String> dynos = ConcurrentHashMap.newKeySet();
        final List<Thread> threads = new ArrayList<>();

        Load(int clients) {
            for (int c = 0; c < clients; c++) {
                String path = c % 2 == 0 ? "/slow" : "/";
                Thread t = new Thread(() -> {
                    HttpClient own = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = own.send(HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + base + path)).timeout(Duration.ofSeconds(30)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                                dynos.add(r.body().split(" ")[0]);
                            } else {
                                failures.add(r.statusCode() + " " + r.body().lines().filter(l -> l.contains("<strong>"))
                                        .findFirst().orElse(""));
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(40_000);
            }
        }
    }

    @Test
    void requestsSpreadOverTheInstancesAndARestartUnderLoadFailsNoneAndReplacesEveryProcess() throws Exception {
        startWeb(3);
        Map<String, String> before = awaitServing(3);
        assertThat(before).containsOnlyKeys("web.1", "web.2", "web.3");

        Load load = new Load(6);
        Await.until(DEADLINE, () -> load.ok.get() > 20, "the load to get going");
        verb("restart", "web");
        Await.until(DEADLINE, () -> out.toString().split("previous process stopped", -1).length - 1 >= 3,
                () -> "the three replaced processes to stop; output:\n" + out);
        long okBeforeEnd = load.ok.get();
        Await.until(DEADLINE, () -> load.ok.get() > okBeforeEnd + 20, "requests after the restart");
        load.close();

        assertThat(load.failures).as("failed requests across the restart, of " + load.ok.get()).isEmpty();
        String ps = verbOutput("ps");
        assertThat(ps).containsPattern("router http://localhost:" + base + " \u2192 web: \\d+\\.\\d req/s, p50 [\\d.]+ ms,"
                + " p99 [\\d.]+ ms, 0 errors/s \\(last 10 s\\)").contains("REQ/S");
        assertThat(ps.lines().filter(l -> l.startsWith("web.")))
                .allMatch(l -> l.matches(".*\\s\\d+\\.\\d$"), "each web instance with its request rate");
        Map<String, String> after = awaitServing(3);
        assertThat(after).containsOnlyKeys("web.1", "web.2", "web.3");
        for (String name : after.keySet()) {
            assertThat(after.get(name)).as(name + "'s pid after the restart").isNotEqualTo(before.get(name));
        }
        // preboot: each replacement was ready before its predecessor got its stop signal
        String log = out.toString();
        assertThat(log.indexOf("web.1 replacement") ).isLessThan(log.indexOf("web.1 previous process"));
        assertThat(log).contains("dyno=web.1").contains("dyno=web.3").contains("at=info method=GET path=\"/slow\"");
    }

    @Test
    void aLongRequestDuringTheSecondRestartFinishesOnTheProcessTheFirstRestartStarted() throws Exception {
        startWeb(1);
        verb("restart", "web");
        Await.until(DEADLINE, () -> out.toString().contains("previous process stopped"),
                () -> "the first restart to end; output:\n" + out);
        String firstReplacement = awaitServing(1).get("web.1");

        // A request that takes 2 s reaches the process the first preboot started; the second preboot must drain
        // that process (it once took the traffic over) before its stop signal, not stop it under the request.
        java.util.concurrent.CompletableFuture<HttpResponse<String>> longRequest = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + base + "/long")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        Await.until(DEADLINE, () -> out.toString().contains("long request begins"),
                () -> "the long request to reach web.1; output:\n" + out);
        verb("restart", "web");
        HttpResponse<String> answer = longRequest.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as("the long request across the second restart: " + answer.body()
                + "\noutput:\n" + out).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("web.1 " + firstReplacement);
        Map<String, String> after = awaitServing(1);
        assertThat(after.get("web.1")).as("a new process serves after the second restart").isNotEqualTo(firstReplacement);
    }

    @Test
    void clientsHoldingMoreConnectionsThanProcdeckHasDescriptorsNeverStopItsSupervision() throws Exception {
        // 400 descriptors; 600 clients that send half a request and wait (slowloris). Unbounded, the router took
        // every descriptor: procdeck ps said "no procdeck is running" and a restart could not make its pipes.
        startWeb(1, List.of("sh", "-c", "ulimit -n 400 && exec \"$@\"", "sh"));
        String before = awaitServing(1).get("web.1");
        List<java.net.Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 600; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", base);
                idle.add(s);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            String ps = verbOutput("ps");
            assertThat(ps).as("ps with 600 clients holding connections").contains("web.1").contains("up");
            verb("restart", "web");
            Await.until(DEADLINE, () -> out.toString().contains("previous process stopped"),
                    () -> "the restart to replace web.1; output:\n" + out);
            assertThat(out.toString()).doesNotContain("failed to start").doesNotContain("Too many open files");
        } finally {
            for (java.net.Socket s : idle) {
                s.close();
            }
        }
        assertThat(awaitServing(1).get("web.1")).as("a new process serves once the clients left").isNotEqualTo(before);
    }

    @Test
    void scalingDownAndUpUnderLoadFailsNoRequestAndScaleZeroAnswersH14() throws Exception {
        startWeb(3);
        Load load = new Load(6);
        Await.until(DEADLINE, () -> load.ok.get() > 20, "the load to get going");
        verb("scale", "web=1");
        Await.until(DEADLINE, () -> out.toString().contains("web.3 stopped") && out.toString().contains("web.2 stopped"),
                () -> "web.2 and web.3 to stop; output:\n" + out);
        load.dynos.clear();
        long okAtOne = load.ok.get();
        Await.until(DEADLINE, () -> load.ok.get() > okAtOne + 20, "requests at web=1");
        assertThat(load.dynos).containsOnly("web.1");
        verb("scale", "web=3");
        awaitServing(3);
        load.close();
        assertThat(load.failures).as("failed requests across scaling 3 → 1 → 3, of " + load.ok.get()).isEmpty();

        verb("scale", "web=0");
        Await.until(DEADLINE, () -> {
            try {
                return get("/").statusCode() == 503;
            } catch (Exception e) {
                return false;
            }
        }, "503 at web=0");
        assertThat(get("/").body()).contains("H14 No web processes running");
    }
}
