package dev.procdeck.supervisor;

/**
 * Why an instance is STOPPING, and so what happens once its run has ended (main process reaped and process
 * group empty). Explicit, so that "restart when stopped" or "remove when stopped" is never a loose flag.
 */
public enum StopIntent {
    /** Asked to stop: it stays stopped. */
    STOP("stopping"),
    /** Asked to restart: it starts again, with the Procfile's current command. */
    RESTART("restarting"),
    /** Scaled away, or its type left the Procfile: the instance is removed. */
    RETIRE("retiring"),
    /** Its main process ended on its own but left processes in its group: those are stopped, then the restart
     *  policy decides as for any exit. */
    LINGER("stopping processes left in its group"),
    /** It did not become ready within its readiness timeout (Heroku's R10): it is stopped, then the restart
     *  policy decides as for a crash. */
    NOT_READY("stopping (not ready)"),
    /** It was up but is no longer healthy: past twice its memory quota (Heroku's R15) or failing its liveness
     *  check. It is stopped, then the restart policy decides as for a crash. */
    UNHEALTHY("stopping (unhealthy)");

    private final String label;

    StopIntent(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The intent when a second request arrives while stopping: retiring wins, then the latest request. */
    StopIntent then(StopIntent requested) {
        if (this == RETIRE || requested == RETIRE) {
            return RETIRE;
        }
        return requested;
    }
}
