package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlMessages;
import dev.procdeck.runtime.ControlProtocol;
import dev.procdeck.runtime.ControlJson;
import dev.procdeck.runtime.StateFolder;
import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcdeckProcess;
import dev.procdeck.testing.ProcessProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code procdeck ps, scale, restart, stop, ps:start, logs} against a real {@code procdeck start} in another
 * JVM, as a user types them in a second terminal: each command is its own process too.
 */
class DrivingARunningAppTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();
    private final List<Process> started = new ArrayList<>();

    record Result(int code, String out, String err) {
    }

    /** A process whose output is collected as it comes. */
    record Running(Process process, StringBuffer out) {
    }

    /** As bin/procdeck runs the headless commands: a short-lived JVM that starts fast. */
    private ProcessBuilder builder(String... args) {
        ProcessBuilder pb = ProcdeckProcess.builder(dir, probe, args);
        pb.command().addAll(1, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        return pb;
    }

    /**
     * The base port of this test's runs: one nobody holds, so that the router listens on it for sure (on 5000 it
     * may or may not, as another program may hold it) and the instances' ports are known.
     */
    private final int base = dev.procdeck.os.PortCheck.freePort();

    /** The router starts on a thread of its own: ps names it once it listens. */
    private void awaitRouter(Running start) {
        Await.until(DEADLINE, () -> start.out().toString().contains("router: http://localhost:" + base),
                () -> "the router to listen; output: " + start.out());
    }

    private Running launch(Map<String, String> env, String... args) throws IOException {
        if (args[0].equals("start")) {
            List<String> withPort = new ArrayList<>(List.of(args));
            withPort.addAll(1, List.of("-p", String.valueOf(base)));
            args = withPort.toArray(String[]::new);
        }
        ProcessBuilder pb = builder(args).redirectErrorStream(true);
        if (args[0].equals("connect")) {
            pb.redirectInput(ProcessBuilder.Redirect.PIPE); // the test types into it
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // Ended.
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new Running(p, out);
    }

    private Result run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = builder(args);
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("procdeck " + String.join(" ", args) + " ended").isTrue();
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : started) {
            p.destroy(); // SIGTERM: procdeck stops its processes gracefully
        }
        for (Process p : started) {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    /**
     * The instances procdeck reports, by name; empty while none answers. Asked in-process (a JVM per poll would
     * make the test slow); `ps --json` itself is checked once below.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> instances() throws Exception {
        Map<String, Object> answer;
        try (ControlClient c = ControlClient.connect(ControlProtocol.socketPath(StateFolder.of(dir, System.getenv())))) {
            answer = c.call(new ControlMessages.Ps());
        } catch (IOException e) {
            return Map.of();
        }
        Map<String, Map<String, Object>> byName = new java.util.TreeMap<>();
        for (Object o : (List<Object>) answer.get("instances")) {
            Map<String, Object> i = (Map<String, Object>) o;
            byName.put((String) i.get("name"), i);
        }
        return byName;
    }

    private Map<String, Map<String, Object>> awaitInstances(String what,
            java.util.function.Predicate<Map<String, Map<String, Object>>> condition) {
        Object[] last = new Object[1];
        Await.until(DEADLINE, () -> {
            try {
                Map<String, Map<String, Object>> now = instances();
                last[0] = now;
                return condition.test(now);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, () -> what + "; last ps: " + last[0]);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> result = (Map<String, Map<String, Object>>) last[0];
        return result;
    }

    private static String state(Map<String, Map<String, Object>> ps, String name) {
        return Optional.ofNullable(ps.get(name)).map(i -> (String) i.get("state")).orElse("absent");
    }

    private void procfile(String text) throws IOException {
        Files.writeString(dir.resolve("Procfile"), text);
    }

    @Test
    void psScaleRestartStopAndStartDriveTheRunningFormation() throws Exception {
        procfile("web: echo up $PORT; exec sleep 1000\nworker: exec sleep 1000\n");
        Running start = launch(Map.of(), "start", "--no-timestamp", "--no-color");
        awaitInstances("web.1 and worker.1 up", ps -> state(ps, "web.1").equals("up") && state(ps, "worker.1").equals("up"));
        awaitRouter(start);

        Result json = run("ps", "--json");
        assertThat(json.code()).isZero();
        assertThat(ControlJson.parseObject(json.out().strip())).containsEntry("formation", Map.of("web", 1L, "worker", 1L))
                .containsKey("instances").doesNotContainKey("ok");

        Result table = run("ps");
        assertThat(table.code()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).startsWith("=== " + dir.getFileName() + " (" + dir.toRealPath() + "), procdeck pid ")
                .endsWith("formation web=1 worker=1");
        assertThat(lines.get(1)).matches("router http://localhost:" + base + " \u2192 web: \\d+\\.\\d req/s, .* \\(last 10 s\\)");
        assertThat(lines.get(2)).matches("NAME +STATE +PID +PORT +UPTIME +RESTARTS +LAST EXIT +CPU +MEM +REQ/S");
        assertThat(lines.get(3)).matches("web\\.1 +up +\\d+ +" + (base + 1) + " +\\d+s +0 +- +\\d+\\.\\d% +[\\d.]+ [KMG]iB +\\d+\\.\\d");
        assertThat(lines.get(4)).matches("worker\\.1 +up +\\d+ +" + (base + 100) + " .*");

        Result scale = run("scale", "web=2", "worker=0");
        assertThat(scale.code()).as(scale.err()).isZero();
        assertThat(scale.out()).isEqualTo("Scaling web processes... done, now running 2\n"
                + "Scaling worker processes... done, now running 0\n");
        awaitInstances("web=2 worker=0", ps -> ps.keySet().equals(java.util.Set.of("web.1", "web.2"))
                && state(ps, "web.2").equals("up"));

        long pid = (Long) instances().get("web.1").get("pid");
        assertThat(run("restart", "web.1").out()).isEqualTo("Restarting web.1... done\n");
        awaitInstances("web.1 running again with a new pid", ps -> state(ps, "web.1").equals("up")
                && !Long.valueOf(pid).equals(ps.get("web.1").get("pid")));

        assertThat(run("stop", "web.2").out()).isEqualTo("Stopping web.2... done\n");
        awaitInstances("web.2 stopped", ps -> state(ps, "web.2").equals("stopped") && ps.get("web.2").get("pid") == null);
        assertThat(run("ps:start", "web.2").out()).isEqualTo("Starting web.2... done\n");
        awaitInstances("web.2 up again", ps -> state(ps, "web.2").equals("up"));

        Result badCount = run("scale", "web=lots");
        assertThat(badCount.code()).isEqualTo(2);
        assertThat(badCount.err()).isEqualTo("procdeck: the count in 'web=lots' is not a whole number\n");
        Result badType = run("scale", "wrk=1");
        assertThat(badType.code()).isEqualTo(1);
        assertThat(badType.err()).isEqualTo("procdeck: unknown process type 'wrk'; the Procfile has web, worker\n");
        Result badInstance = run("restart", "web.9");
        assertThat(badInstance.err()).isEqualTo("procdeck: no instance web.9; web has web.1, web.2\n");

        // Scaling worker to 0 and stopping web.2 did not end the run; scaling everything down does not either.
        assertThat(run("scale", "web=0").code()).isZero();
        awaitInstances("nothing left", Map::isEmpty);
        assertThat(start.process().isAlive()).isTrue();
        assertThat(run("ps").out()).contains("no instances (scale one up with: procdeck scale TYPE=1)");

        start.process().destroy();
        assertThat(start.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path socket = ControlProtocol.socketPath(StateFolder.of(dir, System.getenv()));
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("socket removed at exit").isFalse();
        assertThat(start.out().toString()).contains("web.1 started").contains("worker.1 stopped");
    }

    @Test
    void logsPrintsRecentLinesThenFollowsNewOnesInStartsFormat() throws Exception {
        procfile("web: echo up $PORT; exec sleep 1000\nworker: echo working; exec sleep 1000\n");
        launch(Map.of(), "start", "--no-timestamp", "--no-color");
        awaitInstances("web.1 and worker.1 up", ps -> state(ps, "web.1").equals("up") && state(ps, "worker.1").equals("up"));
        // Output reaches the server a moment after the instance is up; each logs run is a JVM, so poll few times.
        Result recent = run("logs", "--no-timestamp", "--no-color");
        for (int i = 0; i < 10 && !recent.out().contains("working"); i++) {
            recent = run("logs", "--no-timestamp", "--no-color");
        }
        assertThat(recent.code()).isZero();
        assertThat(recent.out()).contains("web.1    | up " + (base + 1) + "\n").contains("worker.1 | working\n")
                .containsPattern("system +\\| web\\.1 started \\(pid \\d+, port " + (base + 1) + "\\)\n");
        Result timed = run("logs", "-n", "1", "--type", "worker", "--no-color");
        assertThat(timed.out()).matches("\\d\\d:\\d\\d:\\d\\d worker\\.1 \\| working\n");
        Result grep = run("logs", "--grep", "^up [0-9]+$", "--no-timestamp", "--no-color");
        assertThat(grep.out()).isEqualTo("web.1    | up " + (base + 1) + "\n");

        Running follow = launch(Map.of(), "logs", "-f", "-n", "1", "--instance", "web.1", "--no-timestamp", "--no-color");
        // The one recent line arrives once the stream is subscribed: from then on nothing is missed.
        Await.until(DEADLINE, () -> !follow.out().isEmpty(), "the recent line");
        int before = follow.out().length();
        assertThat(run("restart", "web").code()).isZero();
        // web is behind the router: its restart prebooted a replacement on the other half of its port block.
        Await.until(DEADLINE, () -> follow.out().substring(before).contains("web.1    | up " + (base + 51) + "\n"),
                () -> "web.1's line after its restart; got: " + follow.out());
        assertThat(follow.out().toString()).doesNotContain("worker");
        assertThat(follow.process().isAlive()).isTrue();
    }

    @Test
    void connectTypesIntoATtyInstanceAndDetachesLeavingItRunning() throws Exception {
        procfile("console: while read line; do echo \"got:$line\"; done\nweb: exec sleep 1000\n");
        Files.writeString(dir.resolve("procdeck.yml"), "types:\n  console:\n    tty: true\n");
        launch(Map.of(), "start", "--no-timestamp", "--no-color");
        awaitInstances("console.1 up", ps -> state(ps, "console.1").equals("up") && state(ps, "web.1").equals("up"));

        Result refused = run("connect", "web.1");
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("web.1 is not a tty instance; set tty: true for web in procdeck.yml");

        Running connect = launch(Map.of(), "connect", "console.1");
        Await.until(DEADLINE, () -> connect.out().toString().contains("attached to console.1"), "attached");
        connect.process().getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        connect.process().getOutputStream().flush();
        Await.until(DEADLINE, () -> connect.out().toString().contains("got:hello\r\n"),
                () -> "the instance's answer through the terminal; got: " + connect.out());
        connect.process().getOutputStream().write(0x1c); // Ctrl+backslash detaches
        connect.process().getOutputStream().flush();
        assertThat(connect.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.process().exitValue()).isZero();
        assertThat(connect.out().toString()).contains("detached from console.1 (it keeps running)");
        assertThat(state(instances(), "console.1")).isEqualTo("up");
    }

    @Test
    void connectWithPipedInputShowsTheAnswerBeforeItDetaches() throws Exception {
        procfile("console: while read line; do echo \"got:$line\"; done\n");
        Files.writeString(dir.resolve("procdeck.yml"), "types:\n  console:\n    tty: true\n");
        launch(Map.of(), "start", "--no-timestamp", "--no-color");
        awaitInstances("console.1 up", ps -> state(ps, "console.1").equals("up"));

        // printf 'hello\n' | procdeck connect console: the input ends at once, the answer comes after. The type's
        // name will do while one instance of it runs; the messages name that instance.
        Running connect = launch(Map.of(), "connect", "console");
        connect.process().getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        connect.process().getOutputStream().close();
        assertThat(connect.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.process().exitValue()).isZero();
        assertThat(connect.out().toString()).contains("got:hello").contains("detached from console.1");
        assertThat(state(instances(), "console.1")).isEqualTo("up");
    }

    @Test
    void psListsScheduledTypesWithTheirNextAndLastRunAfterTheInstances() throws Exception {
        procfile("web: exec sleep 1000\nreport: echo reported\n");
        Files.writeString(dir.resolve("procdeck.yml"), "types:\n  report:\n    schedule: every 1h\n");
        Running start = launch(Map.of(), "start", "--no-timestamp", "--no-color");
        awaitInstances("web.1 up", ps -> state(ps, "web.1").equals("up"));
        awaitRouter(start);
        Result ps = run("ps");
        assertThat(ps.code()).isZero();
        List<String> lines = ps.out().lines().toList();
        assertThat(lines.get(1)).startsWith("router http://localhost:" + base);
        assertThat(lines.get(2)).startsWith("NAME");
        assertThat(lines.get(3)).startsWith("web.1");
        assertThat(lines.get(4)).isEqualTo("=== scheduled (scale TYPE=0 pauses a schedule, TYPE=1 resumes it)");
        assertThat(lines.get(5)).startsWith("report: every 1h \u00b7 next ");
    }

    @Test
    void aSecondStartOfTheSameProjectRefusesAndPointsAtTheOneThatRuns() throws Exception {
        procfile("web: exec sleep 1000\n");
        Running first = launch(Map.of(), "start", "--no-timestamp", "--no-color");
        awaitInstances("web.1 up", ps -> state(ps, "web.1").equals("up"));
        Result second = run("start");
        assertThat(second.code()).isEqualTo(1);
        assertThat(second.err()).startsWith("procdeck: procdeck (pid " + first.process().pid() + ") already runs "
                + dir.toRealPath() + "; drive it with procdeck ps");
        assertThat(instances()).containsOnlyKeys("web.1"); // nothing of a second formation started
    }

    @Test
    void everyVerbSaysSoWhenNothingRuns() throws Exception {
        procfile("web: exec sleep 1000\n");
        String expected = "procdeck: no procdeck is running in " + dir.toRealPath() + " (start one with: procdeck start)\n";
        // Every verb finds the running procdeck through the same ControlCommand; a few stand for all.
        // attach says so before any window opens.
        for (String[] args : List.of(new String[] {"ps"}, new String[] {"scale", "web=2"}, new String[] {"logs", "-f"},
                new String[] {"attach"})) {
            Result r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args)).isEqualTo(expected);
        }
    }

    @Test
    void aStaleSocketIsNotTrustedAndTheNextStartReplacesIt() throws Exception {
        procfile("web: exec sleep 1000\n");
        StateFolder state = StateFolder.of(dir, System.getenv());
        state.prepare();
        Path socket = ControlProtocol.socketPath(state);
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // closed without removing the file, as by a SIGKILL
        }
        Result before = run("ps");
        assertThat(before.code()).isEqualTo(1);
        assertThat(before.err()).startsWith("procdeck: no procdeck is running in ");

        launch(Map.of(), "start");
        awaitInstances("web.1 up through the replaced socket", ps -> state(ps, "web.1").equals("up"));
        // As through an ssh -L forward: the socket named directly, whatever the working folder.
        Result named = run("ps", "--socket", socket.toString(), "--json");
        assertThat(named.code()).as(named.err()).isZero();
        assertThat(ControlJson.parseObject(named.out().strip())).containsEntry("socket", socket.toString());
    }

    @Test
    void tooLongAStatePathIsExplainedByStartAndByTheCommands() throws Exception {
        procfile("web: exec sleep 1000\n");
        Map<String, String> env = Map.of("XDG_STATE_HOME", dir.resolve("s".repeat(100)).toString());
        Running start = launch(env, "start", "--no-timestamp", "--no-color");
        Await.until(DEADLINE, () -> start.out().toString().contains("web.1 started"), () -> "start; got " + start.out());
        assertThat(start.out().toString()).contains("no control socket, procdeck ps/scale/logs cannot reach this run: "
                + "the control socket path ").contains("set XDG_STATE_HOME to a shorter folder");
        Result ps = run(env, "ps");
        assertThat(ps.code()).isEqualTo(1);
        assertThat(ps.err()).contains("no procdeck is running in").contains("more than the 107 a Unix socket allows");
    }
}
