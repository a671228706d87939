package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.procdeck.runtime.HostileServer;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.testing.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dashboard attached to a socket whose other end is hostile or broken (a fake procdeck, {@link HostileServer}):
 * whatever it sends, the pulse must not throw, closing must not wait on it, and nothing leaks.
 */
class AttachedDashboardHostileTest {
    @TempDir
    Path dir;

    private final Preferences prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final ModelThread fx = new ModelThread("test-fx");
    private final DashboardViewModel model = fx.call(() -> new DashboardViewModel(new Workspace(prefs),
            new PosixProcessLauncher(), io, fx, Clock.systemUTC(), System.getenv(), 1000));
    private HostileServer server;

    @AfterEach
    void tearDown() throws Exception {
        fx.call(model::shutdown).get(40, TimeUnit.SECONDS);
        fx.close();
        io.shutdownNow();
        if (server != null) {
            server.close();
        }
        prefs.removeNode();
    }

    static Map<String, Object> instance(String name, String state) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("name", name);
        i.put("type", name.substring(0, name.indexOf('.')));
        i.put("state", state);
        i.put("pid", 4242L);
        i.put("port", 5000L);
        i.put("restarts", 0L);
        i.put("message", "up");
        return i;
    }

    static Map<String, Object> ps(long pid, List<Map<String, Object>> instances) {
        Map<String, Object> m = HostileServer.hello(pid);
        List<Object> types = new ArrayList<>();
        types.add(new LinkedHashMap<>(Map.of("name", "web", "command", "exec sleep 1000", "tty", false,
                "scheduled", false)));
        m.put("types", types);
        m.put("instances", new ArrayList<Object>(instances));
        m.put("jobs", new ArrayList<>());
        return m;
    }

    /** A server answering hello and ps with {@code psAnswer}, and logs with nothing. */
    private HostileServer serverAnswering(Map<String, Object> psAnswer) throws Exception {
        return new HostileServer(dir.resolve("c.sock"), (request, out) -> {
            switch (String.valueOf(request.get("op"))) {
                case "hello" -> HostileServer.send(out, HostileServer.hello(777));
                case "ps" -> HostileServer.send(out, psAnswer);
                case "logs" -> HostileServer.send(out, Map.of("v", 1L, "ok", true));
                default -> HostileServer.send(out, Map.of("v", 1L, "ok", false, "error", "no"));
            }
        });
    }

    private void pulses(int n) {
        for (int k = 0; k < n; k++) {
            fx.run(model::pulse);
        }
    }

    /**
     * Times a procdeck never writes (the first millisecond of time, or the last) come over the socket as valid
     * JSON integers. An uptime or countdown from them overflows Duration.toMillis(): the FX pulse must not throw.
     */
    @Test
    void absurdTimestampsFromTheSocketDoNotThrowInThePulse() throws Exception {
        Map<String, Object> up = instance("web.1", "up");
        up.put("startedAt", Long.MIN_VALUE);
        Map<String, Object> backingOff = instance("web.2", "backing off");
        backingOff.put("pid", null);
        backingOff.put("nextRestartAt", Long.MIN_VALUE);
        server = serverAnswering(ps(777, List.of(up, backingOff)));
        fx.call(() -> model.attach(server.socket())).get(20, TimeUnit.SECONDS);
        assertThatCode(() -> pulses(3)).doesNotThrowAnyException();
        assertThat(fx.call(() -> model.types().get(0).instances().size())).isEqualTo(2);
    }

    /**
     * A server that answers hello and then never answers ps: closing the window (shutdown on the FX thread) must
     * hang up at once rather than wait for the stalled ps to time out.
     */
    @Test
    void closingTheWindowDoesNotWaitForAStalledPs() throws Exception {
        CountDownLatch stall = new CountDownLatch(1);
        server = serverAnswering(ps(777, List.of(instance("web.1", "up"))));
        fx.call(() -> model.attach(server.socket())).get(20, TimeUnit.SECONDS);
        server.setHandler((request, out) -> {
            if ("ps".equals(request.get("op"))) {
                stall.await(); // never answers
            } else {
                HostileServer.send(out, HostileServer.hello(777));
            }
        });
        int before = server.psAnswered.get();
        // The next poll (within a second) reaches the stalled ps; give it time to be waiting in it.
        Await.until(Duration.ofSeconds(10), () -> server.connections.get() >= 1 && stalledPollStarted(), "a poll in flight");
        long t0 = System.nanoTime();
        fx.call(model::shutdown).get(40, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        stall.countDown();
        assertThat(server.psAnswered.get()).isEqualTo(before);
        assertThat(tookMs).as("shutdown on the FX thread waited for the stalled ps (ms)").isLessThan(5000);
    }

    private static boolean stalledPollStarted() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getName().equals("procdeck-attached")
                && java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("readLine")));
    }
}
