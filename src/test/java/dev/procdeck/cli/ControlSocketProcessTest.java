package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.runtime.ControlProtocol;
import dev.procdeck.runtime.StateFolder;
import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcdeckProcess;
import dev.procdeck.testing.ProcessProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket of a real {@code procdeck start} under hostile use. */
class ControlSocketProcessTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();
    private final List<Process> started = new ArrayList<>();

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

    private record Result(int code, String out) {
    }

    private Result verb(String... args) throws Exception {
        Process p = ProcdeckProcess.builder(dir, probe, args).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), said);
    }

    private static long openDescriptors(Path fds) {
        try (var list = Files.list(fds)) {
            return list.count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void runningOutOfDescriptorsForAWhileNeverLeavesTheControlSocketDeadForTheRestOfTheRun() throws Exception {
        int base;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            base = s.getLocalPort() > 60000 ? s.getLocalPort() - 10000 : s.getLocalPort();
        }
        Files.writeString(dir.resolve("Procfile"), "web: exec python3 -m http.server $PORT --bind 127.0.0.1\n");
        // 150 descriptors, and room for far more control clients than that (each holds a socket and two
        // selectors). An accept that failed for want of a descriptor ended the accept loop for good.
        ProcessBuilder pb = ProcdeckProcess.builder(dir, probe, "start", "-p", String.valueOf(base), "--no-color")
                .redirectErrorStream(true);
        List<String> command = new ArrayList<>(List.of("sh", "-c", "ulimit -n 150 && exec \"$@\"", "sh"));
        command.addAll(pb.command());
        pb.command(command);
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Dprocdeck.control.maxClients=1000");
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
                // ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Path socket = ControlProtocol.socketPath(StateFolder.of(dir, System.getenv()));
        Await.until(DEADLINE, () -> out.toString().contains("router: http://localhost:" + base)
                && Files.exists(socket, LinkOption.NOFOLLOW_LINKS), () -> "the run to start; output:\n" + out);

        Path fds = Path.of("/proc", String.valueOf(p.pid()), "fd"); // sh exec'd java: the same pid
        List<java.io.Closeable> held = new ArrayList<>();
        try {
            // Control clients take descriptors five at a time, until a sixth client finds too few for its selectors
            // (it is turned away); router connections then take the last ones one at a time.
            for (int i = 0; i < 40; i++) {
                held.add(SocketChannel.open(UnixDomainSocketAddress.of(socket))); // the backlog has room for 1000
            }
            Await.until(DEADLINE, () -> openDescriptors(fds) >= 145,
                    () -> "control clients to take procdeck's descriptors (" + openDescriptors(fds) + " of 150)");
            for (int i = 0; i < 10 && openDescriptors(fds) < 150; i++) {
                long before = openDescriptors(fds);
                held.add(new java.net.Socket("127.0.0.1", base));
                Await.until(DEADLINE, () -> openDescriptors(fds) > before,
                        () -> "the router to accept (" + openDescriptors(fds) + " descriptors)");
            }
            assertThat(openDescriptors(fds)).as("every descriptor taken").isEqualTo(150);
            // Now accepting itself fails.
            held.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            Await.until(DEADLINE, () -> out.toString().contains("the control socket cannot accept a connection now")
                            || out.toString().contains("stopped accepting"),
                    () -> "an accept to fail; output:\n" + out);
        } finally {
            for (java.io.Closeable c : held) {
                c.close();
            }
        }
        // Once the clients are gone, ps reaches the run again.
        List<Result> tries = new ArrayList<>();
        Await.until(DEADLINE, () -> {
            try {
                Result ps = verb("ps");
                tries.add(ps);
                return ps.code() == 0 && ps.out().contains("web.1");
            } catch (Exception e) {
                return false;
            }
        }, () -> "procdeck ps to answer after the clients left; it said " + tries + "; output:\n" + out);
    }
}
