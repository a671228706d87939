package dev.procdeck.supervisor;

/**
 * Observes a {@link Supervisor}. Called on the supervisor's own thread, in order; implementations hand the
 * news on (the dashboard queues it for the FX thread) and return quickly.
 */
public interface SupervisorListener {

    void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition);

    /** The instance left the formation (scaled down, or its type left the Procfile) and has stopped. */
    default void instanceRemoved(InstanceId id) {
    }

    default void scaleChanged(String type, int count) {
    }

    /** No instance runs and none will start on its own: every one is stopped, exited, crashed or failed. */
    default void settled() {
    }
}
