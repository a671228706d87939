package dev.procdeck.logs;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one place where output from every instance meets: gives each batch its range of the global sequence and
 * hands it to every listener (terminal printer, session log, dashboard queue).
 *
 * <p>No lock: the sequence range comes from an atomic counter, and each listener only enqueues into its own
 * bounded queue, written by its own thread. So a stalled output holds up only the readers feeding it (as
 * back-pressure), never {@link #event} (the supervisor thread, signal handlers) nor another output's writer.
 * Each output sees batches in the order they were enqueued to it, which for two instances publishing at the
 * same moment may differ slightly from sequence order.
 */
public final class LogBus {
    private static final System.Logger LOG = System.getLogger(LogBus.class.getName());

    private final Clock clock;
    private final List<LogListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong nextSequence = new AtomicLong(1);
    private volatile Consumer<RuntimeException> onListenerFailure =
            e -> LOG.log(System.Logger.Level.ERROR, "log listener failed", e);

    public LogBus(Clock clock) {
        this.clock = clock;
    }

    public void addListener(LogListener listener) {
        listeners.add(listener);
    }

    public void removeListener(LogListener listener) {
        listeners.remove(listener);
    }

    /** Where a failing listener is reported (the front end prints or shows it); the others go on regardless. */
    public void setOnListenerFailure(Consumer<RuntimeException> action) {
        this.onListenerFailure = action;
    }

    /**
     * Publishes the whole lines of one read of one instance's stream, as {@link LineSplitter} delivers them:
     * one call per read, so a batch keeps one timestamp. May wait while an output is full (back-pressure).
     */
    public void publish(String instance, LogStream stream, byte[] lines, int lineCount, boolean plain) {
        if (lineCount == 0) {
            return;
        }
        long first = nextSequence.getAndAdd(lineCount);
        deliver(new LogBatch(instance, stream, clock.instant(), first, lineCount, lines, plain));
    }

    /** Publishes decoded lines (tests, and producers that are not pipes); they are cleaned like child output. */
    public void publish(String instance, LogStream stream, List<String> texts) {
        if (texts.isEmpty()) {
            return;
        }
        long first = nextSequence.getAndAdd(texts.size());
        deliver(LogBatch.of(instance, stream, clock.instant(), first, texts));
    }

    /**
     * Publishes one procdeck event line about an instance (or {@link LogLine#PROCDECK}). Never waits: every
     * output accepts events without waiting for room (see {@link BatchQueue}).
     */
    public void event(String instance, String text) {
        event(instance, text, clock.instant());
    }

    /** An event that happened at {@code at}: the line bears that time, so whoever else tells of it agrees. */
    public void event(String instance, String text, java.time.Instant at) {
        deliver(LogBatch.event(instance, at, nextSequence.getAndIncrement(), text));
    }

    private void deliver(LogBatch batch) {
        for (LogListener listener : listeners) {
            try {
                listener.onBatch(batch);
            } catch (RuntimeException e) {
                // One broken listener must not silence the others or kill a reader thread.
                onListenerFailure.accept(e);
            }
        }
    }
}
