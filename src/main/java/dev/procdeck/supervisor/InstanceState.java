package dev.procdeck.supervisor;

/** The states of one instance; see {@link InstanceLifecycle} for the allowed transitions. */
public enum InstanceState {
    /**
     * Launch requested: waiting for the types it depends on, its process being spawned, or running but not ready
     * yet (see {@link InstanceLifecycle.StartPhase} and {@link InstanceSnapshot#waitingFor()}).
     */
    STARTING,
    /** Running. */
    UP,
    /** Asked to stop: SIGTERM sent to its process group, SIGKILL follows after the timeout. */
    STOPPING,
    /** Waiting out the restart back-off after a crash or an exit. */
    BACKING_OFF,
    /** Stopped on request. Terminal until started again. */
    STOPPED,
    /** Exited with code 0 and the restart policy does not restart it. Terminal. */
    EXITED,
    /** Exited non-zero (or by a signal) and the restart policy does not restart it. Terminal. */
    CRASHED,
    /** Could not be launched at all (missing shell, unreadable folder). Terminal. */
    FAILED;

    /** True if no process runs and none will start without a command. */
    public boolean isTerminal() {
        return this == STOPPED || this == EXITED || this == CRASHED || this == FAILED;
    }

    /** True while a process exists for the instance. */
    public boolean hasProcess() {
        return this == UP || this == STOPPING;
    }

    public String label() {
        return switch (this) {
            case STARTING -> "starting";
            case UP -> "up";
            case STOPPING -> "stopping";
            case BACKING_OFF -> "backing off";
            case STOPPED -> "stopped";
            case EXITED -> "exited";
            case CRASHED -> "crashed";
            case FAILED -> "failed";
        };
    }
}
