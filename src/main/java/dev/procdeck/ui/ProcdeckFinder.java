package dev.procdeck.ui;

import dev.procdeck.runtime.AttachedApp;
import dev.procdeck.runtime.ControlClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * File › Attach…'s reach: the procdecks this user runs, and a connection to one. Each on a thread of its own,
 * not the io executor: a procdeck that accepts and then stalls (up to 5 s a socket) must not hold up opening a
 * folder meanwhile.
 */
final class ProcdeckFinder {
    private ProcdeckFinder() {
    }

    /**
     * Attaches to the procdeck answering on {@code socket}; fails with the reason, also when that is the
     * window's {@code own} socket. Completes on the connecting thread.
     */
    static CompletableFuture<AttachedApp> connect(Path socket, Optional<Path> own, Clock clock) {
        CompletableFuture<AttachedApp> done = new CompletableFuture<>();
        Thread connecting = new Thread(() -> {
            AttachedApp app;
            try {
                app = AttachedApp.open(socket, clock);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (own.filter(o -> sameFile(o, app.target().socket())).isPresent()) {
                app.close();
                done.completeExceptionally(new IOException("that is this window's own procdeck"));
                return;
            }
            done.complete(app);
        }, "procdeck-attach");
        connecting.setDaemon(true);
        connecting.start();
        return done;
    }

    /** The procdecks this user runs, found in the state folders, but the one on {@code own}. */
    static CompletableFuture<List<ControlClient.Target>> running(Map<String, String> env, Optional<Path> own) {
        CompletableFuture<List<ControlClient.Target>> found = new CompletableFuture<>();
        Thread looking = new Thread(() -> {
            try {
                found.complete(ControlClient.running(env).stream()
                        .filter(t -> own.filter(o -> sameFile(o, t.socket())).isEmpty()).toList());
            } catch (RuntimeException e) {
                found.completeExceptionally(e);
            }
        }, "procdeck-find-running");
        looking.setDaemon(true);
        looking.start();
        return found;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return a.equals(b) || Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
