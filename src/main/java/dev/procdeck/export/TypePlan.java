package dev.procdeck.export;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.procfile.Schedule;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.supervisor.Ports;
import java.time.Duration;

/**
 * One process type as exported: its Procfile line, procdeck.yml settings with the defaults filled in, and how
 * many instances run.
 *
 * @param scale    instances of a long-running type (0 exports none, or a Deployment of 0 replicas);
 *                 1 for a scheduled type, which is not part of the formation
 * @param schedule when it runs, or null for a long-running type
 */
record TypePlan(ProcessType type, TypeConfig config, int scale, int basePort, RestartMode restart,
                String stopSignal, Duration stopTimeout, Schedule schedule) {

    String name() {
        return type.name();
    }

    String command() {
        return type.command();
    }

    boolean scheduled() {
        return schedule != null;
    }

    /** The Procfile's release phase: a Kubernetes Job, left out by the service managers. */
    boolean release() {
        return name().equals(dev.procdeck.procfile.Procfile.RELEASE);
    }

    /**
     * The memory an instance may reach before it is killed and restarted, or null: twice procdeck.yml's
     * {@code memory:}, where procdeck restarts it (Heroku's R15). The quota itself is where R14 begins.
     */
    Long memoryLimit() {
        return config.memory() == null ? null : 2 * config.memory();
    }

    /** PORT of instance {@code n}, as {@code start} numbers it. */
    int port(int n) {
        return Ports.port(basePort, type.index(), n);
    }

    /** {@code web.2}: PS and DYNO of instance {@code n}. */
    String dyno(int n) {
        return name() + "." + n;
    }

    /** A type that serves on $PORT: named web, or with a readiness check on its port. */
    boolean servesPort() {
        Readiness ready = config.ready();
        dev.procdeck.procfile.Liveness live = config.liveness();
        return name().equals("web")
                || (ready != null && (ready.kind() == Readiness.Kind.HTTP || ready.kind() == Readiness.Kind.PORT))
                || (live != null && live.kind() != dev.procdeck.procfile.Liveness.Kind.EXEC);
    }

    /** The stop timeout in whole seconds, rounded up: the managers count seconds. */
    long stopTimeoutSeconds() {
        long seconds = stopTimeout.toSeconds();
        return stopTimeout.equals(Duration.ofSeconds(seconds)) ? seconds : seconds + 1;
    }
}
