package dev.procdeck.runtime;

import dev.procdeck.supervisor.Terminator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by the watchdog shell (with procdeck's own java and class path) once procdeck is gone: stops the
 * process groups it was told of, through the one {@link Terminator}. Arguments: {@code TIMEOUT_MILLIS
 * PGID:START:MARKER... mark:MARKER...}: with each {@code mark:}, every process group of a process carrying that
 * {@code PROCDECK_MARK} is stopped too (one whose leader exited before it was recorded, or that left its group
 * with setsid). Every record is parsed and verified again here ({@link GroupRecord#verify}), so a
 * reused pid or a malformed argument is skipped, never signalled. Exits 0 once done; anything else makes the
 * shell fall back to its own TERM/KILL loop.
 */
public final class WatchdogMain {
    static final String MARK_ARGUMENT = "mark:";

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
        java.util.Set<Long> pgids = new java.util.LinkedHashSet<>();
        long own = dev.procdeck.os.ProcFs.stat(ProcessHandle.current().pid()).map(s -> s.pgrp()).orElse(-1L);
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith(MARK_ARGUMENT)) {
                String marker = args[i].substring(MARK_ARGUMENT.length());
                if (GroupRecord.isMarker(marker)) {
                    pgids.addAll(dev.procdeck.os.ProcIdentity.groupsCarrying(
                            dev.procdeck.supervisor.Supervisor.MARK_VARIABLE, marker, own));
                }
                continue;
            }
            try {
                GroupRecord r = GroupRecord.parse(args[i]);
                if (r.verify() == GroupRecord.Status.OURS) {
                    pgids.add(r.pgid());
                }
            } catch (IllegalArgumentException e) {
                // Not a record procdeck wrote: skipped.
            }
        }
        Terminator.terminateAll(new ArrayList<>(pgids), Duration.ofMillis(Math.max(0, Math.min(timeoutMillis, 3_600_000))));
        System.exit(0);
    }
}
