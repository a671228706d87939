package dev.procdeck.cli;

/**
 * Handling of POSIX signals sent to procdeck itself. The JDK offers only shutdown hooks, which cannot tell
 * SIGINT from SIGTERM nor keep the JVM alive; sun.misc.Signal (jdk.unsupported) can, and is stable in practice.
 */
final class Signals {
    private Signals() {
    }

    static void ignore(String name) {
        handle(name, () -> { });
    }

    /** Runs {@code action} on a JVM signal thread each time the signal arrives. */
    static void handle(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
        } catch (IllegalArgumentException e) {
            // Signal unknown on this platform or reserved by the JVM: keep the default.
        }
    }
}
