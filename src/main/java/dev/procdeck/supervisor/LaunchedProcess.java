package dev.procdeck.supervisor;

import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A launched child that leads its own process group. Signals go to the group through {@link ProcessGroups}
 * (one place, the {@link Terminator}), never to the process alone.
 */
public interface LaunchedProcess {

    /** The process id, which is also its process group id. */
    long pid();

    /** Its standard output, or null when nothing is to be read (fakes). */
    InputStream stdout();

    /** Its standard error, or null when nothing is to be read (fakes). */
    InputStream stderr();

    /** Completes when the group leader has exited and been reaped. */
    CompletableFuture<ExitStatus> onExit();

    /** The pseudo-terminal the process runs in, for input and window size; empty for piped processes. */
    default Optional<InstanceTerminal> terminal() {
        return Optional.empty();
    }

    /**
     * Frees what the process held beyond its pipes (a terminal's master side), once its group is gone and its
     * output read. Called once; later input to its {@link #terminal()} fails.
     */
    default void release() {
    }
}
