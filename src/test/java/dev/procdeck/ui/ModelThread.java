package dev.procdeck.ui;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real thread standing in for the FX thread in view-model tests: the model's {@code fx} executor posts to it
 * and tests call the model only through {@link #call}, so everything runs asynchronously and in one place, as
 * in the application, without a toolkit or a robot.
 */
final class ModelThread implements Executor, AutoCloseable {
    private final ExecutorService thread;
    private volatile Thread owner;

    ModelThread(String name) {
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            owner = t;
            return t;
        });
    }

    @Override
    public void execute(Runnable command) {
        thread.execute(command);
    }

    /** Runs {@code what} on the thread and returns its result (inline when already on it). */
    <T> T call(Callable<T> what) {
        try {
            if (Thread.currentThread() == owner) {
                return what.call();
            }
            return thread.submit(what).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    void run(Runnable what) {
        call(() -> {
            what.run();
            return null;
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
