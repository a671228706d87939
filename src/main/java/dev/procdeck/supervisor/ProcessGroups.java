package dev.procdeck.supervisor;

import dev.procdeck.os.LiveGroups;
import dev.procdeck.os.PosixSignals;
import dev.procdeck.os.Signal;

/** Signals and probes whole process groups; faked in tests. */
public interface ProcessGroups {

    /** Sends {@code signal} to every process of the group; false if the group is gone (or was refused). */
    boolean signal(long pgid, Signal signal);

    /** True while a process of the group is alive; zombies do not count (see {@link LiveGroups}). */
    boolean alive(long pgid);

    /** The real thing, through kill(2). */
    ProcessGroups POSIX = new ProcessGroups() {
        @Override
        public boolean signal(long pgid, Signal signal) {
            return PosixSignals.signalGroup(pgid, signal.number);
        }

        @Override
        public boolean alive(long pgid) {
            return LiveGroups.hasLiveMember(pgid);
        }
    };
}
