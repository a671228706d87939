package dev.procdeck.supervisor;

/** Told of every process group the supervisor creates and reaps, so it can be cleaned up if procdeck dies. */
public interface GroupListener {
    void groupStarted(long pgid);

    void groupEnded(long pgid);
}
