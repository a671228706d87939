package dev.procdeck.ui;

import dev.procdeck.supervisor.InstanceTerminal;
import java.nio.charset.StandardCharsets;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The model of a {@link TerminalInputBar}: what is typed for one {@code tty: true} instance, and its terminal's
 * state. Lives on the FX thread. The terminal queues input itself, so nothing here waits for the program;
 * {@link #refresh()} reads the terminal's modes, a non-blocking ioctl.
 */
public final class TerminalInputViewModel {
    /** Shown beside the input: on a terminal the program's stdout and stderr arrive as one stream. */
    public static final String ONE_STREAM_NOTICE = "stdout and stderr are one stream (terminal)";
    static final String NOT_TAKEN = "input not sent: the program has not read the earlier input yet";
    static final String CLOSED = "the terminal is closed: the process is no longer running";

    private final InstanceTerminal terminal;
    private final StringProperty input = new SimpleStringProperty(this, "input", "");
    private final ReadOnlyBooleanWrapper masked = new ReadOnlyBooleanWrapper(this, "masked");
    private final ReadOnlyBooleanWrapper open = new ReadOnlyBooleanWrapper(this, "open");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");

    public TerminalInputViewModel(InstanceTerminal terminal) {
        this.terminal = terminal;
        refresh();
    }

    /** The line being typed. */
    public StringProperty input() {
        return input;
    }

    /** True while the program switched echo off (a password prompt): the field hides what is typed. */
    public ReadOnlyBooleanProperty masked() {
        return masked.getReadOnlyProperty();
    }

    /** False once the run is over: nothing can be sent any more. */
    public ReadOnlyBooleanProperty open() {
        return open.getReadOnlyProperty();
    }

    /** Why the last input was not sent, or empty. */
    public ReadOnlyStringProperty status() {
        return status.getReadOnlyProperty();
    }

    /** Sends the typed line with a newline, as Enter does, and clears the field; kept when it could not be sent. */
    public void send() {
        if (outcome(terminal.write((input.get() + "\n").getBytes(StandardCharsets.UTF_8)))) {
            input.set("");
        }
    }

    /** Ctrl+C: SIGINT to the program's foreground process group (through the terminal). */
    public void interrupt() {
        outcome(terminal.interrupt());
    }

    /** Ctrl+D: end of input for a program reading a line (typed text on the line is sent first, as is). */
    public void endOfInput() {
        outcome(terminal.eof());
    }

    /** The console's text area changed size: the program's window follows (it gets SIGWINCH). */
    public void consoleResized(int columns, int rows) {
        terminal.resize(columns, rows);
    }

    /** Reads the terminal's state again: echo (masking) and whether it is still open. Called periodically. */
    public void refresh() {
        boolean isOpen = terminal.isOpen();
        open.set(isOpen);
        masked.set(isOpen && !terminal.echoEnabled());
        if (!isOpen) {
            status.set(CLOSED);
        }
    }

    private boolean outcome(boolean sent) {
        refresh();
        if (sent) {
            status.set("");
        } else if (open.get()) {
            status.set(NOT_TAKEN);
        }
        return sent;
    }
}
