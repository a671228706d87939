package dev.procdeck.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A control socket that speaks just enough of the protocol to be attached to, answering each request as the test
 * says: a stand-in for a buggy or hostile procdeck (or whatever sits behind an SSH-forwarded socket).
 */
public final class HostileServer implements AutoCloseable {
    /** Answers one request on one connection; may write anything (or nothing, or stall). */
    public interface Handler {
        void answer(Map<String, Object> request, OutputStream out) throws IOException, InterruptedException;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger psAnswered = new AtomicInteger();
    private volatile Handler handler;

    public HostileServer(Path socket, Handler handler) throws IOException {
        this.socket = socket;
        this.handler = handler;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::acceptLoop, "hostile-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A procdeck (pid 777) that answers hello and then no ps at all until {@code released} counts down. */
    public static HostileServer stallingPs(Path socket, java.util.concurrent.CountDownLatch released)
            throws IOException {
        return new HostileServer(socket, (request, out) -> {
            if ("ps".equals(request.get("op"))) {
                released.await();
            } else {
                send(out, hello(777));
            }
        });
    }

    public Path socket() {
        return socket;
    }

    public void setHandler(Handler h) {
        handler = h;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                clients.add(c);
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(c), "hostile-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(c);
            String line;
            while ((line = in.readLine()) != null) {
                Map<String, Object> request = ControlJson.parseObject(line);
                handler.answer(request, out);
                if ("ps".equals(request.get("op"))) {
                    psAnswered.incrementAndGet();
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client hung up, or the test closed us
        }
    }

    /** Writes one JSON object as a line. */
    public static void send(OutputStream out, Map<String, Object> message) throws IOException {
        out.write((ControlJson.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public static void sendRaw(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A hello answer of a procdeck with pid {@code pid}. */
    /** A plausible instance of a {@code ps} answer, for a test to spoil one field of. */
    public static Map<String, Object> instance(String name, String state) {
        Map<String, Object> i = new java.util.LinkedHashMap<>();
        i.put("name", name);
        i.put("type", name.substring(0, name.indexOf('.')));
        i.put("state", state);
        i.put("pid", 4242L);
        i.put("port", 5000L);
        i.put("restarts", 0L);
        i.put("message", "up");
        return i;
    }

    public static Map<String, Object> hello(long pid) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("v", 2L);
        m.put("ok", true);
        m.put("app", "evil");
        m.put("root", "/srv/evil");
        m.put("pid", pid);
        m.put("socket", "/x.sock");
        m.put("formation", new java.util.LinkedHashMap<>(Map.of("web", 1L)));
        return m;
    }

    public int openClients() {
        return (int) clients.stream().filter(SocketChannel::isOpen).count();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel c : clients) {
            c.close();
        }
        Files.deleteIfExists(socket);
    }
}
