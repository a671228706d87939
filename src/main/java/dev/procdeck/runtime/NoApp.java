package dev.procdeck.runtime;

import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceTerminal;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.SupervisorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Nothing open (or a folder that could not be): nothing to show, every command does nothing. */
public final class NoApp implements RunningApp {
    public static final NoApp INSTANCE = new NoApp();

    private NoApp() {
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public boolean drainTo(Updates updates) {
        return false;
    }

    @Override
    public void scale(String type, int count) {
    }

    @Override
    public void act(Action action, String target) {
    }

    @Override
    public void runJob(String type) {
    }

    @Override
    public List<JobRun> jobHistory(String type) {
        return List.of();
    }

    @Override
    public Optional<InstanceTerminal> terminal(InstanceId id, long pid) {
        return Optional.empty();
    }

    @Override
    public Duration stopTimeout() {
        return SupervisorSettings.defaults(0).stopTimeout();
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stopForExit(Duration budget) {
    }
}
