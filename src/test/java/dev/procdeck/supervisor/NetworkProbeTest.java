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
        assertThat(NetworkProbe.check(http("/health"), port))
                .isEqualTo(new ReadinessProbe.Answer(true, "http /health answered 200"));
        assertThat(NetworkProbe.check(http("/moved"), port))
                .isEqualTo(new ReadinessProbe.Answer(true, "http /moved answered 302"));
        assertThat(requests).containsExactly("/health", "/moved");
    }

    @Test
    void errorsAndClosedPortsAreNotReady() throws Exception {
        assertThat(NetworkProbe.check(http("/starting?x=1"), port))
                .isEqualTo(new ReadinessProbe.Answer(false, "http /starting?x=1 answered 503"));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(NetworkProbe.check(http("/health"), closed))
                .isEqualTo(new ReadinessProbe.Answer(false, "http /health refused the connection"));
        assertThat(NetworkProbe.check(new Readiness(Readiness.Kind.PORT, "", Duration.ofSeconds(1)), closed).ready())
                .isFalse();
    }

    @Test
    void aPortCheckIsAConnection() {
        assertThat(NetworkProbe.check(new Readiness(Readiness.Kind.PORT, "", Duration.ofSeconds(1)), port))
                .isEqualTo(new ReadinessProbe.Answer(true, "port " + port + " accepted a connection"));
    }

    @Test
    void aPathThatCouldNameAnotherHostIsNeverRequested() {
        for (String path : List.of("//example.invalid/health", "@example.invalid/", "health", "/a b")) {
            assertThat(NetworkProbe.check(http(path), port).ready()).as(path).isFalse();
        }
        assertThat(requests).isEmpty();
    }
}
