package dev.procdeck.runtime;

import dev.procdeck.supervisor.Terminator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by the watchdog shell (with procdeck's own java and class path) once procdeck is gone: stops the
 * process groups it was told of, through the one {@link Terminator}. Arguments: {@code TIMEOUT_MILLIS
 * PGID:START:MARKER...}. Every record is parsed and verified again here ({@link GroupRecord#verify}), so a
 * reused pid or a malformed argument is skipped, never signalled. Exits 0 once done; anything else makes the
 * shell fall back to its own TERM/KILL loop.
 */
public final class WatchdogMain {
    private WatchdogMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.exit(2);
        }
        long timeoutMillis;
        try {
            timeoutMillis = Long.parseLong(args[0]);
        } catch (NumberFormatException e) {
            timeoutMillis = 5000;
        }
        List<Long> pgids = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            try {
                GroupRecord r = GroupRecord.parse(args[i]);
                if (r.verify() == GroupRecord.Status.OURS) {
                    pgids.add(r.pgid());
                }
            } catch (IllegalArgumentException e) {
                // Not a record procdeck wrote: skipped.
            }
        }
        Terminator.terminateAll(pgids, Duration.ofMillis(Math.max(0, Math.min(timeoutMillis, 3_600_000))));
        System.exit(0);
    }
}
