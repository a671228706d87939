package dev.procdeck.cli;

import java.time.Duration;

/** Validation of option values that picocli's type conversion lets through. */
final class OptionChecks {
    /** An hour is far beyond any graceful shutdown; larger values are slips (or 1e9) that would hang a stop. */
    static final double MAX_TIMEOUT_SECONDS = 3600;

    private OptionChecks() {
    }

    /**
     * The stop timeout from {@code -t}. picocli reads it with Double.valueOf, which accepts "NaN" and
     * "Infinity"; (long) (NaN * 1000) is 0 and Infinity saturates, so both would silently mean something else.
     */
    static Duration stopTimeout(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0 || seconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("-t/--timeout is " + seconds + "; give a number of seconds from 0 to "
                    + (int) MAX_TIMEOUT_SECONDS);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
