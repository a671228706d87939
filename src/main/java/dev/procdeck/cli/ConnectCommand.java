package dev.procdeck.cli;

import dev.procdeck.os.Terminal;
import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlMessages;
import dev.procdeck.supervisor.InstanceId;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code procdeck connect web.1}: types into and reads the terminal of a tty instance; Ctrl+\ detaches. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Attaches this terminal to a running instance that has one (tty: true in procdeck.yml).",
            "Ctrl+\\ detaches; the instance keeps running."})
final class ConnectCommand extends ControlCommand {
    /** Ctrl+\ (FS, 0x1c): in raw mode it reaches us instead of sending SIGQUIT. */
    static final byte DETACH = 0x1c;

    @Parameters(paramLabel = "INSTANCE", description = "the instance to attach to, e.g. web.1 (or its type, when"
            + " one instance of it runs)")
    String instance;

    @Override
    void validate() {
        if (!dev.procdeck.procfile.ProcfileParser.isTypeName(instance)) {
            InstanceId.parse(instance); // a type with one instance running will do too
        }
    }

    @Override
    int run(ControlClient.Target target) throws IOException {
        try (ControlClient client = ControlClient.connect(target.socket())) {
            if (client.call(new ControlMessages.Connect(instance)).get("instance") instanceof String chosen) {
                instance = dev.procdeck.procfile.Visible.escape(chosen);
            }
            boolean tty = Terminal.stdinIsTerminal();
            String saved = tty ? stty("-g").trim() : null;
            err.println("procdeck: attached to " + instance + "; Ctrl+\\ detaches");
            if (tty) {
                stty("raw", "-echo");
                sendSize(client);
            }
            Thread output = new Thread(() -> pump(client), "procdeck-connect-output");
            output.setDaemon(true);
            output.start();
            try {
                InputStream in = System.in;
                byte[] buf = new byte[4096];
                int n;
                boolean detached = false;
                while ((n = in.read(buf)) > 0 && output.isAlive()) {
                    int detach = indexOf(buf, n, DETACH);
                    if (detach >= 0) {
                        if (detach > 0) {
                            send(client, Arrays.copyOf(buf, detach));
                        }
                        client.send(new ControlMessages.Detach());
                        detached = true;
                        break;
                    }
                    send(client, Arrays.copyOf(buf, n));
                }
                if (!detached) {
                    // Input ended (printf 'x\n' | procdeck connect t.1): the answer is still on its way; show it
                    // until the terminal has been quiet a moment, as a user at the keyboard would wait.
                    awaitQuiet(output);
                }
            } finally {
                if (saved != null) {
                    stty(saved);
                }
            }
            err.println();
            err.println("procdeck: detached from " + instance + " (it keeps running)");
            return 0;
        }
    }

    /** Output after piped input ends is shown until none came for this long (or at most {@link #DRAIN_MAX}). */
    static final long QUIET_NANOS = 1_000_000_000L;
    static final long DRAIN_MAX = 10_000_000_000L;

    private volatile long lastOutputNanos = System.nanoTime();

    private void awaitQuiet(Thread output) {
        lastOutputNanos = System.nanoTime();
        long end = System.nanoTime() + DRAIN_MAX;
        try {
            while (output.isAlive() && System.nanoTime() < end) {
                long quietFor = System.nanoTime() - lastOutputNanos;
                if (quietFor >= QUIET_NANOS) {
                    return;
                }
                output.join(Math.max(1, (QUIET_NANOS - quietFor) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int indexOf(byte[] b, int n, byte x) {
        for (int i = 0; i < n; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static void send(ControlClient client, byte[] bytes) throws IOException {
        client.send(new ControlMessages.Input(Base64.getEncoder().encodeToString(bytes)));
    }

    private void sendSize(ControlClient client) throws IOException {
        String[] size = stty("size").trim().split("\\s+");
        if (size.length == 2) {
            try {
                client.send(new ControlMessages.Resize(Long.parseLong(size[1]), Long.parseLong(size[0])));
            } catch (NumberFormatException e) {
                // Unknown size: the instance keeps its own.
            }
        }
    }

    private void pump(ControlClient client) {
        try {
            Map<String, Object> m;
            while ((m = client.next(null)) != null) {
                if (m.get("out") instanceof String data) {
                    out.write(Base64.getDecoder().decode(data));
                    out.flush();
                    lastOutputNanos = System.nanoTime();
                } else if (Boolean.TRUE.equals(m.get("end"))) {
                    Object reason = m.get("reason");
                    err.print("\r\nprocdeck: " + (reason == null ? "the terminal closed" : reason) + "\r\n");
                    return;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // Connection gone: the input loop notices.
        }
    }

    /** Runs stty on our terminal (stdin), returning its output. */
    private static String stty(String... args) throws IOException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty")).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
