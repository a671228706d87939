package dev.procdeck.supervisor;

import java.io.InputStream;
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
}
