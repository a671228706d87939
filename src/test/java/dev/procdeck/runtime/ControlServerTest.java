package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogStream;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorSettings;
import dev.procdeck.supervisor.TerminalAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control server in-process, against a real supervisor that runs nothing: the protocol's edges (size,
 * version, malformed input, too many clients), the socket's life (stale, live, symlink), the slow reader, the
 * terminal attach, and the peer-uid check, for real as a second user where the sandbox allows it.
 */
class ControlServerTest {
    @TempDir
    Path project;
    @TempDir
    Path stateHome;

    private StateFolder state;
    private LogBus bus;
    private Supervisor supervisor;
    private final List<ControlServer> servers = new ArrayList<>();
    private final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(project.resolve("Procfile"), "web: sleep 1000\nworker: sleep 1000\n");
        TypeConfig tty = TypeConfig.DEFAULTS.withTty(true).withOverlap(null).withLine(1);
        Project p = new Project(project, project.resolve("Procfile"),
                ProcfileParser.parse("Procfile", "web: sleep 1000\nworker: sleep 1000\n"), Map.of(), List.of(),
                new ProjectConfig(null, Map.of(), Map.of("worker", tty), List.of()));
        bus = new LogBus(Clock.systemDefaultZone());
        supervisor = new Supervisor(p, SupervisorSettings.defaults(5000), new PosixProcessLauncher(), bus,
                Clock.systemDefaultZone(), Map.of());
        supervisor.setFormation(Map.of("web", 1, "worker", 1)).get(5, TimeUnit.SECONDS);
        state = StateFolder.of(project, Map.of("XDG_STATE_HOME", stateHome.toString()));
        state.prepare();
    }

    @AfterEach
    void tearDown() {
        servers.forEach(ControlServer::close);
        supervisor.close();
    }

    private ControlServer start() throws IOException {
        ControlServer s = ControlServer.start(state, null, supervisor, messages::add);
        servers.add(s);
        return s;
    }

    private static SocketChannel open(Path socket) throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    private static void write(SocketChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads until end of stream (the server closes), at most {@code max} bytes. */
    private static String readAll(SocketChannel ch, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (out.size() < max && ch.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void answersPsFromTheSupervisorsSnapshots() throws Exception {
        ControlServer server = start();
        try (ControlClient c = ControlClient.connect(server.socket())) {
            Map<String, Object> ps = c.call(new ControlMessages.Ps());
            assertThat(ps.get("formation")).isEqualTo(Map.of("web", 1L, "worker", 1L));
            List<Object> names = ((List<?>) ps.get("instances")).stream().map(i -> ((Map<?, ?>) i).get("name"))
                    .map(Object.class::cast).toList();
            assertThat(names).containsExactly("web.1", "worker.1");
            assertThat(ps.get("app")).isEqualTo(project.getFileName().toString());
        }
        assertThat(Files.readAttributes(server.socket(), java.nio.file.attribute.PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).permissions()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anOversizeRequestIsRefusedAndTheConnectionClosed() throws Exception {
        ControlServer server = start();
        try (SocketChannel ch = open(server.socket())) {
            write(ch, "{\"v\":2,\"op\":\"ps\",\"pad\":\"" + "x".repeat(ControlProtocol.MAX_REQUEST_BYTES) + "\"}\n");
            String answer = readAll(ch, 1 << 20);
            assertThat(answer).isEqualTo("{\"v\":2,\"ok\":false,\"error\":\"request larger than "
                    + ControlProtocol.MAX_REQUEST_BYTES + " bytes; refused\"}\n");
        }
    }

    @Test
    void malformedAndOtherVersionRequestsGetClearErrorsAndTheConnectionStaysUsable() throws Exception {
        ControlServer server = start();
        try (ControlClient c = ControlClient.connect(server.socket())) {
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 3L, "op", "ps")))
                    .hasMessageContaining("version mismatch: the running procdeck speaks control protocol 2, this command 3");
            assertThatThrownBy(() -> c.callMessage(Map.of("op", "ps"))).hasMessageContaining("request without \"v\"");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", "2", "op", "ps")))
                    .hasMessage("\"v\" (the protocol version) must be a whole number, not \"2\"; this procdeck speaks 2");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2.0, "op", "ps")))
                    .hasMessage("\"v\" (the protocol version) must be a whole number, not 2.0; this procdeck speaks 2");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "dance")))
                    .hasMessageContaining("unknown op 'dance'; this procdeck knows hello, ps, scale,");
            assertThatThrownBy(() -> c.call(new ControlMessages.Scale(Map.of("wrk", 2L))))
                    .hasMessage("unknown process type 'wrk'; the Procfile has web, worker");
            assertThatThrownBy(() -> c.call(new ControlMessages.Scale(Map.of("web", 1000L))))
                    .hasMessage("the count for web must be a whole number from 0 to 100");
            assertThatThrownBy(() -> c.call(new ControlMessages.Restart("web.3"))).hasMessage("no instance web.3; web has web.1");
            assertThat(c.call(new ControlMessages.Hello()).get("ok")).isEqualTo(true);
        }
        try (SocketChannel ch = open(server.socket())) {
            write(ch, "{\"v\":2,\"op\":\"ps\",\"op\":\"ps\"}\nnot json\n");
            ch.shutdownOutput();
            assertThat(readAll(ch, 1 << 20)).contains("duplicate key \\\"op\\\"").contains("invalid JSON at character 1");
        }
    }

    /** Threads serving clients now: each connection has one, which must end with it. */
    private static long clientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("procdeck-control-client")).count();
    }

    @Test
    void aWrongTypedRequestGetsAnErrorNamingTheFieldAndTheConnectionStaysUsable() throws Exception {
        ControlServer server = start();
        long before = clientThreads();
        try (ControlClient c = ControlClient.connect(server.socket())) {
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "scale", "formation", 42L)))
                    .isInstanceOf(ControlClient.RefusedException.class)
                    .hasMessage("scale: \"formation\" must be an object, not a number");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "scale", "formation", Map.of("web", "2"))))
                    .hasMessage("scale: \"formation.web\" must be a whole number, not a string");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "scale", "formation", Map.of("web", 1.5))))
                    .hasMessage("scale: \"formation.web\" must be a whole number, not a number");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "restart", "target", List.of("web"))))
                    .hasMessage("restart: \"target\" must be a string, not a list");
            // These two were taken silently before: "yes" as no follow, a numeric grep as no filter at all.
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "logs", "follow", "yes")))
                    .hasMessage("logs: \"follow\" must be true or false, not a string");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "logs", "grep", 5L)))
                    .hasMessage("logs: \"grep\" must be a string, not a number");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "logs", "follow", 1L)))
                    .hasMessage("logs: \"follow\" must be true or false, not a number");
            assertThatThrownBy(() -> c.callMessage(Map.of("v", 2L, "op", "connect", "instance", true)))
                    .hasMessage("connect: \"instance\" must be a string, not true or false");
            // Fields a newer client may send are ignored, not refused.
            assertThat(c.callMessage(Map.of("v", 2L, "op", "hello", "colour", "teal")).get("ok")).isEqualTo(true);
            assertThat(c.call(new ControlMessages.Ps()).get("instances")).asList().hasSize(2);
        }
        try (SocketChannel ch = open(server.socket())) {
            write(ch, "{\"v\":2,\"op\":\"scale\",\"formation\":42}\n{\"v\":2,\"op\":\"hello\"}\n");
            ch.shutdownOutput();
            String answers = readAll(ch, 1 << 20);
            assertThat(answers.lines()).hasSize(2);
            assertThat(answers).doesNotContain("Exception", "\tat ", "tools.jackson", "java.util")
                    .contains("\"ok\":true");
        }
        dev.procdeck.testing.Await.until(Duration.ofSeconds(10), () -> clientThreads() <= before,
                () -> "the client threads to end with their connections; " + clientThreads() + " alive, "
                        + before + " before");
    }

    @Test
    void aCommandOfAnotherReleaseIsToldOfTheVersionMismatchNotServedGarbage() throws Exception {
        ControlServer server = start();
        // What a procdeck command of the previous release sends.
        try (SocketChannel ch = open(server.socket())) {
            write(ch, "{\"v\":1,\"op\":\"logs\",\"follow\":true}\n");
            ch.shutdownOutput();
            Map<String, Object> answer = ControlJson.parseObject(readAll(ch, 1 << 20).strip());
            assertThat(answer).containsEntry("ok", false).containsEntry("v", 2L);
            assertThat((String) answer.get("error")).isEqualTo("version mismatch: the running procdeck speaks control"
                    + " protocol 2, this command 1; upgrade the command or restart that procdeck so both are the same"
                    + " release");
        }
    }

    @Test
    void aProcdeckOfAnotherReleaseIsReportedAsAVersionMismatchNeverAsNotRunning() throws Exception {
        Path socket = ControlProtocol.socketPath(state);
        // How a procdeck of the previous release answers a request of this one, word for word.
        try (HostileServer old = new HostileServer(socket, (request, out) -> HostileServer.send(out, Map.of("v", 1L,
                "ok", false, "error", "protocol version 2 is not supported; this procdeck speaks 1 (use a procdeck"
                        + " command of the same release)")))) {
            String expected = "version mismatch: the running procdeck speaks control protocol 1, this command 2;"
                    + " upgrade the command or restart that procdeck so both are the same release";
            assertThatThrownBy(() -> ControlClient.at(socket))
                    .isInstanceOf(ControlClient.VersionMismatchException.class).hasMessage(expected);
            assertThatThrownBy(() -> ControlClient.locate(project, null, null,
                    Map.of("XDG_STATE_HOME", stateHome.toString())))
                    .isInstanceOf(ControlClient.VersionMismatchException.class).hasMessage(expected);
            try (ControlClient c = ControlClient.connect(socket)) {
                assertThatThrownBy(() -> c.call(ControlMessages.Logs.recent(10).following()))
                        .isInstanceOf(ControlClient.VersionMismatchException.class).hasMessage(expected);
            }
        }
    }

    /** One line of a frame, as the client reads it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(Object e) {
        return (Map<String, Object>) e;
    }

    @Test
    void aFollowerGetsOneFramePerBatchNotOneMessagePerLine() throws Exception {
        ControlServer server = start();
        try (ControlClient c = ControlClient.connect(server.socket())) {
            c.call(ControlMessages.Logs.recent(0).following());
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                burst.add("line " + i);
            }
            bus.publish("web.1", LogStream.STDOUT, burst);
            bus.publish("worker.1", LogStream.STDERR, List.of("after"));
            Map<String, Object> first = c.next(Duration.ofSeconds(10));
            List<?> entries = LogWire.entries(first);
            assertThat(entries).as("a frame of the whole batch, got " + first.keySet()).hasSize(500);
            assertThat(entry(entries.get(0))).containsEntry("x", "line 0").containsEntry("i", "web.1")
                    .containsEntry("s", "out");
            assertThat(entry(entries.get(499))).containsEntry("x", "line 499");
            Map<String, Object> second = c.next(Duration.ofSeconds(10));
            assertThat(LogWire.entries(second)).hasSize(1);
            assertThat(entry(LogWire.entries(second).get(0))).containsEntry("x", "after").containsEntry("s", "err");
        }
    }

    @Test
    void aBatchLargerThanAFrameIsSplitAndEveryFrameFitsWhatAClientReads() throws Exception {
        ControlServer server = start();
        try (ControlClient c = ControlClient.connect(server.socket())) {
            c.call(ControlMessages.Logs.recent(0).following());
            // 64 lines of 60,000 characters (an escape each 3 characters) is more than a frame's budget.
            String line = "\u001b[1mé\u001b[0m".repeat(60_000 / 12);
            List<String> burst = java.util.Collections.nCopies(64, line);
            bus.publish("web.1", LogStream.STDOUT, burst);
            int lines = 0;
            int frames = 0;
            while (lines < burst.size()) {
                Map<String, Object> m = c.next(Duration.ofSeconds(10)); // at most MAX_RESPONSE_BYTES, or it throws
                assertThat(LogWire.entries(m)).as("a frame").isNotNull();
                assertThat(ControlJson.write(m).getBytes(StandardCharsets.UTF_8).length)
                        .isLessThanOrEqualTo((int) (LogWire.FRAME_BYTES + 1024));
                lines += LogWire.entries(m).size();
                frames++;
            }
            assertThat(lines).isEqualTo(burst.size());
            assertThat(frames).isGreaterThan(1);
        }
    }

    @Test
    void aScheduledTypeScalesOnlyToZeroOrOneItsScheduleIsOnOrOff() throws Exception {
        TypeConfig report = TypeConfig.DEFAULTS.withSchedule(dev.procdeck.procfile.Schedule.parse("every 20s")).withOverlap(null).withLine(1);
        Project p = new Project(project, project.resolve("Procfile"),
                ProcfileParser.parse("Procfile", "web: sleep 1000\nreport: true\n"), Map.of(), List.of(),
                new ProjectConfig(null, Map.of(), Map.of("report", report), List.of()));
        supervisor.close();
        supervisor = new Supervisor(p, SupervisorSettings.defaults(5000), new PosixProcessLauncher(), bus,
                Clock.systemDefaultZone(), Map.of());
        ControlServer server = start();
        try (ControlClient c = ControlClient.connect(server.socket())) {
            assertThatThrownBy(() -> c.call(new ControlMessages.Scale(Map.of("report", 2L)))).hasMessage("report runs on its schedule (every 20s), not as"
                    + " instances: scale it to 1 to keep the schedule on or to 0 to pause it");
            assertThat(c.call(new ControlMessages.Scale(Map.of("report", 0L))).get("formation")).isEqualTo(Map.of("web", 0L, "report", 0L));
        }
    }

    @Test
    void aStaleSocketIsReplacedALiveOneIsLeftAloneAndCloseRemovesOnlyOurs() throws Exception {
        Path socket = ControlProtocol.socketPath(state);
        // A procdeck that died: its socket file stays, nobody accepts on it.
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close();
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThatThrownBy(() -> open(socket)).isInstanceOf(java.net.ConnectException.class);

        ControlServer first = start();
        try (ControlClient c = ControlClient.connect(socket)) {
            assertThat(c.call(new ControlMessages.Hello()).get("pid")).isEqualTo(ProcessHandle.current().pid());
        }
        assertThatThrownBy(this::start).hasMessageContaining("another procdeck of this project already listens on");
        assertThat(ControlServer.answers(socket)).isTrue();
        first.close();
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aSymlinkAtTheSocketPathIsRemovedNeverFollowed() throws Exception {
        Path victim = Files.writeString(project.resolve("victim"), "keep me");
        Path socket = ControlProtocol.socketPath(state);
        Files.createSymbolicLink(socket, victim);
        start();
        assertThat(Files.readString(victim)).isEqualTo("keep me");
        assertThat(Files.isSymbolicLink(socket)).isFalse();
        assertThat(ControlServer.answers(socket)).isTrue();
    }

    @Test
    void tooLongASocketPathIsExplained() {
        Path longPath = Path.of("/tmp", "x".repeat(120), ControlProtocol.SOCKET_NAME);
        assertThatThrownBy(() -> ControlProtocol.requireShortEnough(longPath))
                .hasMessageContaining("more than the 107 a Unix socket allows; set XDG_STATE_HOME to a shorter folder");
    }

    @Test
    void clientsBeyondTheLimitAreTurnedAway() throws Exception {
        ControlServer server = start();
        List<ControlClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) {
                ControlClient c = ControlClient.connect(server.socket());
                c.call(new ControlMessages.Hello()); // admitted and served
                held.add(c);
            }
            try (SocketChannel extra = open(server.socket())) {
                assertThat(readAll(extra, 4096)).contains("\"busy\":true", "busy: " + ControlServer.MAX_CLIENTS
                        + " clients are connected to this procdeck (pid " + ProcessHandle.current().pid() + ")");
            }
            // A client must say it is busy, never that nothing runs.
            assertThatThrownBy(() -> ControlClient.at(server.socket())).isInstanceOf(ControlClient.BusyException.class)
                    .hasMessageContaining("busy: ");
        } finally {
            held.forEach(ControlClient::close);
        }
        dev.procdeck.testing.Await.until(Duration.ofSeconds(10), () -> {
            try (ControlClient c = ControlClient.connect(server.socket())) {
                return Boolean.TRUE.equals(c.call(new ControlMessages.Hello()).get("ok"));
            } catch (IOException e) {
                return false;
            }
        }, "a slot to free up once the clients left");
    }

    @Test
    void clientsThatOnlyHoldAConnectionGiveTheirSlotToANewOne() throws Exception {
        ControlServer server = start();
        List<ControlClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) {
                ControlClient c = ControlClient.connect(server.socket());
                c.call(new ControlMessages.Hello());
                held.add(c); // and then says nothing, as a script saying hello every few seconds does between
            }
            // Once they have waited EVICT_AFTER_IDLE, the longest-waiting one gives way: ps gets its answer.
            dev.procdeck.testing.Await.until(Duration.ofSeconds(30), () -> {
                try (ControlClient c = ControlClient.connect(server.socket())) {
                    return Boolean.TRUE.equals(c.call(new ControlMessages.Ps()).get("ok"));
                } catch (IOException e) {
                    return false;
                }
            }, "a new client admitted in place of an idle one");
        } finally {
            held.forEach(ControlClient::close);
        }
    }

    @Test
    void aReaderThatFallsBehindNeverHoldsUpOutputAndIsToldWhyItIsDisconnected() throws Exception {
        ControlServer server = start();
        try (ControlClient c = ControlClient.connect(server.socket())) {
            c.call(ControlMessages.Logs.recent(0).following());
            // The client reads nothing while far more than the follow queue and the socket buffer hold is published:
            // publishing (a reader thread, the supervisor) must finish regardless.
            String line = "y".repeat(1000);
            long budget = 4 * ControlServer.FOLLOW_QUEUE_BYTES;
            for (long sent = 0; sent < budget; sent += line.length()) {
                bus.publish("web.1", LogStream.STDOUT, List.of(line));
            }
            Map<String, Object> m;
            String error = null;
            while ((m = c.next(Duration.ofSeconds(30))) != null) {
                if (m.get("error") != null) {
                    error = (String) m.get("error");
                }
            }
            assertThat(error).contains("this reader fell behind").contains("disconnecting");
        }
    }

    @Test
    void logsServeRecentLinesFilteredThenEnd() throws Exception {
        ControlServer server = start();
        bus.publish("web.1", LogStream.STDOUT, List.of("one", "two"));
        bus.publish("worker.1", LogStream.STDERR, List.of("three"));
        bus.event("web.1", "web.1 restarting");
        try (ControlClient c = ControlClient.connect(server.socket())) {
            ControlMessages.Logs logs = new ControlMessages.Logs(2L, null, "web", null, null, null);
            assertThat(c.call(logs).get("types")).isEqualTo(List.of("web", "worker"));
            List<Object> texts = new ArrayList<>();
            Map<String, Object> m;
            while ((m = c.next(Duration.ofSeconds(5))) != null && LogWire.entries(m) != null) {
                LogWire.entries(m).forEach(e -> texts.add(((Map<?, ?>) e).get("x")));
            }
            assertThat(texts).containsExactly("two", "web.1 restarting");
            assertThat(m).isEqualTo(Map.of("end", true));
        }
        try (ControlClient c = ControlClient.connect(server.socket())) {
            // A typo would otherwise print nothing at all, as if the type were quiet.
            ControlMessages.Logs typo = new ControlMessages.Logs(null, null, "wbe", null, null, null);
            assertThatThrownBy(() -> c.call(typo)).hasMessage("unknown process type 'wbe'; the Procfile has web, worker");
        }
    }

    @Test
    void connectRefusesAnInstanceWithoutATerminalAndRelaysAFakeOne() throws Exception {
        ControlServer server = start();
        try (ControlClient c = ControlClient.connect(server.socket())) {
            assertThatThrownBy(() -> c.call(new ControlMessages.Connect("web.1")))
                    .hasMessage("web.1 is not a tty instance; set tty: true for web in procdeck.yml");
            assertThatThrownBy(() -> c.call(new ControlMessages.Connect("worker.1"))).hasMessageContaining("worker.1 has no terminal to attach to: it is")
                    .hasMessageEndingWith("now; connect again once it is up");
        }
        ByteArrayOutputStream typed = new ByteArrayOutputStream();
        List<java.util.function.Consumer<byte[]>> screens = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.setTerminalAccess((id, output) -> {
            assertThat(id).isEqualTo(InstanceId.parse("worker.1"));
            screens.add(output);
            return Optional.of(new TerminalAccess.Attachment() {
                @Override
                public void input(byte[] bytes) {
                    synchronized (typed) {
                        typed.writeBytes(bytes);
                    }
                    output.accept(("echo:" + new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void resize(int columns, int rows) {
                }

                @Override
                public void close() {
                }
            });
        });
        try (ControlClient c = connectedTo(server, "worker.1")) {
            c.send(new ControlMessages.Input(Base64.getEncoder().encodeToString("ls\r".getBytes(StandardCharsets.UTF_8))));
            Map<String, Object> out = c.next(Duration.ofSeconds(10));
            assertThat(new String(Base64.getDecoder().decode((String) out.get("out")), StandardCharsets.UTF_8))
                    .isEqualTo("echo:ls\r");
            c.send(new ControlMessages.Detach());
            assertThat(c.next(Duration.ofSeconds(10))).isNull();
        }
        synchronized (typed) {
            assertThat(typed.toString(StandardCharsets.UTF_8)).isEqualTo("ls\r");
        }
    }

    @Test
    void aConnectedClientIsToldWhenItsRunEndsAndNothingTypedReachesADeadTerminal() throws Exception {
        ControlServer server = start();
        ByteArrayOutputStream typed = new ByteArrayOutputStream();
        java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
        server.setTerminalAccess((id, output) -> Optional.of(new TerminalAccess.Attachment() {
            @Override
            public void input(byte[] bytes) {
                synchronized (typed) {
                    typed.writeBytes(bytes);
                }
            }

            @Override
            public void resize(int columns, int rows) {
            }

            @Override
            public boolean ended() {
                return over.get();
            }

            @Override
            public void close() {
            }
        }));
        try (ControlClient c = connectedTo(server, "worker.1")) {
            Map<String, Object> noData = new java.util.HashMap<>();
            noData.put("op", "input");
            c.sendRaw(noData); // no "data": nothing is typed (it used to send the three bytes of "null" decoded)
            c.send(new ControlMessages.Input(Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8))));
            dev.procdeck.testing.Await.until(Duration.ofSeconds(10), () -> {
                synchronized (typed) {
                    return typed.size() > 0;
                }
            }, "the typed x");
            over.set(true); // the instance stopped: its terminal is gone
            Map<String, Object> last = c.next(Duration.ofSeconds(10));
            while (last != null && last.get("end") == null) {
                last = c.next(Duration.ofSeconds(10));
            }
            assertThat(last).as("an end message").isNotNull();
            assertThat((String) last.get("reason")).startsWith("worker.1 ended (")
                    .endsWith("its terminal is gone; connect again to attach to its next run");
            assertThat(c.next(Duration.ofSeconds(10))).as("the session closed").isNull();
        }
        synchronized (typed) {
            assertThat(typed.toString(StandardCharsets.UTF_8)).isEqualTo("x");
        }
    }

    /** A client whose connect to {@code instance} was answered: the session is open. */
    private static ControlClient connectedTo(ControlServer server, String instance) throws IOException {
        ControlClient c = ControlClient.connect(server.socket());
        c.call(new ControlMessages.Connect(instance));
        return c;
    }

    @Test
    void onlyTheSameUserIsAllowed() throws Exception {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        assertThat(ControlProtocol.peerAllowed(users.lookupPrincipalByName("root"), users.lookupPrincipalByName("root")))
                .isTrue();
        assertThat(ControlProtocol.peerAllowed(users.lookupPrincipalByName("nobody"), users.lookupPrincipalByName("root")))
                .isFalse();
        assertThat(ControlProtocol.peerAllowed(null, users.lookupPrincipalByName("root"))).isFalse();
    }

    /**
     * A real connection from another user. Modes alone already keep others out, so they are widened here on
     * purpose (as a careless chmod would): what must refuse is then the peer-credential check.
     */
    @Test
    void anotherUserIsRefusedEvenWhenTheModesLetItIn() throws Exception {
        assumeTrue(ControlProtocol.currentUser().getName().equals("root"), "needs root to become nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
        ControlServer server = start();
        for (Path p = server.socket().getParent(); p.startsWith(stateHome); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Files.setPosixFilePermissions(server.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        Path probe = Files.writeString(Files.createTempDirectory("procdeck-peer").resolve("Probe.java"), """
                import java.net.UnixDomainSocketAddress;
                import java.nio.ByteBuffer;
                import java.nio.channels.SocketChannel;
                public class Probe {
                    public static void main(String[] a) throws Exception {
                        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(a[0]))) {
                            try {
                                ch.write(ByteBuffer.wrap("{\\"v\\":2,\\"op\\":\\"ps\\"}\\n".getBytes()));
                            } catch (java.io.IOException e) {
                                // Refused before the request went out: the answer is waiting all the same.
                            }
                            ByteBuffer b = ByteBuffer.allocate(4096);
                            try {
                                while (ch.read(b) >= 0) { }
                            } catch (java.io.IOException e) {
                                // A reset after the answer: the refusal closed with our request unread.
                            }
                            System.out.print(new String(b.array(), 0, b.position()));
                        }
                    }
                }
                """);
        Files.setPosixFilePermissions(probe.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-r--r--"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                java, "-Xshare:off", probe.toString(), server.socket().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeTrue(!out.contains("Permission denied") && !out.contains("setpriv:"), "cannot run as nobody here: " + out);
        assertThat(out).contains("\"ok\":false").contains("refused: this procdeck belongs to another user")
                .doesNotContain("instances");
        dev.procdeck.testing.Await.until(Duration.ofSeconds(5),
                () -> messages.stream().anyMatch(m -> m.startsWith("refused a control connection from user nobody")),
                () -> "the refusal reported; messages: " + messages);
    }
}
