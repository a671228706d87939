package dev.procdeck.logs;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A hand-over of {@link LogBatch}es to one consumer, bounded in bytes rather than in lines (one 60 KB line
 * weighs as much as 750 short ones). The lock guards only queue operations, never a write or a listener call,
 * so a producer waits at most for another enqueue or dequeue, never for I/O.
 *
 * <p>What happens when the budget is used up depends on the consumer:
 * <ul>
 * <li>{@link WhenFull#WAIT} (terminal, session log): a producer of child output waits for room, which is
 * back-pressure on the children's pipes, as {@code cat} would apply. {@link #stopWaiting()} ends that for good:
 * from then on what does not fit is dropped and counted.</li>
 * <li>{@link WhenFull#DROP_OLDEST} (dashboard): the oldest batches leave and are counted.</li>
 * </ul>
 * Events (procdeck's own lines, published by the supervisor thread and signal handlers) never wait: they may
 * exceed the budget by a small allowance, and past that hard cap they are dropped and counted.
 */
public final class BatchQueue {
    public enum WhenFull { WAIT, DROP_OLDEST }

    private final long budget;
    private final long hardCap;
    private final WhenFull whenFull;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<LogBatch> items = new ArrayDeque<>();
    private long bytes;
    private boolean noWaiting;
    private boolean finished;
    private long droppedLines;
    private long droppedEvents;

    public BatchQueue(long budgetBytes, WhenFull whenFull) {
        if (budgetBytes < 1024) {
            throw new IllegalArgumentException("budget too small: " + budgetBytes);
        }
        this.budget = budgetBytes;
        this.hardCap = budgetBytes + Math.max(64 * 1024, budgetBytes / 8);
        this.whenFull = whenFull;
    }

    public long budget() {
        return budget;
    }

    /**
     * Enqueues a batch; for child output in {@link WhenFull#WAIT} mode waits while the budget is used up (an
     * empty queue takes any batch, so a batch larger than the budget cannot wait forever).
     *
     * @return false if the batch was dropped (counted)
     */
    public boolean put(LogBatch batch) {
        long cost = batch.cost();
        lock.lock();
        try {
            if (finished) {
                countDropped(batch);
                return false;
            }
            if (batch.isEvent()) {
                if (whenFull == WhenFull.DROP_OLDEST) {
                    evictFor(cost);
                } else if (bytes + cost > hardCap) {
                    droppedEvents++;
                    return false;
                }
            } else if (whenFull == WhenFull.DROP_OLDEST) {
                evictFor(cost);
            } else {
                while (!noWaiting && !finished && !items.isEmpty() && bytes + cost > budget) {
                    try {
                        notFull.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        countDropped(batch);
                        return false;
                    }
                }
                if (finished || (!items.isEmpty() && bytes + cost > budget)) {
                    countDropped(batch);
                    return false;
                }
            }
            items.addLast(batch);
            bytes += cost;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void evictFor(long cost) {
        while (!items.isEmpty() && bytes + cost > budget) {
            countDropped(remove());
        }
    }

    private void countDropped(LogBatch batch) {
        if (batch.isEvent()) {
            droppedEvents++;
        } else {
            droppedLines += batch.lineCount();
        }
    }

    private LogBatch remove() {
        LogBatch b = items.pollFirst();
        bytes -= b.cost();
        notFull.signalAll();
        return b;
    }

    /** Waits for the next batch; null once {@link #finish()} was called and everything before it was taken. */
    public LogBatch take() throws InterruptedException {
        lock.lock();
        try {
            while (items.isEmpty()) {
                if (finished) {
                    return null;
                }
                notEmpty.await();
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #take()} but gives up after the timeout (returns null). */
    public LogBatch poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (items.isEmpty()) {
                if (finished || nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    /** Moves every queued batch into {@code into}, oldest first, without waiting. */
    public void drainTo(List<LogBatch> into) {
        lock.lock();
        try {
            while (!items.isEmpty()) {
                into.add(remove());
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isEmpty() {
        lock.lock();
        try {
            return items.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued (with the per-batch overhead of {@link LogBatch#cost()}). */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** From now on no producer waits: batches that do not fit are dropped and counted. Wakes waiting producers. */
    public void stopWaiting() {
        lock.lock();
        try {
            noWaiting = true;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more batches are accepted (counted as dropped); the consumer takes what is queued, then gets null. */
    public void finish() {
        lock.lock();
        try {
            finished = true;
            notFull.signalAll();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything queued (counted) and accepts nothing more: the consumer is gone. */
    public void abandon() {
        lock.lock();
        try {
            finished = true;
            noWaiting = true;
            while (!items.isEmpty()) {
                countDropped(remove());
            }
            notFull.signalAll();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Child lines dropped so far. */
    public long droppedLines() {
        lock.lock();
        try {
            return droppedLines;
        } finally {
            lock.unlock();
        }
    }

    /** Events dropped so far (past the hard cap, or after the end). */
    public long droppedEvents() {
        lock.lock();
        try {
            return droppedEvents;
        } finally {
            lock.unlock();
        }
    }

    /** Returns and resets the dropped line and event counts, for consumers that report them as they go. */
    public long takeDropped() {
        lock.lock();
        try {
            long d = droppedLines + droppedEvents;
            droppedLines = 0;
            droppedEvents = 0;
            return d;
        } finally {
            lock.unlock();
        }
    }
}
