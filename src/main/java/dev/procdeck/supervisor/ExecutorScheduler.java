package dev.procdeck.supervisor;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The real {@link Scheduler}: a single-thread executor and the system clock. */
public final class ExecutorScheduler implements Scheduler {
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private volatile java.util.function.Consumer<RuntimeException> onError = e -> { };

    private ExecutorScheduler(ScheduledExecutorService executor, Clock clock) {
        this.executor = executor;
        this.clock = clock;
    }

    /** Hears of a task that threw: a bug, but one that must not pass silently (the executor would swallow it). */
    public void setOnError(java.util.function.Consumer<RuntimeException> handler) {
        this.onError = handler;
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                onError.accept(e);
            } catch (OutOfMemoryError e) {
                // The executor would keep it in the task's future and run on with half-done supervision: hand it
                // to the thread's handler, which ends procdeck (see cli.OutOfMemoryExit).
                Thread self = Thread.currentThread();
                self.getUncaughtExceptionHandler().uncaughtException(self, e);
                throw e;
            }
        };
    }

    public static ExecutorScheduler on(ScheduledExecutorService singleThread) {
        return new ExecutorScheduler(singleThread, Clock.systemUTC());
    }

    public static ExecutorScheduler on(ScheduledExecutorService singleThread, Clock clock) {
        return new ExecutorScheduler(singleThread, clock);
    }

    @Override
    public boolean execute(Runnable task) {
        try {
            executor.execute(guarded(task));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        try {
            ScheduledFuture<?> f = executor.schedule(guarded(task), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }
}
