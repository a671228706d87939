package dev.procdeck.supervisor;

import dev.procdeck.os.Signal;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/** A launched child that leads its own process group, so that signals reach everything it started. */
public interface LaunchedProcess {

    long pid();

    InputStream stdout();

    InputStream stderr();

    /** Completes when the group leader exits. */
    CompletableFuture<ExitStatus> onExit();

    /** Sends a signal to the whole process group; quietly does nothing when the group is gone. */
    void signalGroup(Signal signal);

    /** True while any process of the group is alive (the leader may be gone). */
    boolean groupAlive();
}
