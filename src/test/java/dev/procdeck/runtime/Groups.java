package dev.procdeck.runtime;

import dev.procdeck.os.PosixSignals;
import dev.procdeck.os.ProcStat;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Real process groups for tests, each in its own session; whatever is still alive is killed by {@link #close}. */
final class Groups implements AutoCloseable {
    private final List<Long> started = new ArrayList<>();

    /** Starts {@code sh -c script} as a new group, with {@code PROCDECK_MARK=marker} unless marker is null. */
    GroupRecord start(String script, String marker) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("setsid", "sh", "-c", script)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (marker != null) {
            pb.environment().put(Supervisor.MARK_VARIABLE, marker);
        }
        long pgid = pb.start().pid();
        started.add(pgid);
        Await.until(Duration.ofSeconds(5), () -> ProcStat.startTime(pgid).isPresent() && PosixSignals.groupAlive(pgid),
                "group " + pgid + " to run");
        // The record's marker must have the session format even for unmarked groups.
        return new GroupRecord(pgid, ProcStat.startTime(pgid).getAsLong(), marker != null ? marker : GroupRecord.newMarker());
    }

    GroupRecord sleeper(String marker) throws IOException {
        return start("sleep 300 & wait", marker);
    }

    /** A group whose only members are zombies (not reaped yet by this JVM) counts as gone, as for procdeck. */
    static boolean alive(long pgid) {
        return dev.procdeck.os.LiveGroups.hasLiveMember(pgid);
    }

    @Override
    public void close() {
        for (long pgid : started) {
            if (PosixSignals.groupAlive(pgid)) {
                PosixSignals.signalGroup(pgid, 9);
            }
        }
        for (long pgid : started) {
            Await.until(Duration.ofSeconds(5), () -> !PosixSignals.groupAlive(pgid), "test group " + pgid + " gone");
        }
    }
}
