package dev.procdeck.supervisor;

import dev.procdeck.procfile.Readiness;

/**
 * One check of an instance's {@code ready: http} or {@code ready: port} (procdeck.yml). Called off the supervision
 * thread, one check per instance at a time; injected so that tests script readiness on a fake clock.
 * {@code ready: log} is not probed: {@link LogReadiness} matches the instance's output as it arrives.
 */
@FunctionalInterface
public interface ReadinessProbe {

    /**
     * The outcome of one check.
     *
     * @param detail what answered ("http /health answered 200", "port 5000 accepted a connection"), or why not
     *               ("http /health answered 503", "port 5000 refused the connection")
     */
    record Answer(boolean ready, String detail) {
    }

    /**
     * Checks once; may block for a few seconds at most (short connect and read timeouts). {@code pgid}: the
     * instance's process group, which must hold the port for an answer on it to count.
     */
    Answer check(Readiness readiness, int port, long pgid);

    /** The real checks, over the loopback interface. */
    ReadinessProbe NETWORK = NetworkProbe::check;
}
