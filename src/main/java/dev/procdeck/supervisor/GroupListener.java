package dev.procdeck.supervisor;

/** Told of every process group the supervisor creates and reaps, so it can be cleaned up if procdeck dies. */
public interface GroupListener {
    GroupListener NONE = new GroupListener() {
        @Override
        public void groupStarted(long pgid) {
        }

        @Override
        public void groupEnded(long pgid) {
        }
    };

    void groupStarted(long pgid);

    void groupEnded(long pgid);
}
