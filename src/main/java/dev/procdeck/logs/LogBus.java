package dev.procdeck.logs;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one place where lines from every instance meet: assigns the global sequence and hands each batch to
 * every listener (console printer, session log, dashboard queue) in the same order.
 */
public final class LogBus {
    private final Clock clock;
    private final List<LogListener> listeners = new CopyOnWriteArrayList<>();
    private long nextSequence = 1;

    public LogBus(Clock clock) {
        this.clock = clock;
    }

    public void addListener(LogListener listener) {
        listeners.add(listener);
    }

    public void removeListener(LogListener listener) {
        listeners.remove(listener);
    }

    /** Publishes lines read from one instance's stream; one call per read, so a batch keeps one timestamp. */
    public void publish(String instance, LogStream stream, List<String> texts) {
        publish(instance, stream, texts, false);
    }

    /**
     * @param plain true if the caller knows that no text has an escape sequence (saves every consumer a search)
     */
    public synchronized void publish(String instance, LogStream stream, List<String> texts, boolean plain) {
        if (texts.isEmpty()) {
            return;
        }
        var now = clock.instant();
        List<LogLine> batch = new ArrayList<>(texts.size());
        for (String text : texts) {
            batch.add(plain ? new LogLine(nextSequence++, now, instance, stream, text, true)
                    : new LogLine(nextSequence++, now, instance, stream, text));
        }
        deliver(batch);
    }

    /** Publishes one procdeck event line about an instance (or {@link LogLine#PROCDECK}). */
    public synchronized void event(String instance, String text) {
        deliver(List.of(new LogLine(nextSequence++, clock.instant(), instance, LogStream.SYSTEM, text)));
    }

    private void deliver(List<LogLine> batch) {
        List<LogLine> view = java.util.Collections.unmodifiableList(batch);
        for (LogListener listener : listeners) {
            try {
                listener.onLines(view);
            } catch (RuntimeException e) {
                // One broken listener must not silence the others or kill a reader thread.
                System.err.println("procdeck: log listener failed: " + e);
            }
        }
    }
}
