package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.logs.LogBatch;
import dev.procdeck.supervisor.Durations;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AttachedRun} and the wire readers against a control socket whose other end is hostile or broken: what
 * comes over it is shown to the user and must neither throw where the dashboard ticks, nor carry control
 * characters or text of any size, nor keep a thread or a connection once the user hung up.
 */
class AttachedRunHostileTest {
    @TempDir
    Path dir;
    private HostileServer server;

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static final String BIDI = "\u202eexe.gnp";
    private static final String CONTROLS = "a\u001b]52;c;aGk=\u0007b\r\nc";

    private static Map<String, Object> psWith(Map<String, Object> inst) {
        Map<String, Object> m = HostileServer.hello(777);
        m.put("types", new ArrayList<Object>(List.of(new LinkedHashMap<>(Map.of("name", "web", "command",
                "x", "tty", false, "scheduled", false)))));
        m.put("instances", new ArrayList<Object>(List.of(inst)));
        return ControlJson.parseObject(ControlJson.write(m));
    }

    private static boolean plain(String s) {
        return s.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069));
    }

    @Test
    void timesNoProcdeckWritesAreIgnoredRatherThanOverflowingWhereRowsTick() {
        Map<String, Object> i = HostileServer.instance("web.1", "up");
        i.put("startedAt", Long.MIN_VALUE);
        i.put("since", Long.MAX_VALUE);
        i.put("nextRestartAt", Long.MIN_VALUE);
        InstanceSnapshot s = InstanceWire.read(ControlJson.parseObject(ControlJson.write(i)));
        Instant now = Instant.now();
        Durations.humanize(s.uptime(now)); // threw ArithmeticException: long overflow
        assertThat(s.startedAt()).isNull();
        assertThat(s.nextRestartAt()).isNull();
        assertThat(s.since()).isBefore(now.plusSeconds(1));

        Map<String, Object> run = new LinkedHashMap<>(Map.of("name", "report.1", "startedAt", Long.MIN_VALUE,
                "outcome", "exited"));
        run.put("endedAt", Long.MAX_VALUE);
        Map<String, Object> job = new LinkedHashMap<>(Map.of("type", "report", "schedule", "every 1h"));
        job.put("lastRun", run);
        job.put("nextRun", Long.MAX_VALUE);
        JobWire.Job j = JobWire.read(ControlJson.parseObject(ControlJson.write(job)));
        assertThat(j.status().nextRun()).isNull();
        assertThat(j.status().lastRun()).isNull(); // no start time a procdeck writes: not a run to show
    }

    @Test
    void textsFromTheSocketCarryNoControlCharactersNorBidiOverridesAndHaveABound() {
        String huge = "x".repeat(3_000_000);
        Map<String, Object> i = HostileServer.instance("web.1", "starting");
        i.put("message", CONTROLS + BIDI);
        i.put("waitingFor", huge);
        Map<String, Object> answer = psWith(i);
        ((Map<String, Object>) ((List<Object>) answer.get("types")).get(0)).put("command", BIDI + huge);
        AttachedRun.Status status = AttachedRun.parseStatus(answer);
        InstanceSnapshot s = status.instances().get(0);
        assertThat(plain(s.message())).as("message %s", s.message()).isTrue();
        assertThat(s.waitingFor().length()).isLessThan(20_000);
        AttachedRun.RemoteType web = status.types().get(0);
        assertThat(plain(web.command())).isTrue();
        assertThat(web.command().length()).isLessThan(20_000);

        Map<String, Object> run = new LinkedHashMap<>(Map.of("name", "report.1" + CONTROLS, "startedAt", 1L,
                "outcome", "exited", "message", BIDI + huge));
        Map<String, Object> job = new LinkedHashMap<>(Map.of("type", "report", "schedule", CONTROLS + huge));
        job.put("lastRun", run);
        job.put("running", new ArrayList<Object>(List.of(BIDI)));
        JobWire.Job j = JobWire.read(ControlJson.parseObject(ControlJson.write(job)));
        assertThat(plain(j.status().schedule()) && j.status().schedule().length() < 20_000).isTrue();
        assertThat(plain(j.status().lastRun().name())).isTrue();
        assertThat(plain(j.status().lastRun().message()) && j.status().lastRun().message().length() < 20_000).isTrue();
        assertThat(j.status().running()).allMatch(AttachedRunHostileTest::plain);
    }

    @Test
    void aLogLineNamesAnInstanceWithoutControlCharactersOrEndlessLength() {
        LogBatch b = LogWire.read(ControlJson.parseObject(ControlJson.write(Map.of("t", 1L, "i", "web.1\r\n" + BIDI + "y".repeat(100_000),
                "s", "out", "x", "hello"))), 0);
        assertThat(plain(b.instance())).isTrue();
        assertThat(b.instance().length()).isLessThan(1000);
        LogBatch noName = LogWire.read(ControlJson.parseObject("{\"t\":1,\"s\":\"out\",\"x\":\"hello\"}"), 0);
        assertThat(noName.instance()).isNotEqualTo("null");
    }

    @Test
    void absurdNumbersAreNotWrappedIntoPlausibleOnes() {
        Map<String, Object> i = HostileServer.instance("web.1", "up");
        i.put("port", 4_294_972_296L); // 2^32 + 5000: (int) gives 5000
        i.put("restarts", -7L);
        InstanceSnapshot s = InstanceWire.read(ControlJson.parseObject(ControlJson.write(i)));
        assertThat(s.port()).isNotEqualTo(5000);
        assertThat(s.restarts()).isGreaterThanOrEqualTo(0);
        Map<String, Object> answer = psWith(HostileServer.instance("web.1", "up"));
        answer.put("formation", new LinkedHashMap<>(Map.of("web", 4_294_967_298L))); // (int) gives 2
        assertThat(AttachedRun.parseStatus(answer).formation().getOrDefault("web", 0)).isNotEqualTo(2);
    }

    /** A hello whose root is no path (a NUL in it): the CLI and the dialog expect an IOException, not a crash. */
    @Test
    void aHelloWithARootThatIsNoPathIsAnIOExceptionNotARuntimeOne() throws Exception {
        server = new HostileServer(dir.resolve("c.sock"), (request, out) -> {
            Map<String, Object> hello = HostileServer.hello(777);
            hello.put("root", "/srv/a\u0000b");
            hello.put("app", "ev\u202eil\n");
            HostileServer.send(out, hello);
        });
        try {
            ControlClient.Target t = ControlClient.at(server.socket());
            assertThat(plain(t.app())).isTrue();
            assertThat(plain(t.root().toString())).isTrue();
        } catch (IOException e) {
            // fine: a clear refusal
        }
    }

    /** A ps that never comes: close() returns at once and the poller gets EndedException("detached"). */
    @Test
    void closeHangsUpOnAStalledPsWithoutWaitingForIt() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        server = HostileServer.stallingPs(dir.resolve("c.sock"), never);
        AttachedRun run = AttachedRun.open(server.socket());
        AtomicReference<Throwable> polled = new AtomicReference<>();
        Thread poller = new Thread(() -> {
            try {
                run.status();
            } catch (Throwable e) {
                polled.set(e);
            }
        });
        poller.start();
        Await.until(Duration.ofSeconds(10), () -> server.connections.get() >= 2, "the ps connection"); // hello + ps
        Thread closer = new Thread(run::close);
        closer.start();
        closer.join(5_000);
        assertThat(closer.isAlive()).as("close() waits for the stalled ps").isFalse();
        poller.join(5_000);
        assertThat(poller.isAlive()).isFalse();
        assertThat(polled.get()).isInstanceOf(AttachedRun.EndedException.class).hasMessage("detached");
        never.countDown();
    }

    /**
     * A ps that times out is not tried again on a new connection: a procdeck that did not answer within the
     * timeout would not answer the retry, and the dashboard's attach (on its single io thread) waited 30 s.
     */
    @Test
    void aPsThatTimesOutIsNotRetried() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        server = HostileServer.stallingPs(dir.resolve("c.sock"), never);
        try (AttachedRun run = AttachedRun.open(server.socket())) {
            assertThatThrownBy(run::status).isInstanceOf(AttachedRun.EndedException.class)
                    .hasMessageContaining("cannot be reached");
            assertThat(server.connections.get()).as("hello, one ps, no retry").isEqualTo(2);
        } finally {
            never.countDown();
        }
    }

    /** A server that sends a line without end (no newline, ever): the follower ends with a reason, bounded. */
    @Test
    void aLogStreamThatNeverEndsItsLineEndsTheFollowerWithAReason() throws Exception {
        server = new HostileServer(dir.resolve("c.sock"), (request, out) -> {
            switch (String.valueOf(request.get("op"))) {
                case "logs" -> {
                    HostileServer.send(out, Map.of("v", 2L, "ok", true));
                    byte[] chunk = "z".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
                    for (int k = 0; k < 200; k++) { // 12.5 MiB, no newline
                        out.write(chunk);
                    }
                    out.flush();
                    Thread.sleep(60_000);
                }
                default -> HostileServer.send(out, HostileServer.hello(777));
            }
        });
        AttachedRun run = AttachedRun.open(server.socket());
        List<LogBatch> lines = new CopyOnWriteArrayList<>();
        AtomicReference<String> ended = new AtomicReference<>();
        run.follow(10, lines::add, ended::set);
        Await.until(Duration.ofSeconds(20), () -> ended.get() != null, "the follower ended");
        assertThat(ended.get()).contains("longer than");
        assertThat(lines).isEmpty();
        run.close();
    }

    /** A server that closes in the middle of a ps answer: the run ends with a reason, it does not hang. */
    @Test
    void aServerClosingMidLineEndsTheRun() throws Exception {
        server = new HostileServer(dir.resolve("c.sock"), (request, out) -> {
            if ("ps".equals(request.get("op"))) {
                HostileServer.sendRaw(out, "{\"v\":1,\"ok\":true,\"instances\":[{\"name\":\"web.1\"");
                throw new IOException("hang up");
            }
            HostileServer.send(out, HostileServer.hello(777));
        });
        AttachedRun run = AttachedRun.open(server.socket());
        assertThatThrownBy(run::status).isInstanceOf(AttachedRun.EndedException.class)
                .hasMessageContaining("stopped");
        run.close();
    }

    /** Thousands of types and instances in one ps: kept to what one procdeck can have. */
    @Test
    void aPsOfThousandsOfTypesAndInstancesIsCut() {
        Map<String, Object> answer = HostileServer.hello(777);
        List<Object> types = new ArrayList<>();
        List<Object> instances = new ArrayList<>();
        for (int k = 0; k < 20_000; k++) {
            types.add(new LinkedHashMap<>(Map.of("name", "t" + k, "command", "x")));
            instances.add(HostileServer.instance("t" + (k % 600) + "." + (k / 600 + 1), "up"));
        }
        answer.put("types", types);
        answer.put("instances", instances);
        AttachedRun.Status s = AttachedRun.parseStatus(ControlJson.parseObject(ControlJson.write(answer)));
        assertThat(s.types()).hasSize(AttachedRun.MAX_TYPES);
        assertThat(s.instances().size()).isLessThanOrEqualTo(AttachedRun.MAX_INSTANCES);
    }
}
