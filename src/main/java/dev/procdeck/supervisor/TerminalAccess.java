package dev.procdeck.supervisor;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Attaching to the terminal of an instance that runs in one ({@code tty: true} in procdeck.yml), for
 * {@code procdeck connect}. The engine implements it once instances can run in a pseudo-terminal; until then
 * {@link #NONE} has no terminal to offer.
 */
@FunctionalInterface
public interface TerminalAccess {
    TerminalAccess NONE = (id, output) -> Optional.empty();

    /**
     * Attaches to the terminal of {@code id}: from now on what the instance writes is handed to {@code output}
     * (on the engine's reader thread; it must return at once, never wait for a client). Empty when the
     * instance has no terminal (not a tty type, or not running).
     */
    Optional<Attachment> attach(InstanceId id, Consumer<byte[]> output);

    /** One client attached to one terminal. Input goes to the instance as if typed; closing detaches. */
    interface Attachment extends AutoCloseable {
        /** Bytes typed by the client. May wait briefly for the pty, never for a client. */
        void input(byte[] bytes);

        /** The client's window size changed. */
        void resize(int columns, int rows);

        /**
         * Whether the run attached to is over: its terminal is gone (the instance stopped, or runs again with a new
         * one). Input then goes nowhere; the client is to be told and detached, and attaches again when it asks.
         */
        default boolean ended() {
            return false;
        }

        /** Detaches; the instance keeps running. */
        @Override
        void close();
    }
}
