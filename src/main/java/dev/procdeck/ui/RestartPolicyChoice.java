package dev.procdeck.ui;

import dev.procdeck.procfile.RestartMode;
import dev.procdeck.supervisor.RestartPolicy;
import dev.procdeck.supervisor.Supervisor;

/** A restart mode chosen in the table, applied with the type's current back-off timings. */
final class RestartPolicyChoice {
    private RestartPolicyChoice() {
    }

    static RestartPolicy policy(Supervisor s, String type, RestartMode mode) {
        RestartPolicy now = s.policyFor(type);
        return new RestartPolicy(mode, now.initialBackoff(), now.maxBackoff(), now.resetAfter());
    }
}
