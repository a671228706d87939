package dev.procdeck.ui;

import dev.procdeck.procfile.RestartMode;
import dev.procdeck.supervisor.RestartPolicy;
import dev.procdeck.supervisor.Supervisor;

/** A restart mode chosen in the table, applied with the type's current back-off timings and restart limit. */
final class RestartPolicyChoice {
    private RestartPolicyChoice() {
    }

    static RestartPolicy policy(Supervisor s, String type, RestartMode mode) {
        RestartPolicy now = s.policyFor(type);
        return now.withMode(mode);
    }
}
