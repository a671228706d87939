package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.procdeck.procfile.Readiness;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real readiness checks against a local HTTP server. */
class NetworkProbeTest {
    /** The test's own process group: the servers below run in this JVM, so the ports are this group's. */
    private static final long OWN_GROUP = dev.procdeck.os.ProcFs.stat(ProcessHandle.current().pid())
            .orElseThrow().pgrp();

    private HttpServer server;
    private int port;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().toString());
            String path = exchange.getRequestURI().getPath();
            int code = path.equals("/health") ? 200 : path.equals("/moved") ? 302 : 503;
            if (code == 302) {
                exchange.getResponseHeaders().add("Location", "http://example.invalid/elsewhere");
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static Readiness http(String path) {
        return new Readiness(Readiness.Kind.HTTP, path, Duration.ofSeconds(60));
    }

    @Test
    void twoHundredsAndRedirectsAreReadyWithoutFollowingTheRedirect() {
        assertThat(NetworkProbe.check(http("/health"), port, OWN_GROUP))
                .isEqualTo(new ReadinessProbe.Answer(true, "http /health answered 200"));
        assertThat(NetworkProbe.check(http("/moved"), port, OWN_GROUP))
                .isEqualTo(new ReadinessProbe.Answer(true, "http /moved answered 302"));
        assertThat(requests).containsExactly("/health", "/moved");
    }

    @Test
    void errorsAndClosedPortsAreNotReady() throws Exception {
        assertThat(NetworkProbe.check(http("/starting?x=1"), port, OWN_GROUP))
                .isEqualTo(new ReadinessProbe.Answer(false, "http /starting?x=1 answered 503"));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(NetworkProbe.check(http("/health"), closed, OWN_GROUP))
                .isEqualTo(new ReadinessProbe.Answer(false, "http /health refused the connection"));
        assertThat(NetworkProbe.check(new Readiness(Readiness.Kind.PORT, "", Duration.ofSeconds(1)), closed, OWN_GROUP).ready())
                .isFalse();
    }

    @Test
    void aPortCheckIsAConnection() {
        assertThat(NetworkProbe.check(new Readiness(Readiness.Kind.PORT, "", Duration.ofSeconds(1)), port, OWN_GROUP))
                .isEqualTo(new ReadinessProbe.Answer(true, "port " + port + " accepted a connection"));
    }

    @Test
    void aPathThatCouldNameAnotherHostIsNeverRequested() {
        for (String path : List.of("//example.invalid/health", "@example.invalid/", "health", "/a b")) {
            assertThat(NetworkProbe.check(http(path), port, OWN_GROUP).ready()).as(path).isFalse();
        }
        assertThat(requests).isEmpty();
    }

    @Test
    void anAnswerFromAProgramThatHeldThePortFirstIsNotTheInstancesReadiness() throws Exception {
        // A listener that was there first (this JVM's), and an "instance" that started later and holds nothing.
        try (java.net.ServerSocket foreign = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = foreign.getLocalPort();
            Process instance = new ProcessBuilder("setsid", "sleep", "30").start();
            try {
                long pgid = instance.pid(); // setsid: it leads its own group
                dev.procdeck.testing.Await.until(java.time.Duration.ofSeconds(10),
                        () -> dev.procdeck.os.ProcFs.stat(pgid).map(s -> s.pgrp() == pgid).orElse(false), "setsid");
                ReadinessProbe.Answer answer = NetworkProbe.check(new Readiness(Readiness.Kind.PORT, "",
                        Duration.ofSeconds(1)), port, pgid);
                assertThat(answer.ready()).isFalse();
                assertThat(answer.detail()).startsWith("port " + port + " is held by another program, not this"
                        + " instance: pid " + ProcessHandle.current().pid() + " (");
                // The same port, checked for the group that holds it, is ready.
                assertThat(NetworkProbe.check(new Readiness(Readiness.Kind.PORT, "", Duration.ofSeconds(1)), port,
                        OWN_GROUP).ready()).isTrue();
            } finally {
                instance.destroyForcibly();
            }
        }
    }
}
