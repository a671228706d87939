package dev.procdeck.logs;

import java.util.List;

/**
 * Receives lines in batches, in sequence order, on the producing thread. Implementations must be quick
 * (enqueue or write), because every producer waits for them.
 */
@FunctionalInterface
public interface LogListener {
    void onLines(List<LogLine> lines);
}
