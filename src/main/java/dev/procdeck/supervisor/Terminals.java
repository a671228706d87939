package dev.procdeck.supervisor;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The terminals of the running {@code tty: true} instances of one supervisor, by instance name. A terminal is
 * known from its spawn (before the supervision thread hears of the process, so it is never forgotten before it
 * was known) until its run is over, when its master is closed: after the group is gone and its output read.
 */
final class Terminals {
    private final Map<String, LaunchedProcess> byInstance = new ConcurrentHashMap<>();

    /** {@code launcher}, noting the terminal of every process it launches with one. */
    ProcessLauncher tracking(ProcessLauncher launcher) {
        return new ProcessLauncher() {
            @Override
            public LaunchedProcess launch(LaunchSpec spec) throws IOException {
                LaunchedProcess process = launcher.launch(spec);
                if (process.terminal().isPresent()) {
                    LaunchedProcess previous = byInstance.put(spec.name(), process);
                    if (previous != null && previous != process) {
                        previous.release();
                    }
                }
                return process;
            }
        };
    }

    Optional<InstanceTerminal> terminal(InstanceId id) {
        LaunchedProcess process = byInstance.get(id.name());
        return process == null ? Optional.empty() : process.terminal();
    }

    /** The run of {@code id} whose group was {@code pgid} is over: close its terminal, if it had one. */
    void runOver(InstanceId id, long pgid) {
        LaunchedProcess[] over = new LaunchedProcess[1];
        byInstance.computeIfPresent(id.name(), (name, process) -> {
            if (process.pid() != pgid) {
                return process;
            }
            over[0] = process;
            return null;
        });
        if (over[0] != null) {
            over[0].release();
        }
    }
}
