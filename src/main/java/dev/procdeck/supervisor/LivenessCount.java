package dev.procdeck.supervisor;

import dev.procdeck.procfile.Liveness;

/**
 * Counts one run's liveness checks (procdeck.yml {@code liveness:}): {@code failures} failed checks in a row mean
 * the instance is wedged; one success starts the count again. Pure.
 */
final class LivenessCount {
    private final Liveness liveness;
    private int failedInARow;

    LivenessCount(Liveness liveness) {
        this.liveness = liveness;
    }

    /**
     * Records one check; returns the reason to restart ("liveness check http /health failed 3 times in a row:
     * answered 503") once the failures in a row reach the limit, else null.
     */
    String record(boolean alive, String detail) {
        if (alive) {
            failedInARow = 0;
            return null;
        }
        failedInARow++;
        if (failedInARow < liveness.failures()) {
            return null;
        }
        failedInARow = 0;
        return "liveness check " + liveness.describe() + " failed " + (liveness.failures() == 1 ? "once"
                : liveness.failures() + " times in a row") + " (" + detail + ")";
    }
}
