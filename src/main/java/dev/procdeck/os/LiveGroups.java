package dev.procdeck.os;

import java.util.HashSet;
import java.util.Set;

/**
 * Whether a process group still has a living member. kill(-pgid, 0) also succeeds for a group whose members
 * are all zombies, and a zombie whose parent died waits for whoever adopts it (init, or a subreaper such as a
 * test harness or a container's init that reaps only now and then). A zombie runs nothing and holds nothing
 * but its pid, so a stop is over when only zombies are left; waiting for them could last for ever.
 */
public final class LiveGroups {
    /** A scan of /proc serves every group polled within this time (many instances stopping at once). */
    private static final long SCAN_REUSE_NANOS = 20_000_000L;
    private static Set<Long> lastScan = Set.of();
    private static long lastScanAt;

    private LiveGroups() {
    }

    /** True if some process of group {@code pgid} is alive and not a zombie. */
    public static boolean hasLiveMember(long pgid) {
        if (!PosixSignals.groupAlive(pgid)) {
            return false; // no process at all: the cheap and common answer
        }
        if (!ProcFs.supported()) {
            return true;
        }
        synchronized (LiveGroups.class) {
            long now = System.nanoTime();
            // A recent scan that shows the group alive is good enough (at worst one more poll); one that does
            // not know it may predate the group, so it is taken again.
            if (now - lastScanAt < SCAN_REUSE_NANOS && lastScan.contains(pgid)) {
                return true;
            }
            Set<Long> live = new HashSet<>();
            for (ProcFs.Stat s : ProcFs.all()) {
                if (!s.zombie()) {
                    live.add(s.pgrp());
                }
            }
            lastScan = live;
            lastScanAt = System.nanoTime();
            return live.contains(pgid);
        }
    }
}
