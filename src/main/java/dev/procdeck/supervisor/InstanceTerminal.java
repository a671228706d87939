package dev.procdeck.supervisor;

/**
 * The pseudo-terminal of one running instance ({@code tty: true}), as a person at a terminal uses it: type a line,
 * press Ctrl+C or Ctrl+D, change the window size. What the program prints arrives on the log bus as its stdout
 * (stdout and stderr are one stream on a terminal). Obtained from {@link Supervisor#terminal(InstanceId)}; it
 * belongs to one run, so after a restart ask again.
 *
 * <p>Every method returns at once and may be called from any thread (the FX thread, a control socket):
 * input is queued and written to the terminal on a thread of its own, so a program that does not read its
 * input never blocks the caller. The queue has a byte budget.
 */
public interface InstanceTerminal {

    /**
     * Queues {@code bytes} as typed input (a line is its text plus {@code "\n"}); the terminal's line discipline
     * echoes and edits it as for a keyboard. False if the terminal is closed or the program has not read
     * {@link #INPUT_BUDGET_BYTES} of earlier input yet; nothing is written then.
     */
    boolean write(byte[] bytes);

    /**
     * Types the interrupt character (the terminal's VINTR, normally ^C): the line discipline sends SIGINT to the
     * terminal's foreground process group, as Ctrl+C does. A program that switched signals off (raw mode)
     * receives the character instead. False if the terminal is closed.
     */
    boolean interrupt();

    /**
     * Types the end-of-file character (VEOF, normally ^D): at the start of a line the program reads end of input;
     * after text on the line, that text is delivered without a newline. False if the terminal is closed.
     */
    boolean eof();

    /** Sets the window size; the program gets SIGWINCH. Ignored once the terminal is closed, and for sizes < 1. */
    void resize(int columns, int rows);

    /**
     * Whether the terminal echoes input now. False while a program reads a password: a UI should then mask what
     * is typed and not show it. True when the modes cannot be read.
     */
    boolean echoEnabled();

    /** False once the run is over and the terminal closed. */
    boolean isOpen();

    /** Input not yet taken by the terminal beyond which {@link #write} refuses more. */
    int INPUT_BUDGET_BYTES = 64 * 1024;
}
