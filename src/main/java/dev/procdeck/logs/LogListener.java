package dev.procdeck.logs;

import java.util.List;

/**
 * Receives output on the producing thread (a reader thread, or the supervisor thread and signal handlers for
 * events). Byte-level consumers override {@link #onBatch}; simple ones (tests, small views) implement only
 * {@link #onLines} and get decoded lines.
 *
 * <p>Contract: for an event batch ({@link LogBatch#isEvent()}) a listener must return at once, never waiting
 * for any output; for child output it may wait for room (that is back-pressure on the child's pipe).
 */
@FunctionalInterface
public interface LogListener {
    void onLines(List<LogLine> lines);

    /** Decodes and calls {@link #onLines}; output-writing listeners override this to stay with bytes. */
    default void onBatch(LogBatch batch) {
        onLines(batch.lines());
    }
}
