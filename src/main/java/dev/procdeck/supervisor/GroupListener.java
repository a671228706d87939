package dev.procdeck.supervisor;

/**
 * Told of every process group the supervisor creates and reaps, so it can be cleaned up if procdeck dies.
 *
 * <p>The supervisor puts {@code PROCDECK_MARK=<marker>} ({@link Supervisor#MARK_VARIABLE}) into the environment
 * of every instance it launches and calls {@link #groupStarted(long, long, String)} right after each spawn
 * (restarts included), before the process can run long enough to matter. Implementations must return quickly
 * and never wait on a disk. A recorded group is later signalled only while its leader's start time and that
 * marker still match, so a reused pid or a forged record never hits someone else's processes.
 */
public interface GroupListener {
    GroupListener NONE = new GroupListener() {
        @Override
        public void groupStarted(long pgid, long startTime, String marker) {
        }

        @Override
        public void groupEnded(long pgid) {
        }
    };

    /**
     * A group was spawned: {@code pgid} (its leader's pid), the leader's start time in clock ticks since boot
     * ({@code ProcStat.startTime}, -1 if unknown) and the marker put into its environment.
     */
    void groupStarted(long pgid, long startTime, String marker);

    void groupEnded(long pgid);
}
