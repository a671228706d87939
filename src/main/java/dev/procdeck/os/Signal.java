package dev.procdeck.os;

/** The signals procdeck sends, with their Linux numbers. */
public enum Signal {
    TERM(15), KILL(9), INT(2), HUP(1), QUIT(3);

    public final int number;

    Signal(int number) {
        this.number = number;
    }
}
