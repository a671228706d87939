package dev.procdeck.runtime;

import dev.procdeck.runtime.ControlMessages.ConnectAnswer;
import dev.procdeck.runtime.ControlMessages.End;
import dev.procdeck.runtime.ControlMessages.TerminalChunk;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceTerminal;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.TerminalAccess;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code connect}: a client attached to the terminal of a tty instance. Input, resizes and detach come in on the
 * client's thread; what the terminal writes goes out through a byte-bounded queue ({@link TerminalOutput}) on a
 * writer thread of its own, so the engine's pty reader never waits for a client.
 */
final class TerminalBridge {
    private static final int MAX_TERMINAL_BACKLOG = 1024 * 1024;

    private final Supervisor supervisor;
    private final ControlOperations operations;
    private volatile TerminalAccess terminals = TerminalAccess.NONE;

    TerminalBridge(Supervisor supervisor, ControlOperations operations) {
        this.supervisor = supervisor;
        this.operations = operations;
    }

    /** Lets {@code connect} reach the terminals of tty instances (the engine supplies it once it runs ptys). */
    void setTerminalAccess(TerminalAccess access) {
        this.terminals = access == null ? TerminalAccess.NONE : access;
    }

    /** Serves one {@code connect} request until the session ends; the connection ends with it (false). */
    boolean serve(ControlMessages.Connect request, LineChannel ch) throws IOException {
        String name = request.instance();
        if (name == null) {
            throw new IllegalArgumentException("connect needs \"instance\", e.g. web.1");
        }
        List<InstanceSnapshot> snapshots = supervisor.snapshots();
        List<InstanceSnapshot> ofType = snapshots.stream().filter(s -> s.id().type().equals(name)).toList();
        // "connect console" with one console running means console.1, as a person would expect.
        InstanceId id = ofType.size() == 1 ? ofType.get(0).id() : operations.instance(name, snapshots);
        if (!supervisor.project().config().type(id.type()).tty()) {
            throw new IllegalArgumentException(id.name() + " is not a tty instance; set tty: true for " + id.type()
                    + " in procdeck.yml");
        }
        TerminalOutput output = new TerminalOutput();
        Optional<TerminalAccess.Attachment> attached = terminals.attach(id, output::offer);
        if (attached.isEmpty()) {
            String state = snapshots.stream().filter(s -> s.id().equals(id)).findFirst()
                    .map(s -> s.state().label()).orElse("not running");
            throw new IllegalArgumentException(id.name() + " has no terminal to attach to: it is " + state
                    + " now; connect again once it is up");
        }
        try (TerminalAccess.Attachment attachment = attached.get()) {
            ControlSocket.reply(ch, new ConnectAnswer(ControlProtocol.VERSION, true, id.name())); // the one chosen
            // Each output chunk says whether the terminal echoes now: an attached dashboard masks input while a
            // program reads a password, as it does for a terminal of its own.
            BooleanSupplier echo = () -> supervisor.terminal(id).map(InstanceTerminal::echoEnabled).orElse(true);
            Supplier<String> ended = () -> attachment.ended() ? endReason(id) : null;
            Thread writer = new Thread(() -> output.pump(ch, echo, ended), "procdeck-control-tty");
            writer.setDaemon(true);
            writer.start();
            while (true) {
                String line;
                try {
                    line = ch.readLine(ControlProtocol.MAX_REQUEST_BYTES, null);
                } catch (LineChannel.LineTooLongException e) {
                    return false;
                }
                if (line == null) {
                    return false;
                }
                ObjectNode tree = ControlJson.parseTree(line); // malformed: ends the session (caught below)
                Class<? extends ControlMessages.SessionMessage> type =
                        ControlMessages.SESSION_OPS.get(tree.path("op").asString(""));
                if (type == null) {
                    continue; // unknown messages inside a session are ignored: a newer client may send more
                }
                ControlMessages.SessionMessage message;
                try {
                    message = ControlJson.read(tree, type, "connect");
                } catch (IllegalArgumentException e) {
                    continue; // a field of the wrong type types nothing ("data": null decodes to no bytes)
                }
                if (message instanceof ControlMessages.Input input) {
                    if (input.data() != null) {
                        attachment.input(Base64.getDecoder().decode(input.data()));
                    }
                } else if (message instanceof ControlMessages.Resize r) {
                    if (r.cols() != null && r.rows() != null) {
                        attachment.resize(r.cols().intValue(), r.rows().intValue());
                    }
                } else {
                    return false; // detach
                }
            }
        } catch (IllegalArgumentException e) {
            return false; // a malformed message inside the session ends it
        } finally {
            output.close();
        }
    }

    /** Why an attached run is over, for the client's last message. */
    private String endReason(InstanceId id) {
        String state = supervisor.snapshots().stream().filter(s -> s.id().equals(id)).findFirst()
                .map(s -> s.state().label()).orElse("gone");
        return id.name() + " ended (" + state + " now): its terminal is gone; connect again to attach to its next run";
    }

    /** What a terminal wrote, queued for one client within a byte budget; never makes the engine wait. */
    private static final class TerminalOutput {
        /** How often an idle terminal's echo is looked at (a non-blocking ioctl) for an attached client. */
        private static final long ECHO_POLL_MILLIS = 250;

        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private final AtomicLong queued = new AtomicLong();
        private boolean overflowed;
        private boolean done;

        synchronized void offer(byte[] bytes) {
            if (done || overflowed) {
                return;
            }
            if (queued.get() + bytes.length > MAX_TERMINAL_BACKLOG) {
                overflowed = true;
            } else {
                chunks.addLast(bytes.clone());
                queued.addAndGet(bytes.length);
            }
            notifyAll();
        }

        synchronized void close() {
            done = true;
            notifyAll();
        }

        /**
         * Sends what was queued, and the echo state when it changes, until the attachment ends. Writes happen
         * outside the lock: {@link #offer} (the engine's reader) never waits for a slow client.
         */
        void pump(LineChannel ch, BooleanSupplier echo, Supplier<String> ended) {
            boolean echoSent = true;
            try {
                while (true) {
                    byte[] next = null;
                    boolean fellBehind;
                    synchronized (this) {
                        if (chunks.isEmpty() && !done && !overflowed) {
                            wait(ECHO_POLL_MILLIS);
                        }
                        fellBehind = overflowed;
                        if (!fellBehind) {
                            if (done && chunks.isEmpty()) {
                                return;
                            }
                            if (!chunks.isEmpty()) {
                                next = chunks.removeFirst();
                                queued.addAndGet(-next.length);
                            }
                        }
                    }
                    if (fellBehind) {
                        ControlSocket.reply(ch, End.because("the client fell behind the terminal's output"));
                        ch.close();
                        return;
                    }
                    if (next == null) {
                        String why = ended.get();
                        if (why != null) { // everything the run printed is sent: now say it is over
                            ControlSocket.reply(ch, End.because(why));
                            ch.close();
                            return;
                        }
                    }
                    boolean now = echo.getAsBoolean();
                    if (next != null) {
                        echoSent = now;
                        ControlSocket.reply(ch, new TerminalChunk(Base64.getEncoder().encodeToString(next), now));
                    } else if (now != echoSent) {
                        // A program switched echo off (or on) without printing: say so at once.
                        echoSent = now;
                        ControlSocket.reply(ch, new TerminalChunk(null, now));
                    }
                }
            } catch (IOException | InterruptedException e) {
                ch.close();
            }
        }
    }
}
