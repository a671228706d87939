package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the supervision thread does with a task that throws: nothing passes silently. */
class ExecutorSchedulerTest {
    @Test
    void aBugIsReportedAndAnOutOfMemoryErrorReachesTheThreadsHandlerInsteadOfTheTasksFuture() throws Exception {
        CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "supervision");
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.complete(e));
            return t;
        });
        try {
            ExecutorScheduler scheduler = ExecutorScheduler.on(executor);
            AtomicReference<RuntimeException> reported = new AtomicReference<>();
            scheduler.setOnError(reported::set);
            scheduler.execute(() -> {
                throw new IllegalStateException("a bug");
            });
            OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
            scheduler.execute(() -> {
                throw oom;
            });
            // An executor keeps a task's error in its future: without the hand-over it would never be seen.
            assertThat(uncaught.get(10, TimeUnit.SECONDS)).isSameAs(oom);
            assertThat(reported.get()).hasMessage("a bug");
        } finally {
            executor.shutdownNow();
        }
    }
}
