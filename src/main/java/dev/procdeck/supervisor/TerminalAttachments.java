package dev.procdeck.supervisor;

import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogListener;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link TerminalAccess} over the supervisor's terminals: input goes straight to the instance's pty; what it
 * prints is taken from the log bus, as the cleaned lines everyone else sees (a connected client gets the same
 * text as the console, with CR LF line ends for a terminal in raw mode). A prompt without a newline shows once
 * its line ends, because the reader hands over whole lines only.
 */
final class TerminalAttachments implements TerminalAccess {
    private final LogBus bus;
    private final java.util.function.Function<InstanceId, Optional<InstanceTerminal>> terminals;

    TerminalAttachments(LogBus bus, java.util.function.Function<InstanceId, Optional<InstanceTerminal>> terminals) {
        this.bus = bus;
        this.terminals = terminals;
    }

    @Override
    public Optional<Attachment> attach(InstanceId id, Consumer<byte[]> output) {
        Optional<InstanceTerminal> found = terminals.apply(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        InstanceTerminal terminal = found.get();
        String name = id.name();
        LogListener listener = batch -> {
            if (!batch.isEvent() && batch.instance().equals(name)) {
                output.accept(withCarriageReturns(batch.bytes()));
            }
        };
        bus.addListener(listener);
        return Optional.of(new Attachment() {
            @Override
            public void input(byte[] bytes) {
                if (!ended()) {
                    terminal.write(bytes); // never into the pty of a run that is over
                }
            }

            @Override
            public boolean ended() {
                return terminals.apply(id).map(now -> now != terminal).orElse(true);
            }

            @Override
            public void resize(int columns, int rows) {
                terminal.resize(columns, rows);
            }

            @Override
            public void close() {
                bus.removeListener(listener);
            }
        });
    }

    static byte[] withCarriageReturns(byte[] lines) {
        int newlines = 0;
        for (byte b : lines) {
            if (b == '\n') {
                newlines++;
            }
        }
        byte[] out = new byte[lines.length + newlines];
        int j = 0;
        for (byte b : lines) {
            if (b == '\n') {
                out[j++] = '\r';
            }
            out[j++] = b;
        }
        return out;
    }
}
