package dev.procdeck.logs;

import java.util.List;

/**
 * Receives output on the producing thread (a reader thread, or the supervisor thread and signal handlers for
 * events) as byte batches ({@link #onBatch}); a consumer that wants decoded lines wraps itself with
 * {@link #ofLines}.
 *
 * <p>Contract: for an event batch ({@link LogBatch#isEvent()}) a listener must return at once, never waiting
 * for any output; for child output it may wait for room (that is back-pressure on the child's pipe).
 */
@FunctionalInterface
public interface LogListener {
    void onBatch(LogBatch batch);

    /**
     * Decoded lines from a producer that holds them (tests, the attached console's wire): as batches, one per run
     * of lines of one instance and stream. A listener that keeps decoded lines anyway may take them as they are.
     */
    default void onLines(List<LogLine> lines) {
        for (LogBatch b : LogBatch.batchesOf(lines)) {
            onBatch(b);
        }
    }

    /** A listener that wants decoded lines: each batch's lines. */
    static LogListener ofLines(java.util.function.Consumer<List<LogLine>> lines) {
        return batch -> lines.accept(batch.lines());
    }
}
