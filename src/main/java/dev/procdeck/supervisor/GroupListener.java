package dev.procdeck.supervisor;

import dev.procdeck.os.ProcStat;

/**
 * Told of every process group the supervisor creates and reaps, so it can be cleaned up if procdeck dies.
 *
 * <p>The supervisor puts {@code PROCDECK_MARK=<marker()>} into the environment of every instance it launches
 * and calls {@link #groupStarted(long, long, String)} right after each spawn (restarts included), before the
 * process can run long enough to matter. Implementations must return quickly and never wait on a disk.
 * A recorded group is later signalled only while its leader's start time and that marker still match, so a
 * reused pid or a forged record never hits someone else's processes.
 */
public interface GroupListener {
    /** The environment variable carrying {@link #marker()} into each instance. */
    String MARK_VARIABLE = "PROCDECK_MARK";

    /** The value for {@link #MARK_VARIABLE} of every instance launched while this listener is set. */
    default String marker() {
        return null;
    }

    /**
     * A group was spawned: {@code pgid} (its leader's pid), the leader's start time in clock ticks since boot
     * ({@link ProcStat#startTime}, -1 if unknown) and the marker put into its environment.
     */
    default void groupStarted(long pgid, long startTime, String marker) {
    }

    /**
     * Bridge for a supervisor that only knows the pgid: reads the start time now (the leader is our unreaped
     * child, so /proc still has it) and assumes {@link #marker()} was passed. To be removed once every caller
     * uses {@link #groupStarted(long, long, String)}.
     */
    @Deprecated
    default void groupStarted(long pgid) {
        groupStarted(pgid, ProcStat.startTime(pgid).orElse(-1), marker());
    }

    void groupEnded(long pgid);
}
