package dev.procdeck.runtime;

import dev.procdeck.supervisor.InstanceTerminal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The terminal of a {@code tty: true} instance of an attached procdeck, reached through the control socket's
 * {@code connect}: what the dashboard's input bar types goes there as the local terminal's would. Its output
 * needs no reading here (it arrives with the followed log, as for a terminal of the window's own); the
 * stream's messages are read only to know the terminal's echo and when it ends.
 *
 * <p>Every method returns at once, from any thread: the connection is made and written on a thread of its own,
 * input waits in a queue within {@link #INPUT_BUDGET_BYTES}. Interrupt and end-of-file are typed as the usual
 * ^C and ^D (the remote terminal's own VINTR and VEOF are not known here).
 */
public final class RemoteTerminal implements InstanceTerminal, AutoCloseable {
    private static final ControlMessages.SessionMessage STOP = new ControlMessages.Detach();

    private final Path socket;
    private final String instance;
    private final long procdeckPid;
    private final LinkedBlockingQueue<ControlMessages.SessionMessage> outbox = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean open = true;
    private volatile boolean echo = true;
    private volatile ControlClient client;

    /** Connects in the background to {@code instance}'s terminal on the procdeck (pid {@code procdeckPid}) of {@code socket}. */
    public RemoteTerminal(Path socket, long procdeckPid, String instance) {
        this.socket = socket;
        this.procdeckPid = procdeckPid;
        this.instance = instance;
        Thread t = new Thread(this::run, "procdeck-remote-tty");
        t.setDaemon(true);
        t.start();
    }

    private void run() {
        try (ControlClient c = ControlClient.connect(socket)) {
            client = c;
            if (!open) {
                return;
            }
            Map<String, Object> hello = c.call(new ControlMessages.Hello());
            if (procdeckPid > 0 && hello.get("pid") instanceof Long p && p != procdeckPid) {
                return; // another procdeck answers there now: its instance of that name is not this one
            }
            c.call(new ControlMessages.Connect(instance));
            Thread reader = new Thread(() -> read(c), "procdeck-remote-tty-reader");
            reader.setDaemon(true);
            reader.start();
            while (open) {
                ControlMessages.SessionMessage message = outbox.take();
                if (message == STOP) {
                    break;
                }
                if (message instanceof ControlMessages.Input input) {
                    queuedBytes.addAndGet(-Base64.getDecoder().decode(input.data()).length);
                }
                c.send(message);
            }
            c.send(new ControlMessages.Detach());
        } catch (IOException | RuntimeException e) {
            // Refused (not running in a terminal any more), or the connection ended: the terminal is closed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open = false;
        }
    }

    /** Reads the stream for its echo state and its end; the output itself comes with the log. */
    private void read(ControlClient c) {
        try {
            while (open) {
                Map<String, Object> m = c.next(null);
                if (m == null || m.get("end") != null) {
                    break;
                }
                if (m.get("echo") instanceof Boolean e) {
                    echo = e;
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            close();
        }
    }

    @Override
    public boolean write(byte[] bytes) {
        if (!open || queuedBytes.get() + bytes.length > INPUT_BUDGET_BYTES) {
            return false;
        }
        queuedBytes.addAndGet(bytes.length);
        outbox.add(new ControlMessages.Input(Base64.getEncoder().encodeToString(bytes)));
        return true;
    }

    @Override
    public boolean interrupt() {
        return write(new byte[] {3});
    }

    @Override
    public boolean eof() {
        return write(new byte[] {4});
    }

    @Override
    public void resize(int columns, int rows) {
        if (open && columns >= 1 && rows >= 1 && outbox.size() < 1000) { // sizes pile up only while unconnected
            outbox.add(new ControlMessages.Resize((long) columns, (long) rows));
        }
    }

    @Override
    public boolean echoEnabled() {
        return echo;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Detaches; the instance keeps running. */
    @Override
    public void close() {
        open = false;
        outbox.add(STOP);
        ControlClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
