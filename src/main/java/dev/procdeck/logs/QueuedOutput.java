package dev.procdeck.logs;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One output (terminal, session log) with its own byte-bounded queue and its own writer thread, so that no
 * producer ever holds a lock while the output writes, and a stalled output stalls nobody but its own producers:
 * child output waits for room (back-pressure), events never wait (see {@link BatchQueue}).
 *
 * <p>The writer thread is a daemon: a thread stuck for ever in a write to a pipe nobody reads must not keep the
 * JVM alive. A writer that fails stops, reports once through the failure callback, and from then on drops and
 * counts, so that no producer is left waiting on a dead consumer.
 */
public final class QueuedOutput implements LogListener {
    /** Writes batches on the output's own thread. */
    public interface Writer {
        /** Writes or buffers one batch. */
        void write(LogBatch batch) throws IOException;

        /** Called when the queue is momentarily empty: push out whatever is buffered. */
        void flush() throws IOException;

        /** Called once after the last batch (not after a failure). */
        default void close() throws IOException {
            flush();
        }
    }

    private final BatchQueue queue;
    private final Writer writer;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile Consumer<Throwable> onFailure;
    private volatile Throwable failure;

    /**
     * @param onFailure told once, on the writer thread, when the output can no longer be written
     * @param onStart   run first on the writer thread (to lower its priority, say)
     */
    public QueuedOutput(String threadName, long budgetBytes, Writer writer, Consumer<Throwable> onFailure,
                        Runnable onStart) {
        this.queue = new BatchQueue(budgetBytes, BatchQueue.WhenFull.WAIT);
        this.writer = writer;
        this.onFailure = onFailure;
        this.thread = new Thread(() -> {
            onStart.run();
            writeLoop();
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    public void setOnFailure(Consumer<Throwable> onFailure) {
        this.onFailure = onFailure;
    }

    @Override
    public void onBatch(LogBatch batch) {
        queue.put(batch);
    }

    private void writeLoop() {
        try {
            LogBatch batch;
            while ((batch = queue.take()) != null) {
                writer.write(batch);
                if (queue.isEmpty()) {
                    // Flushed whenever we catch up: lines reach their reader promptly, floods in few writes.
                    writer.flush();
                }
            }
            writer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        } catch (OutOfMemoryError e) {
            queue.abandon(); // nobody waits for a writer that is gone
            throw e; // not absorbed: it reaches the thread's handler, which ends procdeck (cli.OutOfMemoryExit)
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
        } finally {
            done.countDown();
        }
    }

    private void fail(Throwable e) {
        failure = e;
        // Nobody may wait for a consumer that is gone: drop (and count) from now on.
        queue.abandon();
        if (failed.compareAndSet(false, true)) {
            try {
                onFailure.accept(e);
            } catch (RuntimeException ignored) {
                // The report is best effort; the output is already out of the way.
            }
        }
    }

    /** From now on producers never wait for this output (stopping: lines it cannot take are counted). */
    public void stopBlocking() {
        queue.stopWaiting();
    }

    /**
     * Lets the writer finish what is queued, waiting at most {@code timeout}; producers stop waiting at once.
     *
     * @return true if everything queued was written
     */
    public boolean close(Duration timeout) {
        queue.stopWaiting();
        queue.finish();
        try {
            if (done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return failure == null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Stuck in a write (a pipe nobody reads): leave the daemon thread behind, count what it will not write.
        queue.abandon();
        return false;
    }

    /** The error that stopped the writer, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Child lines this output did not write (dropped after stopping, after a failure, or left at close). */
    public long droppedLines() {
        return queue.droppedLines();
    }

    public long droppedEvents() {
        return queue.droppedEvents();
    }

    /** True once the writer thread has ended (normally or not). */
    public boolean isDone() {
        return done.getCount() == 0;
    }
}
