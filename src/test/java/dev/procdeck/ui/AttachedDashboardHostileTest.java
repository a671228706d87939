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

/**
 * A dashboard attached to a socket whose other end is hostile or broken (a fake procdeck, {@link HostileServer}):
 * whatever it sends, the pulse must not throw, closing must not wait on it, and nothing leaks.
 */
class AttachedDashboardHostileTest extends DashboardModelFixture {
    private HostileServer server;

    @AfterEach
    void closeServer() throws Exception {
        if (server != null) {
            server.close();
        }
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
                case "logs" -> HostileServer.send(out, Map.of("v", 2L, "ok", true));
                default -> HostileServer.send(out, Map.of("v", 2L, "ok", false, "error", "no"));
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
        Map<String, Object> up = HostileServer.instance("web.1", "up");
        up.put("startedAt", Long.MIN_VALUE);
        Map<String, Object> backingOff = HostileServer.instance("web.2", "backing off");
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
        server = serverAnswering(ps(777, List.of(HostileServer.instance("web.1", "up"))));
        fx.call(() -> model.attach(server.socket())).get(20, TimeUnit.SECONDS);
        server.setHandler((request, out) -> {
            if ("ps".equals(request.get("op"))) {
                stall.await(); // never answers
            } else {
                HostileServer.send(out, HostileServer.hello(777));
            }
        });
        // The next poll (within a second) reaches the stalled ps; give it time to be waiting in it.
        Await.until(Duration.ofSeconds(10), () -> server.connections.get() >= 1 && stalledPollStarted(), "a poll in flight");
        long t0 = System.nanoTime();
        fx.call(model::shutdown).get(40, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        stall.countDown();
        assertThat(tookMs).as("shutdown on the FX thread waited for the stalled ps (ms)").isLessThan(5000);
    }

    /**
     * SIGTERM to an attached dashboard: the JVM's shutdown hook ({@code stopForExit()}) hangs up on its own thread
     * while the FX thread pulses. The pulse must read the app it shows once: a hook that changed it between two
     * reads made the pulse throw a NullPointerException on the FX thread. Made deterministic with a clock that
     * runs the hook exactly there (the pulse's {@code clock.instant()}).
     */
    @Test
    void aShutdownHookDuringAPulseDoesNotThrowOnTheFxThread() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<DashboardViewModel> self = new java.util.concurrent.atomic.AtomicReference<>();
        Clock trap = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                if (armed.compareAndSet(true, false)) {
                    Thread hook = new Thread(() -> self.get().stopForExit(), "procdeck-shutdown");
                    hook.start();
                    try {
                        hook.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return java.time.Instant.now();
            }
        };
        ExecutorService io2 = Executors.newSingleThreadExecutor();
        ModelThread fx2 = new ModelThread("test-fx-2");
        Preferences prefs2 = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
        try {
            DashboardViewModel m = fx2.call(() -> new DashboardViewModel(new Workspace(prefs2),
                    new PosixProcessLauncher(), io2, fx2, trap, System.getenv(), 1000));
            self.set(m);
            server = serverAnswering(ps(777, List.of(HostileServer.instance("web.1", "up"))));
            fx2.call(() -> m.attach(server.socket())).get(20, TimeUnit.SECONDS);
            armed.set(true);
            assertThatCode(() -> fx2.run(m::pulse)).doesNotThrowAnyException();
        } finally {
            fx2.close();
            io2.shutdownNow();
            prefs2.removeNode();
        }
    }

    /**
     * The last thing the user asked for wins: an attach that is slow to answer (a far SSH forward) must not,
     * when it finally does, throw away a folder the user opened (and started) meanwhile, nor another attachment
     * made meanwhile. Today it does: showAttached() stops the project opened after it.
     */
    @Test
    void aSlowAttachDoesNotReplaceAFolderOpenedMeanwhile() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Map<String, Object> answer = ps(777, List.of(HostileServer.instance("web.1", "up")));
        server = new HostileServer(dir.resolve("c.sock"), (request, out) -> {
            switch (String.valueOf(request.get("op"))) {
                case "hello" -> HostileServer.send(out, HostileServer.hello(777));
                case "ps" -> {
                    release.await(10, TimeUnit.SECONDS); // a slow link
                    HostileServer.send(out, answer);
                }
                default -> HostileServer.send(out, Map.of("v", 2L, "ok", true));
            }
        });
        Path p = java.nio.file.Files.createDirectories(dir.resolve("mine"));
        java.nio.file.Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\n");
        java.util.concurrent.CompletableFuture<Void> attaching = fx.call(() -> model.attach(server.socket()));
        // The user gives up waiting and opens a folder of their own (on another io thread: the io executor is busy).
        java.util.concurrent.CompletableFuture<Void> opening = fx.call(() -> model.openProject(p));
        release.countDown();
        attaching.handle((v, e) -> null).get(20, TimeUnit.SECONDS);
        opening.get(20, TimeUnit.SECONDS);
        pulses(2);
        assertThat(fx.call(() -> model.attachedProperty().get())).as("attached after the user opened a folder").isFalse();
        assertThat(fx.call(() -> model.projectRootProperty().get())).isEqualTo(p);
    }

    /**
     * An attachment that ended because ps failed (here refused: "too many clients") while its procdeck lives on:
     * the window says "detached", yet the log follower keeps its connection and keeps adding that procdeck's
     * lines to the console, for as long as the window stays open.
     */
    @Test
    void anEndedAttachmentStopsFollowingTheLog() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean();
        server = new HostileServer(dir.resolve("c.sock"), (request, out) -> {
            switch (String.valueOf(request.get("op"))) {
                case "hello" -> HostileServer.send(out, HostileServer.hello(777));
                case "ps" -> HostileServer.send(out, refuse.get()
                        ? Map.of("v", 2L, "ok", false, "error", "too many clients: 16")
                        : ps(777, List.of(HostileServer.instance("web.1", "up"))));
                case "logs" -> {
                    HostileServer.send(out, Map.of("v", 2L, "ok", true));
                    for (int k = 0; ; k++) {
                        HostileServer.send(out, Map.of("batch", List.of(Map.of("t", System.currentTimeMillis(),
                                "i", "web.1", "s", "out", "x", "tick " + k))));
                        Thread.sleep(50);
                    }
                }
                default -> HostileServer.send(out, Map.of("v", 2L, "ok", true));
            }
        });
        fx.call(() -> model.attach(server.socket())).get(20, TimeUnit.SECONDS);
        refuse.set(true);
        Await.until(Duration.ofSeconds(10), () -> fx.call(() -> {
            model.pulse();
            return !model.attachedProperty().get();
        }), "the attachment ended");
        Await.until(Duration.ofSeconds(5), () -> server.openClients() == 0, "no connection left to the procdeck");
    }

    /**
     * Attaching to a socket that answers hello and then never answers ps holds the dashboard's single io thread
     * for the ps timeout (15 s; 30 s before the retry on a timeout was dropped in AttachedRun): meanwhile a folder
     * does not open, the Attach dialog does not list, and closing the window (its processes are stopped on io)
     * waits; the SIGTERM hook gives up after 10 s, so this window's own processes are then left to the watchdog.
     */
    @Test
    void aStalledAttachDoesNotHoldUpOpeningAFolder() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        server = HostileServer.stallingPs(dir.resolve("c.sock"), never);
        Path p = java.nio.file.Files.createDirectories(dir.resolve("mine"));
        java.nio.file.Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\n");
        try {
            fx.call(() -> model.attach(server.socket()));
            Await.until(Duration.ofSeconds(10), () -> server.connections.get() >= 2, "attach waiting for ps");
            java.util.concurrent.CompletableFuture<Void> opening = fx.call(() -> model.openProject(p));
            opening.get(5, TimeUnit.SECONDS); // a folder opens in well under a second otherwise
        } finally {
            never.countDown();
        }
    }

    /**
     * A log stream naming a new instance (of a new type) on every line: the console keeps a slot, a filter entry
     * and a type for each name, and re-sorts them (with a list look-up per name) on every pulse that brings a new
     * one, on the FX thread. What one procdeck can have is bounded (types, instances); the follower bounds it too.
     */
    @Test
    void aLogStreamOfEndlesslyNewInstanceNamesIsBounded() throws Exception {
        int flood = 50_000;
        server = new HostileServer(dir.resolve("c.sock"), (request, out) -> {
            switch (String.valueOf(request.get("op"))) {
                case "hello" -> HostileServer.send(out, HostileServer.hello(777));
                case "ps" -> HostileServer.send(out, ps(777, List.of(HostileServer.instance("web.1", "up"))));
                case "logs" -> {
                    HostileServer.send(out, Map.of("v", 2L, "ok", true));
                    StringBuilder sb = new StringBuilder();
                    sb.append("{\"batch\":[{\"t\":1,\"i\":\"web.1\",\"s\":\"out\",\"x\":\"first\"}]}\n");
                    for (int k = 0; k < flood; k++) {
                        sb.append("{\"batch\":[{\"t\":1,\"i\":\"t").append(k).append(".1\",\"s\":\"out\",\"x\":\"x\"}]}\n");
                    }
                    sb.append("{\"batch\":[{\"t\":1,\"i\":\"web.1\",\"s\":\"out\",\"x\":\"last\"}]}\n");
                    HostileServer.sendRaw(out, sb.toString());
                    Thread.sleep(60_000);
                }
                default -> HostileServer.send(out, Map.of("v", 2L, "ok", true));
            }
        });
        ExecutorService io2 = Executors.newSingleThreadExecutor();
        ModelThread fx2 = new ModelThread("test-fx-2");
        Preferences prefs2 = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
        try {
            // The dashboard's own console size (DashboardApp): 100 000 lines.
            DashboardViewModel m = fx2.call(() -> new DashboardViewModel(new Workspace(prefs2),
                    new PosixProcessLauncher(), io2, fx2, Clock.systemUTC(), System.getenv(),
                    ConsoleViewModel.DEFAULT_CAPACITY));
            fx2.call(() -> m.attach(server.socket())).get(20, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            long[] slowest = {0};
            Await.until(Duration.ofSeconds(120), () -> fx2.call(() -> {
                long p0 = System.nanoTime();
                m.preparePulse();
                m.pulse();
                slowest[0] = Math.max(slowest[0], System.nanoTime() - p0);
                return m.console().allLines().stream().anyMatch(l -> l.text().equals("last"));
            }), "the flood read");
            System.out.println("flood of " + flood + " instance names: " + (System.nanoTime() - t0) / 1_000_000
                    + " ms, slowest pulse " + slowest[0] / 1_000_000 + " ms, console types "
                    + fx2.call(() -> m.console().types().size()));
            assertThat(fx2.call(() -> m.console().types().size())).isLessThanOrEqualTo(503); // 500 types, run and one-off, the project's
            assertThat(fx2.call(() -> m.console().instances().size())).isLessThanOrEqualTo(10_001);
            fx2.call(m::shutdown).get(20, TimeUnit.SECONDS);
        } finally {
            fx2.close();
            io2.shutdownNow();
            prefs2.removeNode();
        }
    }

    /** Attaching again and again (each attach hangs up the one before), then closing: no thread, no connection left. */
    @Test
    void repeatedAttachingLeavesNoThreadsNorConnections() throws Exception {
        server = serverAnswering(ps(777, List.of(HostileServer.instance("web.1", "up"))));
        long fdsBefore = fds();
        for (int k = 0; k < 15; k++) {
            fx.call(() -> model.attach(server.socket())).get(20, TimeUnit.SECONDS);
            pulses(2);
        }
        fx.call(model::shutdown).get(20, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("procdeck-attached")), "no attached threads left");
        Await.until(Duration.ofSeconds(10), () -> server.openClients() == 0, "no connection left open");
        Await.until(Duration.ofSeconds(10), () -> fds() <= fdsBefore + 2, "file descriptors back");
    }

    private static long fds() {
        try (var s = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean stalledPollStarted() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getName().equals("procdeck-attached")
                && java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("readLine")));
    }
}
